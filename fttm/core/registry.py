"""The one table of the board: its sections, the kinds of item each holds and their fields, and the
family map's kinds of row. Everything that lists sections or kinds reads it from here: commands,
forms, templates, the transcript's replay, plan versions and section locks.

Adding a section or a kind of item means one entry here, its model and its template.
"""

from __future__ import annotations

from dataclasses import dataclass

from fttm.board.models import Action, Goal, Note, Objective, SafetyStep, Strength, Worry
from fttm.family_map.models import EcomapConnection, Household, Person, Relationship
from fttm.languages import gettext as _

# The board's sections, in the order the board shows them.
SECTIONS = (
    "participants",
    "strengths",
    "worries",
    "family_map",
    "plan",
    "safety_plan",
    "safety_scale",
    "notes",
)
# The sections a facilitator may lock, so that only staff change them for a while.
LOCKABLE_SECTIONS = tuple(name for name in SECTIONS if name != "participants")


def section_titles() -> dict[str, str]:
    """Each section's heading, in the reader's language."""
    return {
        "strengths": _("What's working well"),
        "worries": _("What are we worried about"),
        "family_map": _("Family map"),
        "plan": _("What needs to happen"),
        "safety_plan": _("Safety plan"),
        "safety_scale": _("Safety scale"),
        "notes": _("Notes"),
        "participants": _("Who is here"),
    }


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
    section: str
    fields: tuple[Field, ...]
    staff_only: bool = False
    plan_part: str | None = None
    plan_fields: tuple[str, ...] = ()

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
            plan_fields=("text", "person_id"),
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
            plan_fields=("text", "need_domain", "person_id"),
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

# Per part of a plan version: the model, and the fields a version keeps (besides id and
# confidential), in the order a plan reads.
PLAN_PARTS: dict[str, tuple[type, tuple[str, ...]]] = {
    kind.plan_part: (kind.model, kind.plan_fields) for kind in KINDS.values() if kind.plan_part
}


def plan_part_titles() -> dict[str, str]:
    """Each part of a plan version, in the reader's language."""
    return {
        "strengths": _("What's working well"),
        "worries": _("What are we worried about"),
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
