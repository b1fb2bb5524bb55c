"""How a value typed into a board item's field is checked and read (the fields themselves are in
`fttm.core.registry`).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from fttm.board.models import (
    ActionStatus,
    Goal,
    Objective,
    SafetyStepKind,
)
from fttm.core.registry import WHO_FIELDS, Field, ItemKind
from fttm.errors import Invalid
from fttm.extensions import db
from fttm.family_map.models import Person
from fttm.forms import whole_number
from fttm.frameworks import framework_of_case
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.models import Meeting, Participant, ParticipantStatus


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
    if field.reads_as == "text":
        text = raw.strip()
        if len(text) > field.max_length:
            return None, _("Use at most %(count)d characters.", count=field.max_length)
        return text or None, None
    if field.reads_as == "date":
        if not raw.strip():
            return None, None
        try:
            return date.fromisoformat(raw.strip()), None
        except ValueError:
            return None, _("Enter a date like 2026-12-31.")
    if field.reads_as == "status":
        values = {s.value for s in ActionStatus}
        return (ActionStatus(raw), None) if raw in values else (None, _("Choose a status."))
    if field.reads_as == "step_kind":
        values = {k.value for k in SafetyStepKind}
        return (
            (SafetyStepKind(raw), None)
            if raw in values
            else (None, _("Choose proactive or reactive."))
        )
    if field.reads_as == "domain":
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
    if field.reads_as == "participant":
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
        model = {"person": Person, "goal": Goal, "objective": Objective}[field.reads_as]
        ok = _belongs(model, item_id, meeting, staff)
    return (item_id, None) if ok else (None, _("Choose from the list."))


def _read_section(kind: ItemKind, raw: str | None, meeting: Meeting):
    """The mapping section a new strength or worry is written in: one of the board's framework
    that holds this kind (not sent: the first such), or an error message."""
    framework = framework_of_case(meeting.case)
    holding = framework.holding(kind.name)
    if raw in (None, ""):
        return holding[0].key, None
    if raw in {section.key for section in holding}:
        return raw, None
    return None, _("Choose a section of this board.")


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
    if kind.mapped and not partial:
        section, error = _read_section(kind, raw.get("section"), meeting)
        if error:
            errors["section"] = error
        else:
            values["section"] = section
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
