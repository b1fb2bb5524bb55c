"""The ecomap: the household in the centre, the systems around it, and the connections between.

The people in the centre are the genogram's people (one family map, two views): the focus
child's household, plus anyone else who has a connection of their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fttm.family_map import svg
from fttm.family_map.layout import PersonNode
from fttm.languages import gettext as _

SYSTEM_RADIUS = 50
PERSON_SIZE = 28
STRENGTH_STYLE = {
    "strong": {"width": 5.0},
    "moderate": {"width": 2.0},
    "tenuous": {"width": 2.0, "stroke_dasharray": "7 6"},
    "stressful": {"width": 2.0},
}
STRESS_COLOUR = "#c62828"


@dataclass(frozen=True)
class Connection:
    """One line from the household (person_id None) or a person to an outside system."""

    id: int
    person_id: int | None
    category: str
    category_label: str
    system_name: str
    strength: str
    flow: str
    note: str | None = None


@dataclass(frozen=True)
class System:
    """An outside system drawn once, however many connections it has."""

    key: tuple[str, str]
    name: str
    category_label: str
    x: float
    y: float


def strength_words() -> dict[str, str]:
    return {
        "strong": _("Strong"),
        "moderate": _("Moderate"),
        "tenuous": _("Tenuous"),
        "stressful": _("Stressful"),
    }


def flow_choices() -> dict[str, str]:
    """Which way energy flows, as the forms offer it."""
    return {
        "none": _("No particular direction"),
        "to_family": _("To the family"),
        "from_family": _("From the family"),
        "both": _("Both ways"),
    }


def flow_words() -> dict[str, str]:
    return {
        "none": _("No particular direction"),
        "to_family": _("Energy or support flows to the family"),
        "from_family": _("Energy flows from the family to the system"),
        "both": _("Energy flows both ways"),
    }


def system_key(connection: Connection) -> tuple[str, str]:
    """Connections to the same named system of the same category share one circle."""
    return (connection.category, " ".join(connection.system_name.lower().split()))


def centre_people(people: tuple[PersonNode, ...], connections: tuple[Connection, ...]):
    """Who stands in the centre: the focus child's household (or the focus child), and anyone
    with a connection of their own; in genogram order (by generation, then age).
    """
    focus = [p for p in people if p.focus and not p.pregnancy_loss]
    homes = {p.household_id for p in focus if p.household_id is not None}
    chosen = {p.id for p in people if p.household_id in homes and not p.pregnancy_loss}
    chosen.update(p.id for p in focus)
    chosen.update(c.person_id for c in connections if c.person_id is not None)
    if not chosen and not homes:
        chosen.update(p.id for p in people if p.household_id is not None and not p.pregnancy_loss)
    return [p for p in sorted(people, key=lambda p: (p.birth_year or 0, p.id)) if p.id in chosen]


@dataclass
class EcomapLayout:
    width: float
    height: float
    centre: tuple[float, float]
    centre_radius: float
    people: dict[int, tuple[float, float]]
    systems: list[System]


def lay_out_ecomap(
    people: tuple[PersonNode, ...], connections: tuple[Connection, ...], category_order: list[str]
) -> EcomapLayout:
    """Systems evenly round a ring, in the profile's category order; people in the centre,
    each turned towards the systems they are connected to.
    """
    inside = centre_people(people, connections)
    keys: dict[tuple[str, str], Connection] = {}
    rank = {key: number for number, key in enumerate(category_order)}
    for connection in sorted(
        connections, key=lambda c: (rank.get(c.category, 99), system_key(c), c.id)
    ):
        keys.setdefault(system_key(connection), connection)
    count = len(keys)
    centre_radius = 56.0 if len(inside) <= 1 else 44 + 13 * len(inside)
    ring = max(centre_radius + SYSTEM_RADIUS + 70, count * (2 * SYSTEM_RADIUS + 26) / (2 * math.pi))
    half = ring + SYSTEM_RADIUS + 30
    cx = cy = half
    systems = []
    angles: dict[tuple[str, str], float] = {}
    for number, (key, first) in enumerate(keys.items()):
        angle = -math.pi / 2 + 2 * math.pi * number / max(count, 1)
        angles[key] = angle
        systems.append(
            System(
                key,
                first.system_name,
                first.category_label,
                cx + ring * math.cos(angle),
                cy + ring * math.sin(angle),
            )
        )
    placed = _centre_places(inside, connections, angles, (cx, cy), centre_radius)
    return EcomapLayout(2 * half, 2 * half, (cx, cy), centre_radius, placed, systems)


def _centre_places(inside, connections, angles, centre, radius) -> dict[int, tuple]:
    """People round a small ring inside the centre circle, each facing their own systems."""
    if not inside:
        return {}
    cx, cy = centre
    if len(inside) == 1:
        return {inside[0].id: (cx, cy - 6)}
    wished = []
    for number, person in enumerate(inside):
        own = [angles[system_key(c)] for c in connections if c.person_id == person.id]
        if own:
            angle = math.atan2(sum(math.sin(a) for a in own), sum(math.cos(a) for a in own))
        else:
            angle = -math.pi / 2 + 2 * math.pi * number / len(inside)
        wished.append((angle, person.id))
    wished.sort()
    step = 2 * math.pi / len(inside)
    # Spread them evenly, keeping their order round the circle and the first one's wish.
    start = wished[0][0]
    inner = radius - PERSON_SIZE - 6
    return {
        person_id: (
            cx + inner * math.cos(start + step * n),
            cy + inner * math.sin(start + step * n),
        )
        for n, (_angle, person_id) in enumerate(wished)
    }


def _edge(from_point, to_point, distance) -> tuple[float, float]:
    """The point `distance` along the way from one point towards another."""
    length = math.dist(from_point, to_point) or 1.0
    t = distance / length
    return (
        from_point[0] + (to_point[0] - from_point[0]) * t,
        from_point[1] + (to_point[1] - from_point[1]) * t,
    )


def connection_line(points, strength: str, flow: str, figure_id: str) -> str:
    """A connection in its standard style: strong (thick), moderate, tenuous (dashed), stressful
    (hatched), with arrows for which way energy flows.
    """
    style = STRENGTH_STYLE.get(strength, STRENGTH_STYLE["moderate"])
    colour = STRESS_COLOUR if strength == "stressful" else svg.INK
    extra = {}
    if "stroke_dasharray" in style:
        extra["stroke_dasharray"] = style["stroke_dasharray"]
    marker = f"url(#{figure_id}-{'stress' if strength == 'stressful' else 'flow'})"
    if flow in ("from_family", "both"):
        extra["marker_end"] = marker
    if flow in ("to_family", "both"):
        extra["marker_start"] = marker
    markup = svg.polyline(points, colour, style["width"], **extra)
    if strength == "stressful":
        (x1, y1), (x2, y2) = points[0], points[-1]
        length = math.dist(points[0], points[-1]) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        nx, ny = -uy, ux
        ticks = []
        distance = 18.0
        while distance < length - 18:
            px, py = x1 + ux * distance, y1 + uy * distance
            ticks.append(
                f"M{svg.number(px - nx * 7 - ux * 3)},{svg.number(py - ny * 7 - uy * 3)} "
                f"L{svg.number(px + nx * 7 + ux * 3)},{svg.number(py + ny * 7 + uy * 3)}"
            )
            distance += 11
        if ticks:
            markup += (
                f'<path d="{" ".join(ticks)}" stroke="{colour}" stroke-width="1.6" fill="none"/>'
            )
    return markup


# Labels as drawn for a phone or a page, and for the wall (larger, systems' names wrapped
# narrower to stay inside their circles).
NAMES = {"person": 10, "system": 10.5, "leading": 13, "wrap": 13}
WALL_NAMES = {"person": 15, "system": 14, "leading": 16, "wrap": 10}


def ecomap_svg(
    people: tuple[PersonNode, ...],
    connections: tuple[Connection, ...],
    category_order: list[str],
    *,
    centre_label: str,
    title: str,
    description: str = "",
    figure_id: str = "ecomap",
    for_wall: bool = False,
) -> str:
    """The ecomap as an SVG document, legend included (`for_wall`: larger names and no legend,
    to be read from the back of a room)."""
    names = WALL_NAMES if for_wall else NAMES
    layout = lay_out_ecomap(people, connections, category_order)
    by_id = {p.id: p for p in people}
    systems = {s.key: s for s in layout.systems}
    cx, cy = layout.centre
    body = [
        "<defs>"
        + svg.arrow_marker(f"{figure_id}-flow", svg.INK)
        + svg.arrow_marker(f"{figure_id}-stress", STRESS_COLOUR)
        + "</defs>",
        f'<circle cx="{svg.number(cx)}" cy="{svg.number(cy)}" '
        f'r="{svg.number(layout.centre_radius)}" '
        f'fill="#eef4fb" stroke="{svg.INK}" stroke-width="2"/>',
    ]
    if centre_label:
        label_y = cy + 4 if len(layout.people) > 1 else cy + layout.centre_radius - 14
        body.append(svg.text(cx, label_y, centre_label, size=11, weight="bold"))
    strengths = strength_words()
    for connection in sorted(connections, key=lambda c: c.id):
        system = systems[system_key(connection)]
        target = (system.x, system.y)
        if connection.person_id in layout.people:
            source = layout.people[connection.person_id]
            start = _edge(source, target, PERSON_SIZE / 2 + 4)
        else:
            start = _edge((cx, cy), target, layout.centre_radius + 2)
        end = _edge(target, start, SYSTEM_RADIUS + 2)
        body.append(
            f'<g class="connection" data-connection="{connection.id}"><title>'
            f"{svg.escape(_title(connection, strengths))}</title>"
            + connection_line([start, end], connection.strength, connection.flow, figure_id)
            + "</g>"
        )
    for person_id, (x, y) in sorted(layout.people.items()):
        person = by_id[person_id]
        body.append(
            f'<g class="person" data-person="{person_id}"><title>{svg.escape(person.name)}</title>'
            + svg.symbol(
                x, y, person.sex, size=PERSON_SIZE, focus=person.focus, deceased=person.deceased
            )
            + svg.text(
                x,
                y + PERSON_SIZE / 2 + 2 + names["person"],
                person.name.split()[0] if person.name else "",
                size=names["person"],
            )
            + "</g>"
        )
    for system in layout.systems:
        parts = [
            f'<g class="system"><title>{svg.escape(system.name)}</title>',
            f'<circle cx="{svg.number(system.x)}" cy="{svg.number(system.y)}" '
            f'r="{SYSTEM_RADIUS}" fill="#ffffff" stroke="{svg.INK}" stroke-width="1.6"/>',
            svg.text(
                system.x,
                system.y - 22,
                (svg.wrap(system.category_label.upper(), 16, 1) or [""])[0],
                size=8,
                fill="#52606d",
                weight="bold",
            ),
        ]
        lines = svg.wrap(system.name, names["wrap"], 3)
        for number, line in enumerate(lines):
            y = system.y - 5 + names["leading"] * number
            parts.append(svg.text(system.x, y, line, size=names["system"]))
        parts.append("</g>")
        body.append("".join(parts))
    key, height = "", 0
    if not for_wall:
        key, height = svg.legend(
            _samples(connections, figure_id), 20, layout.height, layout.width - 40, _("Legend")
        )
    body.append(key)
    return svg.document(
        layout.width,
        layout.height + height + (10 if height else 0),
        "".join(body),
        title=title,
        description=description,
        figure_id=figure_id,
        css_class="family-figure ecomap",
    )


def _title(connection: Connection, strengths: dict[str, str]) -> str:
    """What a connection's tooltip says: the system, its strength, and the note if any."""
    words = f"{connection.system_name}: {strengths[connection.strength].lower()}"
    return f"{words}. {connection.note}" if connection.note else words


def _samples(connections, figure_id: str) -> list[tuple[str, str]]:
    words = strength_words()
    used = {c.strength for c in connections}
    entries = [
        (connection_line([(2, 12), (42, 12)], kind, "none", figure_id), words[kind])
        for kind in ("strong", "moderate", "tenuous", "stressful")
        if kind in used
    ]
    flows = {c.flow for c in connections}
    if flows & {"to_family", "from_family", "both"}:
        entries.append(
            (
                connection_line([(2, 12), (42, 12)], "moderate", "from_family", figure_id),
                _("Which way energy or support flows"),
            )
        )
    return entries
