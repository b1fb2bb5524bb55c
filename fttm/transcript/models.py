"""The transcript: an append-only record of every change to a case's board and meetings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from fttm.extensions import db
from fttm.timestamps import UTCDateTime, utcnow


class TranscriptEvent(db.Model):
    """One change: who made it, when, to what, and the values before and after.

    `seq` increases by one with every event of the case. A case has at most one live meeting, so
    the events of a meeting are an unbroken, increasing run of the case's sequence: a screen that
    reconnects says the last `seq` it saw and is sent what came after.
    """

    __tablename__ = "transcript_events"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "seq"),
        sa.UniqueConstraint("case_id", "idempotency_key"),
        sa.Index("ix_transcript_events_meeting_seq", "meeting_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"))
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participants.id"))
    # The actor's name and role as they were at the time, so the transcript reads true later.
    actor_name: Mapped[str] = mapped_column(sa.String(120))
    actor_role: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(60))
    section: Mapped[str | None] = mapped_column(sa.String(40))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64))
    # What the key was sent with: a hash of the actor, meeting, method, path and fields, so the
    # same key with another request is refused rather than answered with this change.
    request_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))


class TranscriptRead(db.Model):
    """A member of staff read (or exported) a meeting's transcript: reads are themselves logged."""

    __tablename__ = "transcript_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    what: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a transcript event."""


@event.listens_for(TranscriptEvent, "before_update")
@event.listens_for(TranscriptEvent, "before_delete")
def _refuse_rewriting_history(mapper, connection, target: TranscriptEvent) -> None:
    """The transcript is evidence: once written, an event is never changed or deleted."""
    raise AppendOnlyError("transcript events are append-only")
