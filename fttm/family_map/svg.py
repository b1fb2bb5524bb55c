"""Drawing pieces shared by the genogram and the ecomap: symbols, styled lines, labels, legends.

Everything is plain SVG with presentation attributes (no style attributes, no script), so the same
markup shows on every screen under the strict content security policy and downloads as a file
that opens anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import pairwise

from markupsafe import escape

INK = "#1f2933"
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
Point = tuple[float, float]


def number(value: float) -> str:
    """A coordinate, short: no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def points_attr(points: Iterable[Point]) -> str:
    return " ".join(f"{number(x)},{number(y)}" for x, y in points)


def polyline(points: list[Point], stroke: str = INK, width: float = 2, **extra: str) -> str:
    """An open line through the points."""
    attributes = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in extra.items())
    return (
        f'<polyline points="{points_attr(points)}" fill="none" stroke="{stroke}" '
        f'stroke-width="{number(width)}" stroke-linejoin="round"{attributes}/>'
    )


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 12,
    anchor: str = "middle",
    weight: str = "normal",
    fill: str = INK,
    style: str = "normal",
) -> str:
    """A line of text (escaped)."""
    return (
        f'<text x="{number(x)}" y="{number(y)}" font-family="{FONT}" font-size="{number(size)}" '
        f'text-anchor="{anchor}" font-weight="{weight}" font-style="{style}" fill="{fill}">'
        f"{escape(content)}</text>"
    )


