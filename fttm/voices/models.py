"""Contributions from people who are not in the room: a child through a trusted adult, a relative
who cannot come, a provider's report. Words as said, or a picture.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fttm.board.models import BoardItem
from fttm.extensions import db, enum_type
from fttm.timestamps import UTCDateTime


class VoiceSource(StrEnum):
    """Who the absent voice is."""

    CHILD = "child"  # a young child, through a named trusted person
    RELATIVE = "relative"  # a relative who cannot come
    PROVIDER = "provider"  # a provider who sent a report


class AbsentVoice(BoardItem, db.Model):
    """One contribution from someone not in the room, shown in the board section it speaks to.

    `shareable` records whether the person agreed to it being shown to the family; one that is not
    is confidential (staff only) and never reaches the wall or a phone.
    """

    __tablename__ = "absent_voices"

    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    source: Mapped[VoiceSource] = mapped_column(enum_type(VoiceSource))
    from_name: Mapped[str] = mapped_column(sa.String(120))
    # Through whom it came (teacher, foster carer, advocate…): required for a child's voice.
    through_name: Mapped[str | None] = mapped_column(sa.String(120))
    through_role: Mapped[str | None] = mapped_column(sa.String(120))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The board section it speaks to ("strengths", "worries", "plan", "safety_plan"…).
    section: Mapped[str] = mapped_column(sa.String(40))
    shareable: Mapped[bool] = mapped_column(default=False)
    words: Mapped[str | None] = mapped_column(sa.Text)
    # A picture, re-encoded on the server (no location or camera data): PNG or JPEG bytes.
    picture: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    picture_type: Mapped[str | None] = mapped_column(sa.String(20))
    picture_width: Mapped[int | None]
    picture_height: Mapped[int | None]
    # What the picture shows, in words, for screen readers and the transcript.
    picture_description: Mapped[str | None] = mapped_column(sa.String(500))
