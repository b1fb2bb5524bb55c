"""The one table of the board: its sections, the kinds of item each holds and their fields, and the
family map's kinds of row. Everything that lists sections or kinds reads it from here: commands,
forms, templates, the transcript's replay, plan versions and section locks.

Adding a section or a kind of item means one entry here, its model and its template.
"""

from __future__ import annotations

from dataclasses import dataclass

from fttm.board.models import Action, Goal, Note, Objective, SafetyStep, Strength, Worry
from fttm.family_map.models import EcomapConnection, Household, Person, Relationship
from fttm.frameworks import (
    COMMON,
    EARLIER,
    FRAMEWORKS,
    MAPPING_KEYS,
    SHAPES,
    Framework,
    framework_named,
    framework_of_case,
)
from fttm.languages import gettext as _

# Every section a board may have: each framework's mapping sections (fttm.frameworks), the
# one showing items written in a framework the case has left, and the sections common to all. A
# board shows those of its case's framework, in `board_sections` order.
SECTIONS = ("participants", *MAPPING_KEYS, EARLIER, *COMMON)
# The sections a facilitator may lock, so that only staff change them for a while.
LOCKABLE_SECTIONS = tuple(name for name in SECTIONS if name != "participants")


def board_sections(framework: Framework | None = None) -> tuple[str, ...]:
    """The sections of a board on `framework` (None: the default), in the order it shows them."""
    return (framework or framework_named(None)).board_sections()


def section_titles(framework: Framework | None = None, *, every: bool = False) -> dict[str, str]:
    """Each section's heading on a board on `framework` (None: the default), in the reader's
    language and the board's order. `every` adds "From the earlier framework" and the sections
    of other frameworks, for reading a history that may span a move between frameworks.
    """
    framework = framework or framework_named(None)
    own = framework.titles()
    common = {
        "family_map": _("Family map"),
        "plan": _("What needs to happen"),
        "safety_plan": _("Safety plan"),
        "safety_scale": _("Safety scale"),
        "notes": _("Notes"),
    }
    titles = {key: own[key] for key in framework.keys}
    if every:
        titles[EARLIER] = earlier_title()
        for other in FRAMEWORKS.values():
            titles |= {s.key: s.title() for s in other.sections if s.key not in titles}
    titles |= {key: own.get(key) or common[key] for key in COMMON}
    titles["participants"] = _("Who is here")
    return titles


def earlier_title() -> str:
    """The heading of the section showing items written in a framework the case has left."""
    return _("From the earlier framework")


@dataclass(frozen=True)
class Field:
    """A field of an item: `reads_as` says how its typed text is read (text, person, date, ...)."""

    name: str
    reads_as: str = "text"
    required: bool = False
    max_length: int = 1000
    # Fields edited together in one cell of the actions table share the cell's version.
    cell: str | None = None

    @property
    def version_key(self) -> str:
        """The key of this field's version in `Action.cell_versions`."""
        return self.cell or self.name


@dataclass(frozen=True)
class ItemKind:
    """One kind of board item: its model, the section it shows in, its fields, and the part of a
    plan version it is kept in (with the fields kept there), if any.
    """

    name: str
    model: type
    # The section it shows in; a mapping kind's (strength, worry) items each keep theirs, and
    # this is where those written before frameworks were.
    section: str
    fields: tuple[Field, ...]
    staff_only: bool = False
    plan_part: str | None = None
    plan_fields: tuple[str, ...] = ()

    @property
    def mapped(self) -> bool:
        """Whether its items are written in a framework's mapping sections (each its own)."""
        return self.name in SHAPES

    def field(self, name: str) -> Field | None:
        """The field called `name`, if this kind has it."""
        return next((f for f in self.fields if f.name == name), None)


