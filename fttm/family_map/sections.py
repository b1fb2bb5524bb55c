"""What the board's family map section shows one audience: the two pictures, the map in words,
and the choices its forms offer.
"""

from __future__ import annotations

from markupsafe import Markup

from fttm.core.viewers import STAFF
from fttm.family_map.drawing import figure, relation_words, stories
from fttm.family_map.ecomap import flow_choices, strength_words
from fttm.family_map.genogram import child_words, feeling_words, union_words
from fttm.family_map.loading import deleted_people, load_map, removed_lines
from fttm.family_map.models import (
    EMOTIONAL_KINDS,
    PARENTAGE_KINDS,
    UNION_KINDS,
    EcomapConnection,
)
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.models import Meeting


def relation_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """How one person can be related to another, phrased from the first person's side."""
    return [
        (
            _("Parent and child"),
            [
                ("parent:biological", _("is the birth parent of")),
                ("parent:adopted", _("is the adoptive parent of")),
                ("parent:foster", _("is the foster parent of")),
                ("child:biological", _("is the birth child of")),
                ("child:adopted", _("is the adopted child of")),
                ("child:foster", _("is the foster child of")),
            ],
        ),
        (
            _("Partners"),
            [
                ("partner:married", _("is married to")),
                ("partner:cohabiting", _("lives as a couple with")),
                ("partner:separated", _("is separated from")),
                ("partner:divorced", _("is divorced from")),
                ("partner:widowed", _("was married to (widowed)")),
            ],
        ),
        (
            _("How they get on"),
            [
                ("feeling:close", _("is close to")),
                ("feeling:very_close", _("is very close to")),
                ("feeling:distant", _("is distant from")),
                ("feeling:conflict", _("is in conflict with")),
                ("feeling:hostile", _("is hostile to")),
                ("feeling:cut_off", _("is cut off from")),
                ("harms:violence", _("is violent or abusive towards")),
                ("harmed_by:violence", _("is harmed by (violence or abuse)")),
            ],
        ),
    ]


def kind_choices() -> dict[str, list[tuple[str, str]]]:
    """The kinds a line can be changed to, within its sort."""
    sorts = {}
    for group, words in (
        (UNION_KINDS, union_words()),
        (PARENTAGE_KINDS, child_words()),
        (EMOTIONAL_KINDS, feeling_words()),
    ):
        choices = [(kind, words[kind]) for kind in words if kind in {k.value for k in group}]
        for kind in group:
            sorts[kind.value] = choices
    return sorts


def family_map_context(meeting: Meeting, audience: str) -> dict:
    """Everything the family map section's template needs, for one audience."""
    rules = profile(meeting.case.jurisdiction)
    family_map = load_map(meeting.case_id, audience, rules)
    everyone, household = stories(family_map, rules.today().year)
    return {
        "genogram": Markup(figure(meeting, audience, "genogram", family_map=family_map)),  # noqa: S704
        "ecomap": Markup(figure(meeting, audience, "ecomap", family_map=family_map)),  # noqa: S704
        "stories": everyone,
        "household_connections": household,
        "map_people": sorted(family_map.people, key=lambda p: p.name.lower()),
        "households": family_map.households,
        "relation_choices": relation_choices(),
        "kind_choices": kind_choices(),
        "categories": rules.choices("ecomap_categories"),
        "strength_choices": strength_words(),
        "flow_choices": flow_choices(),
        "deleted_people": deleted_people(meeting.case_id) if audience == STAFF else [],
        "removed_lines": _removed(meeting.case_id, family_map.by_id) if audience == STAFF else [],
    }


def edit_form_context(meeting: Meeting, audience: str, row_kind: str, row_id: int) -> dict | None:
    """What the form changing one person or line needs, for one audience; None when that
    audience's map does not show the row (confidential, taken off, or not of this case).
    """
    rules = profile(meeting.case.jurisdiction)
    family_map = load_map(meeting.case_id, audience, rules)
    rows = {
        "person": family_map.people,
        "relationship": family_map.relationships,
        "ecomap_connection": family_map.connections,
    }[row_kind]
    row = next((row for row in rows if row.id == row_id), None)
    if row is None:
        return None
    return {
        "person" if row_kind == "person" else "item": row,
        "map_people": sorted(family_map.people, key=lambda p: p.name.lower()),
        "households": family_map.households,
        "kind_choices": kind_choices(),
        "strength_choices": strength_words(),
        "flow_choices": flow_choices(),
    }


def _removed(case_id: int, people: dict) -> list[tuple[str, str, object]]:
    """Lines the facilitator may bring back: (kind of row, words, row)."""
    told = []
    for row in removed_lines(case_id, people):
        if isinstance(row, EcomapConnection):
            who = people[row.person_id].name if row.person_id else _("The household")
            told.append(("ecomap_connection", f"{who}: {row.system_name}", row))
        elif row.kind in PARENTAGE_KINDS:
            words = _(
                "%(parent)s, parent of %(child)s",
                parent=people[row.from_person_id].name,
                child=people[row.to_person_id].name,
            )
            told.append(("relationship", words, row))
        else:
            words = (
                people[row.from_person_id].name
                + ": "
                + relation_words(row.kind) % {"name": people[row.to_person_id].name}
            )
            told.append(("relationship", words, row))
    return told
