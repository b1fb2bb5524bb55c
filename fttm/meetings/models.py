"""Meetings of a case and the people taking part in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fttm.extensions import db, enum_type
from fttm.timestamps import UTCDateTime, utcnow

if TYPE_CHECKING:
    from fttm.cases.models import Case


class MeetingStatus(StrEnum):
    """Where a meeting is in its life: scheduled → open (joinable) → live → ended."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


class MeetingPurpose(StrEnum):
    """Why the family team meets."""

    INITIAL_PLAN = "initial_plan"
    REVIEW_90_DAY = "review_90_day"
    PLACEMENT_CHANGE = "placement_change"
    OTHER = "other"


PURPOSE_LABELS = {
    MeetingPurpose.INITIAL_PLAN: _l("Initial case plan"),
    MeetingPurpose.REVIEW_90_DAY: _l("90-day review"),
    MeetingPurpose.PLACEMENT_CHANGE: _l("Placement change"),
    MeetingPurpose.OTHER: _l("Other"),
}

STATUS_LABELS = {
    MeetingStatus.SCHEDULED: _l("Scheduled"),
    MeetingStatus.OPEN: _l("Open for joining"),
    MeetingStatus.LIVE: _l("Live"),
    MeetingStatus.ENDED: _l("Ended"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}


class Meeting(db.Model):
    """A Family Team Meeting: scheduled, then joined by code, held live, and ended."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    purpose: Mapped[MeetingPurpose] = mapped_column(enum_type(MeetingPurpose))
    location: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    join_code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    admit_everyone: Mapped[bool] = mapped_column(default=False)
    join_details_hidden: Mapped[bool] = mapped_column(default=False)
    locked_sections: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # What the wall (the projected screen) shows, as the facilitator steers it from the console:
    # the whole board or one section, which family map drawing, and that drawing's zoom and pan.
    wall_focus: Mapped[str] = mapped_column(sa.String(20), default="overview")
    wall_drawing: Mapped[str] = mapped_column(sa.String(10), default="genogram")
    wall_zoom: Mapped[int] = mapped_column(default=100)  # percent of the fitted drawing
    # How far the drawing's centre is moved, in percent of its width and height.
    wall_pan_x: Mapped[int] = mapped_column(default=0)
    wall_pan_y: Mapped[int] = mapped_column(default=0)
    # The meeting's agenda: its phases in order, each a dict with "key", "name", "section" (a board
    # section key or None), "minutes" (suggested) and "skipped". Copied from the jurisdiction
    # profile's default agenda when the meeting is scheduled; the facilitator adjusts it before
    # opening. Which phase the meeting is in, and since when, moves only through the command layer.
    agenda: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    phase: Mapped[str | None] = mapped_column(sa.String(40))
    phase_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while the family plans alone (private family time); staff screens see none of its drafts.
    family_time_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language of the wall (projected screen): one language ("en", "fr_CA"), or two joined by
    # "+" for a bilingual room ("fr_CA+en": French first, English headings and phase names too).
    # None: the language of the facilitator who opens it.
    wall_language: Mapped[str | None] = mapped_column(sa.String(20))
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="meetings")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="meeting", order_by="Participant.joined_at"
    )

    @property
    def purpose_label(self) -> str:
        """The purpose in the reader's language."""
        return str(PURPOSE_LABELS[self.purpose])

    @property
    def status_label(self) -> str:
        """The status in the reader's language."""
        return str(STATUS_LABELS[self.status])


class ParticipantStatus(StrEnum):
    """A participant waits to be admitted, is admitted, or has been removed by the facilitator."""

    WAITING = "waiting"
    ADMITTED = "admitted"
    REMOVED = "removed"


class Participant(db.Model):
    """Someone taking part in one meeting: a family member by code, or staff by account."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(60))
    # A participant role key from the jurisdiction profile, or "staff" for an account holder.
    role: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Added after both tables exist: persons and participants refer to each other.
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id", use_alter=True))
    status: Mapped[ParticipantStatus] = mapped_column(
        enum_type(ParticipantStatus), default=ParticipantStatus.WAITING
    )
    # Part of the signed participant token; replaced on removal so the old token stops working.
    token_nonce: Mapped[str] = mapped_column(sa.String(32))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    admitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language this person's screens are in (a key of config LANGUAGES): their browser's when
    # they joined, or what they chose since on the join page or the board.
    language: Mapped[str | None] = mapped_column(sa.String(10))

    meeting: Mapped[Meeting] = relationship(back_populates="participants")


class PlusDelta(db.Model):
    """One participant's word at the end of a meeting: what helped, and what to change next time.

    Kept for the facilitator's fidelity view; never part of the plan.
    """

    __tablename__ = "plus_deltas"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participants.id"))
    plus: Mapped[str | None] = mapped_column(sa.String(1000))
    delta: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
