"""The one write path: apply a change, append its transcript event in the same transaction, commit,
then publish. Commands in every area go through `change()`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from fttm import publisher
from fttm.extensions import db
from fttm.idempotency import AppliedMeanwhile, KeyReused, RequestKey, as_key
from fttm.transcript.models import TranscriptEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a staff user or a meeting participant, with the name and role to show."""

    name: str
    role: str
    user_id: int | None = None
    participant_id: int | None = None

    @classmethod
    def for_user(cls, user) -> Actor:
        """A staff account acting in its own name."""
        return cls(name=user.name, role=str(user.role), user_id=user.id)

    @classmethod
    def for_participant(cls, participant) -> Actor:
        """A meeting participant (staff or family) acting in the meeting."""
        return cls(
            name=participant.display_name,
            role=participant.role,
            user_id=participant.user_id,
            participant_id=participant.id,
        )

    @classmethod
    def system(cls) -> Actor:
        """fttm itself (seeding, scheduled housekeeping)."""
        return cls(name="fttm", role="system")


def snapshot(item: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of `item` as JSON-ready values, for an event's before/after."""
    return {name: jsonable(getattr(item, name)) for name in fields}


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, enums as their values; everything else as it is."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


@dataclass
class Change:
    """One transaction's worth of change to a case; records its transcript events as it goes."""

    case_id: int | None
    actor: Actor
    meeting_id: int | None
    key: RequestKey | None
    events: list[TranscriptEvent] = field(default_factory=list)

    def record(
        self,
        kind: str,
        target: Any,
        *,
        before: dict | None = None,
        after: dict | None = None,
        section: str | None = None,
    ) -> TranscriptEvent:
        """Append the event describing one change to `target` (flushed, so ids are known)."""
        db.session.flush()
        if self.case_id is None:
            raise RuntimeError("set Change.case_id once the new case has an id")
        seq = _next_seq(self.case_id)
        event = TranscriptEvent(
            case_id=self.case_id,
            meeting_id=self.meeting_id,
            seq=seq,
            actor_user_id=self.actor.user_id,
            actor_participant_id=self.actor.participant_id,
            actor_name=self.actor.name,
            actor_role=self.actor.role,
            kind=kind,
            section=section,
            target_type=type(target).__name__,
            target_id=getattr(target, "id", None),
            before=before,
            after=after,
            # Only the first event of a change carries the key: one retry, one change.
            idempotency_key=None if self.events or not self.key else self.key.value,
            request_fingerprint=None if self.events or not self.key else self.key.fingerprint,
        )
        db.session.add(event)
        self.events.append(event)
        return event


def _next_seq(case_id: int) -> int:
    """Take the case's next sequence number; the UPDATE also serialises writers to one case."""
    from fttm.cases.models import Case

    statement = (
        sa.update(Case)
        .where(Case.id == case_id)
        .values(event_seq=Case.event_seq + 1)
        .returning(Case.event_seq)
    )
    return db.session.execute(statement).scalar_one()


def live_meeting_id(case_id: int) -> int | None:
    """The case's meeting that is open or live right now: changes made meanwhile belong to it."""
    from fttm.meetings.models import Meeting, MeetingStatus

    return db.session.scalar(
        sa.select(Meeting.id)
        .where(
            Meeting.case_id == case_id,
            Meeting.status.in_([MeetingStatus.OPEN, MeetingStatus.LIVE]),
        )
        .order_by(Meeting.id.desc())
        .limit(1)
    )


def already_applied(
    case_id: int, idempotency_key: RequestKey | str | None, actor: Actor
) -> TranscriptEvent | None:
    """The event an earlier try of this change wrote, if that try was committed.

    A key belongs to one actor, one meeting and one request: found with anything else (another
    person, or the same person's other change), it is refused with `KeyReused`.
    """
    key = as_key(idempotency_key)
    if key is None:
        return None
    event = _event_with_key(case_id, key)
    if event is None:
        return None
    same_actor = (event.actor_user_id, event.actor_participant_id) == (
        actor.user_id,
        actor.participant_id,
    )
    if not same_actor or event.request_fingerprint != key.fingerprint:
        raise KeyReused()
    return event


def replayed_row(
    case_id: int,
    key: RequestKey | str | None,
    actor: Actor,
    model,
    belongs: Callable[[Any], bool] | None = None,
):
    """The `model` row an earlier try of this change (same key, actor and request) saved, if any.

    The row is loaded only if the event says it is of that kind, and only if it belongs where it
    is asked for (`belongs`; by default, to this case); anything else is refused with
    `KeyReused`, never answered with some other row.
    """
    event = already_applied(case_id, key, actor)
    if event is None:
        return None
    row = db.session.get(model, event.target_id) if event.target_id is not None else None
    if event.target_type != model.__name__ or row is None:
        raise KeyReused()
    if not (belongs(row) if belongs else row.case_id == case_id):
        raise KeyReused()
    return row


@contextmanager
def change(
    case_id: int | None,
    actor: Actor,
    *,
    meeting_id: int | None = None,
    idempotency_key: RequestKey | str | None = None,
) -> Iterator[Change]:
    """Run one change to a case in a transaction: commit it with its events, then publish them.

    `case_id` is None only while the block creates the case; it then sets `case_id` itself.
    If the block raises, everything is rolled back and nothing is published. If another try of
    the same change (same key) committed first, `AppliedMeanwhile` says to answer as a replay.
    """
    if meeting_id is None and case_id is not None:
        meeting_id = live_meeting_id(case_id)
    current = Change(case_id, actor, meeting_id, as_key(idempotency_key))
    try:
        yield current
        if not current.events:
            raise RuntimeError("a change must record at least one transcript event")
        db.session.flush()
        written = [_written_columns(event) for event in current.events]
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        if current.key and current.case_id and _event_with_key(current.case_id, current.key):
            raise AppliedMeanwhile() from None
        raise
    except BaseException:
        db.session.rollback()
        raise
    for event, columns in zip(current.events, written, strict=True):
        _keep_columns(event, columns)
    publisher.publish(current.events)


def _written_columns(event: TranscriptEvent) -> dict[str, Any]:
    """The columns of a flushed event as loading it back would give them: JSON as read back
    from its text, moments in UTC."""
    loaded = sa.inspect(event).dict
    written = {}
    for column in sa.inspect(TranscriptEvent).column_attrs:
        if column.key not in loaded:
            continue
        value = loaded[column.key]
        if isinstance(value, dict | list):
            value = json.loads(json.dumps(value))
        elif isinstance(value, datetime):
            value = value.astimezone(UTC)
        written[column.key] = value
    return written


def _keep_columns(event: TranscriptEvent, columns: dict[str, Any]) -> None:
    """Put back what the commit expired of an event: the transcript is append-only, so what was
    written is what is stored, and the pushes read it without loading each event again."""
    for key, value in columns.items():
        set_committed_value(event, key, value)


def last_seq(case_id: int) -> int:
    """The sequence number of the case's latest event (0 if none)."""
    return (
        db.session.scalar(
            sa.select(sa.func.max(TranscriptEvent.seq)).where(TranscriptEvent.case_id == case_id)
        )
        or 0
    )


def meeting_change(meeting, actor: Actor, *, idempotency_key: RequestKey | str | None = None):
    """`change()` to a meeting's case, its events belonging to that meeting."""
    return change(meeting.case_id, actor, meeting_id=meeting.id, idempotency_key=idempotency_key)


def _event_with_key(case_id: int, key: RequestKey) -> TranscriptEvent | None:
    """The case's event that carries this key, if a change with it was committed."""
    return db.session.scalar(
        sa.select(TranscriptEvent).where(
            TranscriptEvent.case_id == case_id, TranscriptEvent.idempotency_key == key.value
        )
    )
