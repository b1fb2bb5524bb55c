"""Slow down password guessing: too many failed sign-ins lock the account or address for a while."""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from fttm.auth.models import FailedLogin
from fttm.extensions import db
from fttm.timestamps import utcnow


def _key(value: str) -> str:
    """A salted hash, so the table holds no email addresses or IP addresses."""
    salt = current_app.config["SECRET_KEY"].encode()
    return hashlib.sha256(salt + value.strip().lower().encode()).hexdigest()


def minutes_locked(email: str, address: str) -> int:
    """Minutes until sign-in may be tried again for this account or address; 0 if not locked."""
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    since = utcnow() - window
    waits = []
    for column, value, limit in (
        (FailedLogin.account_key, email, config["LOGIN_FAILURES_PER_ACCOUNT"]),
        (FailedLogin.address_key, address, config["LOGIN_FAILURES_PER_ADDRESS"]),
    ):
        recent = db.session.scalars(
            sa.select(FailedLogin.at)
            .where(column == _key(value), FailedLogin.at > since)
            .order_by(FailedLogin.at.desc())
            .limit(limit)
        ).all()
        if len(recent) >= limit:
            unlocks_at = recent[-1] + window
            waits.append(math.ceil((unlocks_at - utcnow()).total_seconds() / 60))
    return max(waits, default=0)


def record_failure(email: str, address: str) -> None:
    """Remember one failed sign-in, and forget those too old to matter."""
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    db.session.execute(sa.delete(FailedLogin).where(FailedLogin.at < utcnow() - window))
    db.session.add(FailedLogin(account_key=_key(email), address_key=_key(address)))
    db.session.commit()


def clear_failures(email: str) -> None:
    """A successful sign-in wipes the account's failures."""
    db.session.execute(sa.delete(FailedLogin).where(FailedLogin.account_key == _key(email)))
