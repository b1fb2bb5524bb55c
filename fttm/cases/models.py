"""A family's case: its key dates, permanency goal, team and facilitator."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fttm.extensions import db
from fttm.timestamps import UTCDateTime, utcnow

if TYPE_CHECKING:
    from fttm.auth.models import Team, User
    from fttm.meetings.models import Meeting


class Case(db.Model):
    """One family's case; its board (family map, assessment, plan) lives across its meetings."""

    __tablename__ = "cases"
    __table_args__ = (sa.UniqueConstraint("team_id", "case_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    case_number: Mapped[str] = mapped_column(sa.String(40))
    family_name: Mapped[str] = mapped_column(sa.String(120), index=True)
    jurisdiction: Mapped[str] = mapped_column(sa.String(40))
    substantiation_date: Mapped[date]
    placement_date: Mapped[date | None]
    permanency_goal: Mapped[str] = mapped_column(sa.String(60))
    # The practice framework of its board (fttm.frameworks); None: its profile's.
    framework: Mapped[str | None] = mapped_column(sa.String(40))
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Indigenous child: some jurisdictions require the child's tribe or community to be contacted.
    indigenous_child: Mapped[bool] = mapped_column(default=False)
    tribe_contacted_on: Mapped[date | None]
    # Last transcript sequence number used in this case; see fttm.core.recorder.
    event_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    team: Mapped[Team] = relationship()
    facilitator: Mapped[User | None] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="case", order_by="Meeting.scheduled_at"
    )
