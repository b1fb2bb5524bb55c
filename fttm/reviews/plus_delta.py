"""Plus / delta: at the end of a meeting, each person in it says from their phone what helped
(plus) and what should change next time (delta). The answers are for the facilitator's fidelity
view; they are never part of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from fttm.core.recorder import change, replayed_row, snapshot
from fttm.core.rows import require_admitted
from fttm.core.viewers import Viewer
from fttm.errors import Invalid, NotAllowed
from fttm.extensions import db
from fttm.languages import gettext as _
from fttm.meetings.models import Meeting, MeetingStatus, Participant, PlusDelta

ANSWER_MAX = 1000
FIELDS = ("plus", "delta")


@dataclass(frozen=True)
class Answer:
    """One person's plus/delta, with the name and role they had in the meeting."""

    name: str
    role: str
    plus: str | None
    delta: str | None


def _clean(text: str | None, field: str) -> str | None:
    """The words without extra spaces, or None; Invalid when too long."""
    words = " ".join((text or "").split())
    if len(words) > ANSWER_MAX:
        raise Invalid({field: _("Use at most %(count)d characters.", count=ANSWER_MAX)})
    return words or None


def mine(viewer: Viewer) -> PlusDelta | None:
    """What this person has said, if anything."""
    return db.session.scalar(
        sa.select(PlusDelta).where(
            PlusDelta.meeting_id == viewer.meeting.id,
            PlusDelta.participant_id == viewer.participant.id,
        )
    )


def give(
    viewer: Viewer, plus: str | None, delta: str | None, *, key: str | None = None
) -> PlusDelta:
    """A participant says, on their phone, what helped and what to change next time.

    Said again, it replaces their earlier words (the transcript keeps both).
    """
    if viewer.is_staff:
        raise NotAllowed(_("Plus / delta is asked of the people in the meeting, on their phones."))
    if viewer.meeting.status != MeetingStatus.ENDED:
        raise NotAllowed(_("You can say this once the meeting has ended."))
    require_admitted(viewer)
    errors: dict[str, str] = {}
    cleaned: dict[str, str | None] = {}
    for field, text in (("plus", plus), ("delta", delta)):
        try:
            cleaned[field] = _clean(text, field)
        except Invalid as error:
            errors.update(error.errors)
    if not errors and not any(cleaned.values()):
        errors["plus"] = _("Say what helped, or what should change next time.")
    if errors:
        raise Invalid(errors)
    meeting = viewer.meeting

    def of_this_meeting(row: PlusDelta) -> bool:
        return row.meeting_id == meeting.id and row.participant_id == viewer.participant.id

    if (
        done := replayed_row(meeting.case_id, key, viewer.actor, PlusDelta, of_this_meeting)
    ) is not None:
        return done
    with change(
        meeting.case_id, viewer.actor, meeting_id=meeting.id, idempotency_key=key
    ) as current:
        row = mine(viewer)
        before = snapshot(row, FIELDS) if row is not None else None
        if row is None:
            row = PlusDelta(meeting_id=meeting.id, participant_id=viewer.participant.id)
            db.session.add(row)
        row.plus, row.delta = cleaned["plus"], cleaned["delta"]
        db.session.flush()
        current.record("plus_delta.given", row, before=before, after=snapshot(row, FIELDS))
    return row


def answers(meeting: Meeting) -> list[Answer]:
    """Everyone's plus/delta for the meeting, in the order they first said it."""
    rows = db.session.execute(
        sa.select(PlusDelta, Participant)
        .join(Participant, Participant.id == PlusDelta.participant_id)
        .where(PlusDelta.meeting_id == meeting.id)
        .order_by(PlusDelta.created_at, PlusDelta.id)
    ).all()
    return [
        Answer(name=who.display_name, role=who.role, plus=row.plus, delta=row.delta)
        for row, who in rows
    ]
