"""Staff accounts, their teams, and the record of failed sign-ins used to slow down guessing."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from fttm.extensions import db, enum_type
from fttm.timestamps import UTCDateTime, utcnow


class Role(StrEnum):
    """What a staff account may do."""

    FACILITATOR = "facilitator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


def new_session_nonce() -> str:
    """A fresh value that, when changed on a user, ends all their signed-in sessions."""
    return secrets.token_hex(8)


class Team(db.Model):
    """A team of caseworkers and their supervisor; cases belong to a team."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="team", order_by="User.name")


class User(UserMixin, db.Model):
    """A staff account: facilitator, supervisor or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    session_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the account chose for its screens (a key of config LANGUAGES); None: the
    # browser's (Accept-Language).
    language: Mapped[str | None] = mapped_column(sa.String(10))

    team: Mapped[Team | None] = relationship(back_populates="members")

    def set_password(self, password: str) -> None:
        """Store a salted hash of `password` and end every existing session of this user."""
        self.password_hash = generate_password_hash(password)
        self.session_nonce = new_session_nonce()

    def check_password(self, password: str) -> bool:
        """Whether `password` is this user's password."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Session identity; it changes with the password, which signs the user out everywhere."""
        return f"{self.id}.{self.session_nonce}"

    @property
    def is_active(self) -> bool:
        """Disabled accounts cannot sign in and their sessions stop working."""
        return self.active

    @property
    def is_staff_of_cases(self) -> bool:
        """Facilitators and supervisors work on their team's cases; admins manage accounts."""
        return self.role in (Role.FACILITATOR, Role.SUPERVISOR) and self.team_id is not None


class FailedLogin(db.Model):
    """One failed sign-in, keyed by hashes of the account and the address (no personal data)."""

    __tablename__ = "failed_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    address_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