def wrap(words: str, width: int, lines: int) -> list[str]:
    """Split a label into at most `lines` lines of about `width` characters, with an ellipsis
    when it does not fit.
    """
    result: list[str] = []
    current = ""
    for word in words.split():
        if len(word) > width:
            word = word[: width - 1] + "…"
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            result.append(current)
            current = word
    if current:
        result.append(current)
    if len(result) > lines:
        result = result[:lines]
        last = result[-1]
        result[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return result


# -- people ---------------------------------------------------------------------------------


def symbol(
    x: float,
    y: float,
    sex: str,
    *,
    size: float = 40,
    focus: bool = False,
    deceased: bool = False,
    loss: bool = False,
    fill: str = "#ffffff",
) -> str:
    """A genogram symbol: square (male), circle (female), diamond (other or unknown); a double
    outline for the focus child; an X for someone who has died; a small filled circle for a
    pregnancy loss.
    """
    half = size / 2
    if loss:
        return f'<circle cx="{number(x)}" cy="{number(y)}" r="{number(size / 5)}" fill="{INK}"/>'
    parts = [_shape(x, y, sex, half, fill, 2)]
    if focus:
        parts.append(_shape(x, y, sex, half - 5, "none", 1.5))
    if deceased:
        reach = half * (0.72 if sex == "female" else 0.95) + 4
        parts.append(
            f'<path d="M{number(x - reach)},{number(y - reach)} L{number(x + reach)},'
            f"{number(y + reach)} M{number(x + reach)},{number(y - reach)} "
            f'L{number(x - reach)},{number(y + reach)}" stroke="{INK}" stroke-width="2"/>'
        )
    return "".join(parts)


def _shape(x: float, y: float, sex: str, half: float, fill: str, width: float) -> str:
    common = f'fill="{fill}" stroke="{INK}" stroke-width="{number(width)}"'
    if sex == "male":
        return (
            f'<rect x="{number(x - half)}" y="{number(y - half)}" width="{number(2 * half)}" '
            f'height="{number(2 * half)}" {common}/>'
        )
    if sex == "female":
        return f'<circle cx="{number(x)}" cy="{number(y)}" r="{number(half)}" {common}/>'
    diamond = [(x, y - half), (x + half, y), (x, y + half), (x - half, y)]
    return f'<polygon points="{points_attr(diamond)}" {common}/>'


# -- styled lines -----------------------------------------------------------------------------


def _length(points: list[Point]) -> float:
    return sum(math.dist(a, b) for a, b in pairwise(points))


def _normal(a: Point, b: Point) -> Point:
    length = math.dist(a, b) or 1.0
    return (-(b[1] - a[1]) / length, (b[0] - a[0]) / length)


def offset(points: list[Point], distance: float) -> list[Point]:
    """The polyline moved sideways by `distance` (mitred at the corners)."""
    result = []
    for index, point in enumerate(points):
        normals = []
        if index > 0:
            normals.append(_normal(points[index - 1], point))
        if index < len(points) - 1:
            normals.append(_normal(point, points[index + 1]))
        nx = sum(n[0] for n in normals) / len(normals)
        ny = sum(n[1] for n in normals) / len(normals)
        scale = nx * nx + ny * ny or 1.0
        result.append((point[0] + nx * distance / scale, point[1] + ny * distance / scale))
    return result


def zigzag(points: list[Point], *, step: float = 7, amplitude: float = 4.5) -> list[Point]:
    """A zigzag following the polyline, leaving its first and last few pixels straight."""
    total = _length(points)
    if total < 3 * step:
        return points
    result = [points[0]]
    walked, side, where = 0.0, 1, step
    for a, b in pairwise(points):
        segment = math.dist(a, b)
        if segment == 0:
            continue
        nx, ny = _normal(a, b)
        while where < min(walked + segment, total - step):
            t = (where - walked) / segment
            x, y = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
            result.append((x + nx * amplitude * side, y + ny * amplitude * side))
            side, where = -side, where + step
        walked += segment
    result.append(points[-1])
    return result


def _split_middle(points: list[Point], gap: float) -> tuple[list[Point], list[Point], Point, Point]:
    """The polyline cut in the middle of its longest segment, leaving a gap of `gap` pixels."""
    longest = max(range(len(points) - 1), key=lambda i: math.dist(points[i], points[i + 1]))
    a, b = points[longest], points[longest + 1]
    length = math.dist(a, b) or 1.0
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    before = (mx - ux * gap / 2, my - uy * gap / 2)
    after = (mx + ux * gap / 2, my + uy * gap / 2)
    return [*points[: longest + 1], before], [after, *points[longest + 1 :]], before, after


def _bar(point: Point, direction: Point, half: float) -> str:
    nx, ny = direction
    return polyline(
        [(point[0] - nx * half, point[1] - ny * half), (point[0] + nx * half, point[1] + ny * half)]
    )


EMOTIONAL_COLOURS = {
    "close": "#2e7d32",
    "very_close": "#1b5e20",
    "distant": "#546e7a",
    "conflict": "#d84315",
    "hostile": "#c62828",
    "cut_off": "#37474f",
    "violence": "#8e0000",
}


def feeling(points: list[Point], kind: str, marker: str) -> str:
    """An emotional relationship in its standard line style."""
    colour = EMOTIONAL_COLOURS.get(kind, INK)
    if kind == "close":
        return "".join(polyline(offset(points, d), colour, 1.6) for d in (-2.5, 2.5))
    if kind == "very_close":
        return "".join(polyline(offset(points, d), colour, 1.4) for d in (-4, 0, 4))
    if kind == "distant":
        return polyline(points, colour, 1.6, stroke_dasharray="2 5", stroke_linecap="round")
    if kind == "conflict":
        return polyline(zigzag(points), colour, 1.6)
    if kind == "hostile":
        return polyline(zigzag(points), colour, 1.6) + "".join(
            polyline(offset(points, d), colour, 1.2) for d in (-6, 6)
        )
    if kind == "cut_off":
        first, second, before, after = _split_middle(points, 10)
        direction = _normal(before, after)
        return (
            polyline(first, colour, 1.8)
            + polyline(second, colour, 1.8)
            + _bar(before, direction, 7).replace(INK, colour)
            + _bar(after, direction, 7).replace(INK, colour)
        )
    if kind == "violence":
        return polyline(zigzag(points, amplitude=5), colour, 2.4, marker_end=f"url(#{marker})")
    return polyline(points, colour, 1.6)


def slashes(point: Point, count: int) -> str:
    """One slash (separated) or two (divorced) across a horizontal union line."""
    x, y = point
    return "".join(
        polyline([(x + shift - 5, y + 9), (x + shift + 5, y - 9)], INK, 2)
        for shift in ((0,) if count == 1 else (-5, 5))
    )


def arrow_marker(marker_id: str, colour: str) -> str:
    """An arrowhead for `marker-end` / `marker-start` (it turns with the line)."""
    return (
        f'<marker id="{marker_id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    )


def document(
    width: float,
    height: float,
    body: str,
    *,
    title: str,
    description: str,
    figure_id: str,
    css_class: str,
) -> str:
    """A whole SVG document, sized to its drawing, labelled for screen readers."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" id="{figure_id}" '
        f'viewBox="0 0 {number(width)} {number(height)}" width="{number(width)}" '
        f'height="{number(height)}" role="img" aria-labelledby="{figure_id}-title '
        f'{figure_id}-desc"><title id="{figure_id}-title">{escape(title)}</title>'
        f'<desc id="{figure_id}-desc">{escape(description)}</desc>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>{body}</svg>'
    )


def legend(
    entries: list[tuple[str, str]], x: float, y: float, width: float, heading: str
) -> tuple[str, float]:
    """A legend of (sample drawn in a 44 by 24 box at the origin, words) in columns; returns the
    markup and its height.
    """
    if not entries:
        return "", 0.0
    column = 225
    columns = max(1, int(width // column))
    rows = math.ceil(len(entries) / columns)
    parts = [text(x, y + 14, heading, size=12, anchor="start", weight="bold")]
    for index, (sample, words) in enumerate(entries):
        cx = x + (index // rows) * column
        cy = y + 26 + (index % rows) * 30
        parts.append(f'<g transform="translate({number(cx)},{number(cy)})">{sample}</g>')
        parts.append(text(cx + 52, cy + 16, words, size=11, anchor="start"))
    return "".join(parts), 26 + rows * 30 + 8
