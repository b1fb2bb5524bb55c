"""What the family drafts during private family time, before it is shared with the team."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fttm.extensions import db, enum_type
from fttm.timestamps import UTCDateTime, utcnow


class DraftStatus(StrEnum):
    """A draft is being written, has become a board item, or was kept or discarded at the end."""

    DRAFT = "draft"
    SHARED = "shared"
    KEPT = "kept"  # the meeting ended unshared and the facilitator chose to keep it for later
    DISCARDED = "discarded"


class FamilyDraft(db.Model):
    """One item the family drafted in private: a strength, worry, action or safety step to be.

    Its text is for family screens only until it is shared; then it becomes a normal board item,
    attributed to whoever wrote it, and `shared_item_id` points at that item.
    """

    __tablename__ = "family_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    # A board item kind key: "strength", "worry", "action" or "safety_step".
    kind: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.String(1000))
    # The kind's other fields (need domain, where/how, by when, proactive or reactive…).
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[DraftStatus] = mapped_column(enum_type(DraftStatus), default=DraftStatus.DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    created_by_participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participants.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shared_item_id: Mapped[int | None]
