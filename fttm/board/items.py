"""The kinds of item on a board, the fields people can type into each, and how a typed value is
checked. Board commands, forms and templates all read this one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from fttm.board.models import (
    Action,
    ActionStatus,
    Goal,
    Note,
    Objective,
    SafetyStep,
    SafetyStepKind,
    Strength,
    Worry,
)
from fttm.errors import Invalid
from fttm.extensions import db
from fttm.family_map.models import Person
from fttm.forms import whole_number
from fttm.jurisdictions import profile
from fttm.meetings.models import Meeting, Participant, ParticipantStatus


@dataclass(frozen=True)
class Field:
    """A field of an item: `kind` says how its text is read (text, person, date, ...)."""

    name: str
    kind: str = "text"
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
    """One kind of board item: its model, the section it shows in, its fields."""

    name: str
    model: type
    section: str
    fields: tuple[Field, ...]
    staff_only: bool = False

    def field(self, name: str) -> Field | None:
        """The field called `name`, if this kind has it."""
        return next((f for f in self.fields if f.name == name), None)


WHO = (
    Field("who_participant_id", "participant", cell="who"),
    Field("who_person_id", "person", cell="who"),
    Field("who_service", max_length=120, cell="who"),
)
WHO_FIELDS = tuple(field.name for field in WHO)
KINDS = {
    kind.name: kind
    for kind in (
        ItemKind(
            "strength",
            Strength,
            "strengths",
            (Field("text", required=True), Field("person_id", "person")),
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
        ),
        ItemKind("goal", Goal, "plan", (Field("text", required=True),)),
        ItemKind(
            "objective",
            Objective,
            "plan",
            (Field("goal_id", "goal", required=True), Field("text", required=True)),
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
        ),
        ItemKind(
            "note", Note, "notes", (Field("text", required=True, max_length=4000),), staff_only=True
        ),
    )
}


def _belongs(model, item_id: int, meeting: Meeting, staff: bool) -> bool:
    """Whether a live row of the case has this id (confidential rows count for staff only)."""
    query = sa.select(model.id).where(
        model.id == item_id, model.case_id == meeting.case_id, model.deleted_at.is_(None)
    )
    if not staff:
        query = query.where(model.confidential.is_(False))
    return bool(db.session.scalar(query))


def _parse_id(raw: str) -> int | None:
    """An id from a form value; None for an empty choice; -1 for nonsense."""
    if not raw.strip():
        return None
    number = whole_number(raw, digits=11)
    return number if number is not None and number > 0 else -1


def _read(field: Field, raw: str, meeting: Meeting, staff: bool):
    """The typed value of one field, or an error message for the person who typed it."""
    if field.kind == "text":
        text = raw.strip()
        if len(text) > field.max_length:
            return None, _("Use at most %(count)d characters.", count=field.max_length)
        return text or None, None
    if field.kind == "date":
        if not raw.strip():
            return None, None
        try:
            return date.fromisoformat(raw.strip()), None
        except ValueError:
            return None, _("Enter a date like 2026-12-31.")
    if field.kind == "status":
        values = {s.value for s in ActionStatus}
        return (ActionStatus(raw), None) if raw in values else (None, _("Choose a status."))
    if field.kind == "step_kind":
        values = {k.value for k in SafetyStepKind}
        return (
            (SafetyStepKind(raw), None)
            if raw in values
            else (None, _("Choose proactive or reactive."))
        )
    if field.kind == "domain":
        if not raw.strip():
            return None, None
        known = profile(meeting.case.jurisdiction).has("need_domains", raw)
        return (raw, None) if known else (None, _("Choose a domain from the list."))
    return _read_reference(field, raw, meeting, staff)


def _read_reference(field: Field, raw: str, meeting: Meeting, staff: bool):
    """A chosen person, participant, goal or objective of this case or meeting."""
    item_id = _parse_id(raw)
    if item_id is None:
        return None, None
    if field.kind == "participant":
        ok = bool(
            db.session.scalar(
                sa.select(Participant.id).where(
                    Participant.id == item_id,
                    Participant.meeting_id == meeting.id,
                    Participant.status == ParticipantStatus.ADMITTED,
                )
            )
        )
    else:
        model = {"person": Person, "goal": Goal, "objective": Objective}[field.kind]
        ok = _belongs(model, item_id, meeting, staff)
    return (item_id, None) if ok else (None, _("Choose from the list."))


def clean(
    kind: ItemKind, raw: dict[str, str], meeting: Meeting, *, partial: bool, staff: bool = False
) -> dict:
    """Typed values of the fields in `raw`; Invalid names each field that is not right.

    Fields not sent keep their value (an edit) or take their default (a new item); with
    `partial` (one cell of the actions table), a field name the kind lacks is refused.
    """
    values, errors = {}, {}
    for field in kind.fields:
        if field.name not in raw:
            if field.required and not partial:
                errors[field.name] = _("This can't be empty.")
            continue  # not sent: left as it is, or the default for a new item
        sent = raw[field.name]
        value, error = _read(field, "" if sent is None else str(sent), meeting, staff)
        if error is None and field.required and value is None:
            error = _("This can't be empty.")
        if error:
            errors[field.name] = error
        else:
            values[field.name] = value
    unknown = set(raw) - {f.name for f in kind.fields}
    if partial and unknown:
        errors.update({name: _("This can't be changed here.") for name in unknown})
    if errors:
        raise Invalid(errors)
    return values


def expand_who(raw: dict[str, str]) -> dict[str, str]:
    """Turn the one "who" choice ("participant:3", "person:8", "service:Parent education") into
    the three fields it sets; everything else passes through.
    """
    if "who" not in raw:
        return raw
    raw = dict(raw)
    choice = raw.pop("who").strip()
    source, _sep, value = choice.partition(":")
    expanded = dict.fromkeys(WHO_FIELDS, "")
    if choice and source not in ("participant", "person", "service"):
        expanded["who_person_id"] = "nonsense"  # reported as "Choose from the list."
    elif choice:
        expanded[
            {
                "participant": "who_participant_id",
                "person": "who_person_id",
                "service": "who_service",
            }[source]
        ] = value
    return {**raw, **expanded}
