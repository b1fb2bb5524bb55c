"""Plan versions taken when a meeting ends, the family's agreement and the supervisor's decision."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fttm.extensions import db, enum_type
from fttm.timestamps import UTCDateTime, utcnow

if TYPE_CHECKING:
    from fttm.auth.models import User


class PlanVersion(db.Model):
    """The plan as it stood when a meeting ended: numbered per case, never changed afterwards."""

    __tablename__ = "plan_versions"
    __table_args__ = (sa.UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), unique=True)
    number: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreements: Mapped[list[Agreement]] = relationship(order_by="Agreement.recorded_at")
    endorsements: Mapped[list[Endorsement]] = relationship(order_by="Endorsement.decided_at")

    @property
    def decision(self) -> Endorsement | None:
        """The supervisor's latest decision on this version, if any."""
        return self.endorsements[-1] if self.endorsements else None


class ImmutableVersionError(RuntimeError):
    """Raised when code tries to change a plan version after it was taken."""


@event.listens_for(PlanVersion, "before_update")
@event.listens_for(PlanVersion, "before_delete")
def _refuse_changing_a_version(mapper, connection, target: PlanVersion) -> None:
    """A plan version is what people agreed to: it cannot change once taken."""
    raise ImmutableVersionError("plan versions are immutable")


class AgreementResponse(StrEnum):
    """A participant's answer to "do you agree with this plan?"."""

    AGREED = "agreed"
    DISAGREED = "disagreed"
    DID_NOT_TAKE_PART = "did_not_take_part"


class Agreement(db.Model):
    """One person's agreement (or not) with a plan version, given on their phone or in person."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_versions.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participants.id"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(40))
    response: Mapped[AgreementResponse] = mapped_column(enum_type(AgreementResponse))
    # The person's comment, or why a parent did not take part.
    comment: Mapped[str | None] = mapped_column(sa.String(1000))
    # Set when the facilitator recorded agreement given in person.
    recorded_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EndorsementDecision(StrEnum):
    """The supervisor endorses the plan, or returns it to the facilitator with comments."""

    ENDORSED = "endorsed"
    RETURNED = "returned"


class Endorsement(db.Model):
    """A supervisor's decision on a plan version."""

    __tablename__ = "endorsements"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_versions.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decision: Mapped[EndorsementDecision] = mapped_column(enum_type(EndorsementDecision))
    comment: Mapped[str | None] = mapped_column(sa.String(2000))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    supervisor: Mapped[User] = relationship()


class CopyMethod(StrEnum):
    """How a copy of the plan reached a family member."""

    IN_PERSON = "in_person"
    POST = "post"
    EMAIL = "email"
    OTHER = "other"


class FamilyCopy(db.Model):
    """A copy of a plan version given to a parent or the young person: when and how."""

    __tablename__ = "family_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_versions.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))
    recipient_name: Mapped[str] = mapped_column(sa.String(120))
    method: Mapped[CopyMethod] = mapped_column(enum_type(CopyMethod))
    given_on: Mapped[date]
    recorded_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The language the copy was made in: the family member's (a key of config LANGUAGES).
    language: Mapped[str] = mapped_column(sa.String(10), default="en", server_default="en")
