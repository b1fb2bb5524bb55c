"""What the family team writes together: strengths, worries, the plan, the safety plan, notes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fttm.extensions import db, enum_type
from fttm.timestamps import UTCDateTime, utcnow


class BoardItem:
    """Columns every item on a case's board has: confidentiality, soft delete, version, author."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    # Confidential items are rendered for staff only and never sent to family devices.
    confidential: Mapped[bool] = mapped_column(default=False)
    # Bumped by every change; an edit made against an older version is a conflict, not a overwrite.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Deletes are soft so the facilitator can restore, and the transcript still points somewhere.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by_participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participants.id"))


class Strength(BoardItem, db.Model):
    """What's working well, optionally about one person in the family map."""

    __tablename__ = "strengths"

    # The mapping section it was written in (fttm.frameworks): "strengths", "safety"...
    section: Mapped[str] = mapped_column(
        sa.String(40), default="strengths", server_default="strengths"
    )
    text: Mapped[str] = mapped_column(sa.String(1000))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))


class Worry(BoardItem, db.Model):
    """What we are worried about, or a need, optionally in a need domain and about a person."""

    __tablename__ = "worries"

    # The mapping section it was written in (fttm.frameworks): "worries", "harm", "danger"...
    section: Mapped[str] = mapped_column(sa.String(40), default="worries", server_default="worries")
    text: Mapped[str] = mapped_column(sa.String(1000))
    # A need domain key from the jurisdiction profile.
    need_domain: Mapped[str | None] = mapped_column(sa.String(40))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))


class Goal(BoardItem, db.Model):
    """A broad statement of the direction the family team is working in."""

    __tablename__ = "goals"

    text: Mapped[str] = mapped_column(sa.String(1000))
    position: Mapped[int] = mapped_column(default=0)

    objectives: Mapped[list[Objective]] = relationship(order_by="Objective.position")


class Objective(BoardItem, db.Model):
    """A concrete, measurable, observable end on the way to a goal."""

    __tablename__ = "objectives"

    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("goals.id"), index=True)
    text: Mapped[str] = mapped_column(sa.String(1000))
    position: Mapped[int] = mapped_column(default=0)


class ActionStatus(StrEnum):
    """Where an action stands; ticked off in the actions table."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_DONE = "not_done"


class Responsible:
    """Who does something: a participant, a person in the family map, or a named service."""

    who_participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participants.id"))
    who_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))
    who_service: Mapped[str | None] = mapped_column(sa.String(120))


class Action(Responsible, BoardItem, db.Model):
    """A row of the actions table: what, who, where/how, by when, and its status."""

    __tablename__ = "actions"

    goal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("goals.id"), index=True)
    objective_id: Mapped[int | None] = mapped_column(sa.ForeignKey("objectives.id"), index=True)
    what: Mapped[str] = mapped_column(sa.String(1000))
    where_how: Mapped[str | None] = mapped_column(sa.String(500))
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus), default=ActionStatus.OPEN)
    position: Mapped[int] = mapped_column(default=0)
    # Version of each cell, so two people editing different cells of one row both keep their edit.
    cell_versions: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class SafetyStepKind(StrEnum):
    """Proactive steps keep the child safe; reactive steps say what we do if something happens."""

    PROACTIVE = "proactive"
    REACTIVE = "reactive"


class SafetyStep(Responsible, BoardItem, db.Model):
    """One step of the safety plan, with who and when (proactive) or its trigger (reactive)."""

    __tablename__ = "safety_steps"

    kind: Mapped[SafetyStepKind] = mapped_column(enum_type(SafetyStepKind))
    text: Mapped[str] = mapped_column(sa.String(1000))
    when: Mapped[str | None] = mapped_column(sa.String(200))
    trigger: Mapped[str | None] = mapped_column(sa.String(500))
    position: Mapped[int] = mapped_column(default=0)


class Note(BoardItem, db.Model):
    """The facilitator's running note of a decision or context, made in one meeting."""

    __tablename__ = "notes"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)


class SafetyRating(db.Model):
    """A participant's private 0 to 10 rating of the child's safety in one meeting."""

    __tablename__ = "safety_ratings"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "participant_id"),
        sa.CheckConstraint("score >= 0 AND score <= 10", name="score_0_to_10"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participants.id"))
    score: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
