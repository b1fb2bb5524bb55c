"""The genogram as SVG, in McGoldrick's notation, with a legend of what it uses."""

from __future__ import annotations

from fttm.family_map import svg
from fttm.family_map.layout import HALF, Family, Layout, Line, PersonNode, lay_out
from fttm.languages import gettext as _

UNION_DASH = {"cohabiting": "7 5"}
CHILD_DASH = {"adopted": "7 5", "foster": "1.5 5"}
SLASHES = {"separated": 1, "divorced": 2}


def union_words() -> dict[str, str]:
    """Each kind of union, in the reader's language."""
    return {
        "married": _("Married"),
        "cohabiting": _("Living together"),
        "separated": _("Separated"),
        "divorced": _("Divorced"),
        "widowed": _("Widowed"),
    }


def child_words() -> dict[str, str]:
    return {
        "biological": _("Biological child"),
        "adopted": _("Adopted child"),
        "foster": _("Foster child"),
    }


def feeling_words() -> dict[str, str]:
    return {
        "close": _("Close"),
        "very_close": _("Very close"),
        "distant": _("Distant"),
        "conflict": _("Conflict"),
        "hostile": _("Hostile"),
        "cut_off": _("Cut off"),
        "violence": _("Violence or abuse (arrow: towards the person harmed)"),
    }


def age_of(person: PersonNode, year: int) -> int | None:
    """Age now, or at death."""
    if person.birth_year is None:
        return None
    end = person.death_year if person.deceased and person.death_year else year
    if person.deceased and not person.death_year:
        return None
    return max(end - person.birth_year, 0)


def year_words() -> dict[str, str]:
    """Short year labels, translated once per drawing (a genogram has dozens of them)."""
    return {
        "born": _("b. %(year)s"),
        "died": _("d. %(year)s"),
        "married": _("m. %(year)s"),
        "cohabiting": _("lt. %(year)s"),
        "separated": _("s. %(year)s"),
        "divorced": _("d. %(year)s"),
    }


def years_of(person: PersonNode, words: dict[str, str]) -> str:
    """Birth and death years under the name: "1960-2020" (with an en dash), "b. 1990", "d. 2020"."""
    if person.birth_year and person.deceased and person.death_year:
        return f"{person.birth_year}\u2013{person.death_year}"
    if person.birth_year:
        return words["born"] % {"year": person.birth_year}
    if person.deceased and person.death_year:
        return words["died"] % {"year": person.death_year}
    return ""


def union_years(kind: str, start: int | None, end: int | None, words: dict[str, str]) -> str:
    """Short dates on a union line: "m. 2010", "m. 2010 d. 2021"."""
    began = words["cohabiting"] if kind == "cohabiting" else words["married"]
    ended = words.get(kind) if kind in ("separated", "divorced") else None
    parts = []
    if start:
        parts.append(began % {"year": start})
    if end and ended:
        parts.append(ended % {"year": end})
    return " ".join(parts)


# Names as drawn for a phone or a page, and as drawn for the wall: larger, wrapped narrower so
# that neighbours' names still fit between them, without the years (the room reads the names).
NAMES = {"size": 12, "leading": 14, "wrap": 16}
# A 30-person family is about 2,200 units wide: fitted to a 1366 px wall, 23 units read as 14 px.
WALL_NAMES = {"size": 23, "leading": 24, "wrap": 9}


def _person(
    person: PersonNode, x: float, y: float, year: int, words: dict[str, str], names: dict
) -> str:
    age = age_of(person, year)
    parts = [
        f'<g class="person" data-person="{person.id}"><title>{svg.escape(person.name)}</title>',
        svg.symbol(
            x,
            y,
            person.sex,
            focus=person.focus,
            deceased=person.deceased,
            loss=person.pregnancy_loss,
        ),
    ]
    if age is not None and not person.pregnancy_loss:
        parts.append(svg.text(x, y + 4.5, str(age), size=13, weight="bold"))
    lines = svg.wrap(person.name, names["wrap"], 2) if person.name else []
    first = HALF + 3 + names["size"]
    for number, line in enumerate(lines):
        parts.append(svg.text(x, y + first + names["leading"] * number, line, size=names["size"]))
    years = years_of(person, words) if names is NAMES else ""
    if years:
        parts.append(svg.text(x, y + HALF + 15 + 14 * len(lines), years, size=10, fill="#52606d"))
    parts.append("</g>")
    return "".join(parts)


def _households(layout: Layout) -> str:
    """Households as tinted regions with a dashed edge: one rounded box per run of neighbours,
    and a bridge joining the boxes of one household in rows next to each other, so a family
    living together reads as one shape.
    """
    shapes = []
    for box in layout.boxes:
        shapes.append(
            f'<rect x="{svg.number(box.x1)}" y="{svg.number(box.y1)}" '
            f'width="{svg.number(box.x2 - box.x1)}" height="{svg.number(box.y2 - box.y1)}" '
            f'rx="14" fill="#eef4fb" stroke="#6a7f99" stroke-width="1.5" stroke-dasharray="5 4">'
            f"<title>{svg.escape(box.name)}</title></rect>"
        )
    for upper in layout.boxes:
        for lower in layout.boxes:
            if lower.household_id != upper.household_id or not 0 < lower.y1 - upper.y2 < 120:
                continue
            left, right = max(upper.x1, lower.x1) + 14, min(upper.x2, lower.x2) - 14
            if right - left < 20:
                continue
            shapes.append(
                f'<rect x="{svg.number(left)}" y="{svg.number(upper.y2 - 1)}" '
                f'width="{svg.number(right - left)}" '
                f'height="{svg.number(lower.y1 - upper.y2 + 2)}" fill="#eef4fb"/>'
            )
    return f'<g class="households">{"".join(shapes)}</g>'