WHO = (
    Field("who_participant_id", "participant", cell="who"),
    Field("who_person_id", "person", cell="who"),
    Field("who_service", max_length=120, cell="who"),
)
WHO_FIELDS = tuple(field.name for field in WHO)
KINDS: dict[str, ItemKind] = {
    kind.name: kind
    for kind in (
        ItemKind(
            "strength",
            Strength,
            "strengths",
            (Field("text", required=True), Field("person_id", "person")),
            plan_part="strengths",
            plan_fields=("section", "text", "person_id"),
        ),
        ItemKind(
            "worry",
            Worry,
            "worries",
            (
                Field("text", required=True),
                Field("need_domain", "domain"),
                Field("person_id", "person"),
            ),
            plan_part="worries",
            plan_fields=("section", "text", "need_domain", "person_id"),
        ),
        ItemKind(
            "goal",
            Goal,
            "plan",
            (Field("text", required=True),),
            plan_part="goals",
            plan_fields=("text",),
        ),
        ItemKind(
            "objective",
            Objective,
            "plan",
            (Field("goal_id", "goal", required=True), Field("text", required=True)),
            plan_part="objectives",
            plan_fields=("goal_id", "text"),
        ),
        ItemKind(
            "action",
            Action,
            "plan",
            (
                Field("what", required=True),
                *WHO,
                Field("where_how", max_length=500),
                Field("due_on", "date"),
                Field("status", "status"),
                Field("goal_id", "goal"),
                Field("objective_id", "objective"),
            ),
            plan_part="actions",
            plan_fields=("what", "who", "where_how", "due_on", "status", "goal_id", "objective_id"),
        ),
        ItemKind(
            "safety_step",
            SafetyStep,
            "safety_plan",
            (
                Field("kind", "step_kind", required=True),
                Field("text", required=True),
                Field("when", max_length=200),
                Field("trigger", max_length=500),
                *WHO,
            ),
            plan_part="safety_steps",
            plan_fields=("kind", "text", "when", "trigger", "who"),
        ),
        ItemKind(
            "note", Note, "notes", (Field("text", required=True, max_length=4000),), staff_only=True
        ),
    )
}


def section_of(kind_name: str | None, meeting=None, *, item=None, written_in=None) -> str:
    """The section an item of this kind shows in (for unknown kinds, the status bar): for a
    strength or worry on a meeting's board, the section of the case's framework nearest the one
    it was written in (`item`'s, or `written_in` for one being added)."""
    item_kind = KINDS.get(kind_name or "")
    if item_kind is None:
        return "status"
    if meeting is None or not item_kind.mapped:
        return item_kind.section
    if item is not None:
        written_in = item.section
    return framework_of_case(meeting.case).place(written_in or None, item_kind.name)


# The mapping kinds whose items a plan version keeps, by part.
PART_KINDS = {"strengths": "strength", "worries": "worry"}
# Per part of a plan version: the model, and the fields a version keeps (besides id and
# confidential), in the order a plan reads.
PLAN_PARTS: dict[str, tuple[type, tuple[str, ...]]] = {
    kind.plan_part: (kind.model, kind.plan_fields) for kind in KINDS.values() if kind.plan_part
}


def plan_part_titles(framework: Framework | None = None) -> dict[str, str]:
    """Each part of a plan version taken on `framework` (None: the default), in the reader's
    language: strengths and worries as the titles of the framework's sections keeping them."""
    framework = framework or framework_named(None)
    return {
        "strengths": framework.part_title("strength"),
        "worries": framework.part_title("worry"),
        "goals": _("Goals"),
        "objectives": _("Objectives"),
        "actions": _("Actions"),
        "safety_steps": _("Safety plan"),
    }


# The family map's rows (all in the "family_map" section), by the name their events start with.
MAP_MODELS: dict[str, type] = {
    "person": Person,
    "household": Household,
    "relationship": Relationship,
    "ecomap_connection": EcomapConnection,
}
# The map's lines between people: removed and restored the same way.
LINE_MODELS: dict[str, type] = {
    "relationship": Relationship,
    "ecomap_connection": EcomapConnection,
}
# Every row a transcript replay rebuilds, by the name its events' kinds start with
# ("strength.added", "person.edited").
REPLAYED_MODELS: dict[str, type] = {
    **{name: kind.model for name, kind in KINDS.items()},
    **MAP_MODELS,
}