def _union(line) -> str:
    dash = UNION_DASH.get(line.kind)
    extra = {"stroke_dasharray": dash} if dash else {}
    markup = svg.polyline(line.points, svg.INK, 2, **extra)
    if line.kind in SLASHES and line.mid:
        mx, my = line.mid
        markup += svg.slashes((mx - 16, my), SLASHES[line.kind])
    return markup


def _child(line) -> str:
    dash = CHILD_DASH.get(line.kind)
    extra = {"stroke_dasharray": dash, "stroke_linecap": "round"} if dash else {}
    return svg.polyline(line.points, svg.INK, 2, **extra)


def _samples(layout: Layout, family: Family, figure_id: str) -> list[tuple[str, str]]:
    """Legend entries for what this genogram shows."""
    people = family.people
    entries: list[tuple[str, str]] = []

    def person_sample(sex: str, **flags) -> str:
        return svg.symbol(22, 12, sex, size=20, **flags)

    for sex, words in (
        ("male", _("Male")),
        ("female", _("Female")),
        ("unknown", _("Other or unknown")),
    ):
        if any(p.sex == sex and not p.pregnancy_loss for p in people):
            entries.append((person_sample(sex), words))
    if any(p.focus for p in people):
        entries.append((person_sample("female", focus=True), _("The child this plan is about")))
    if any(p.deceased for p in people):
        entries.append((person_sample("male", deceased=True), _("Died")))
    if any(p.pregnancy_loss for p in people):
        entries.append((person_sample("female", loss=True), _("Pregnancy loss")))
    if layout.boxes:
        entries.append(
            (
                '<rect x="4" y="2" width="36" height="20" rx="6" fill="#eef4fb" stroke="#6a7f99" '
                'stroke-dasharray="4 3"/>',
                _("Household"),
            )
        )
    kinds = {(line.group, line.kind) for line in layout.lines}
    words = union_words()
    for kind in ("married", "cohabiting", "separated", "divorced", "widowed"):
        if ("union", kind) in kinds:
            sample = [(4.0, 12.0), (40.0, 12.0)]
            entries.append((_union(Line("union", kind, sample, mid=(38.0, 12.0))), words[kind]))
    words = child_words()
    others = {("child", "adopted"), ("child", "foster")}
    for kind in ("biological", "adopted", "foster"):
        if ("child", kind) in kinds and (kind != "biological" or kinds & others):
            sample = svg.polyline(
                [(22, 0), (22, 24)],
                svg.INK,
                2,
                **(
                    {"stroke_dasharray": CHILD_DASH[kind], "stroke_linecap": "round"}
                    if kind in CHILD_DASH
                    else {}
                ),
            )
            entries.append((sample, words[kind]))
    words = feeling_words()
    for kind in words:
        if ("emotional", kind) in kinds:
            sample = svg.feeling([(2.0, 12.0), (42.0, 12.0)], kind, f"{figure_id}-arrow")
            entries.append((sample, words[kind]))
    return entries


def genogram_svg(
    family: Family,
    year: int,
    *,
    title: str,
    description: str = "",
    figure_id: str = "genogram",
    layout: Layout | None = None,
    for_wall: bool = False,
) -> str:
    """The family's genogram as an SVG document, legend included (`for_wall`: large names, no
    years and no legend, to be read from the back of a room)."""
    layout = layout or lay_out(family)
    people = {p.id: p for p in family.people}
    links = {link.id: link for link in family.links}
    words = year_words()
    body = [
        f"<defs>{svg.arrow_marker(f'{figure_id}-arrow', svg.EMOTIONAL_COLOURS['violence'])}</defs>"
    ]
    body.append(_households(layout))
    for line in layout.lines:
        if line.group == "union" and len(line.points) == 2:
            body.append(_union(line))
            if line.mid:
                label = ""
                link = links.get(line.link_id)
                if link:
                    label = union_years(link.kind, link.start_year, link.end_year, words)
                if label:
                    body.append(
                        svg.text(line.mid[0], line.mid[1] - 14, label, size=9, fill="#52606d")
                    )
        elif line.group == "union":
            body.append(_union(line))
        elif line.group == "child":
            body.append(_child(line))
        elif line.group == "descent":
            body.append(svg.polyline(line.points, svg.INK, 2))
    for line in layout.lines:
        if line.group == "emotional":
            body.append(svg.feeling(line.points, line.kind, f"{figure_id}-arrow"))
    for person_id, (x, y) in sorted(layout.positions.items()):
        body.append(
            _person(people[person_id], x, y, year, words, WALL_NAMES if for_wall else NAMES)
        )
    width = max(layout.width, 420)
    key, height = "", 0
    if not for_wall:
        key, height = svg.legend(
            _samples(layout, family, figure_id), 20, layout.height, width - 40, _("Legend")
        )
    body.append(key)
    return svg.document(
        width,
        layout.height + height + (10 if height else 0),
        "".join(body),
        title=title,
        description=description,
        figure_id=figure_id,
        css_class="family-figure genogram",
    )
