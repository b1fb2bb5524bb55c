"""Slow password guessing down without handing an attacker a way to lock the real person out.

NIST SP 800-63B §5.2.2 "Rate Limiting (Throttling)" (https://pages.nist.gov/800-63-3/sp800-63b.html
#throttle): the verifier SHALL limit consecutive failed attempts on one account to no more than 100,
MAY make the claimant wait a time that grows as failures add up, and SHOULD disregard earlier
failures from the same address once the subscriber signs in. So three rules, each with its own
wait, and sign-in from an address waits for the longest that applies:

- account + address: a few free tries, then each failure doubles the wait (1, 2, 4 … 60 minutes).
  Someone guessing from one address is slowed to about one try an hour, and only that address
  waits: the real person, anywhere else, still signs in.
- account: NIST's bound on consecutive failures (since the last successful sign-in), for guessing
  spread over many addresses. One address cannot reach it (at most about 35 tries a day).
- address: a generous limit on failures across all accounts, against password spraying. An office
  behind one address never comes near it by typos.

Only salted hashes of the email and of the address are stored, never the values themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from fttm.auth.models import FailedLogin
from fttm.extensions import db
from fttm.timestamps import utcnow

logger = logging.getLogger(__name__)

KINDS = ("account", "address")


def _hash(kind: str, value: str) -> str:
    """A keyed hash: the table holds no email or IP address, and each kind hashes apart."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def account_key(email: str) -> str:
    """The stored stand-in for an email address as typed at sign-in."""
    return _hash("account", email.strip().lower())


def address_key(address: str) -> str:
    """The stored stand-in for an address; IPv6 counts by /64, which one machine usually owns."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return _hash("address", address.strip().lower())
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return _hash("address", str(parsed.ipv4_mapped))
        return _hash("address", str(ipaddress.ip_network(f"{parsed}/64", strict=False)))
    return _hash("address", str(parsed))


def _setting(name: str) -> int:
    """One of the LOGIN_* settings."""
    return int(current_app.config[name])


def _memory() -> timedelta:
    """How long a failure counts towards its account's waits and bound."""
    return timedelta(seconds=_setting("LOGIN_FAILURE_MEMORY_SECONDS"))


def _address_window() -> timedelta:
    """The window of the per-address limit."""
    return timedelta(seconds=_setting("LOGIN_FAILURE_WINDOW_SECONDS"))


def _pair_until(times: list[datetime]) -> datetime | None:
    """When one account may be tried again from one address, given its failures (oldest first)."""
    free = _setting("LOGIN_FAILURES_PER_ACCOUNT")
    if len(times) < free:
        return None
    doublings = min(len(times) - free, 32)
    wait = min(
        _setting("LOGIN_FIRST_WAIT_SECONDS") * 2**doublings, _setting("LOGIN_LONGEST_WAIT_SECONDS")
    )
    return times[-1] + timedelta(seconds=wait)


def _bound_until(times: list[datetime], limit: int, window: timedelta) -> datetime | None:
    """When enough of `times` (oldest first) have aged out of `window` to be under `limit`."""
    if limit <= 0 or len(times) < limit:
        return None
    return times[-limit] + window


def _latest(*moments: datetime | None) -> datetime | None:
    """The latest of the moments given, ignoring None."""
    return max((moment for moment in moments if moment is not None), default=None)


def wait_until(email: str, address: str, *, since: datetime | None = None) -> datetime | None:
    """When sign-in as `email` from `address` may be tried again; None if it may now.

    `since` is the account's last successful sign-in: NIST's bound counts failures after it.
    """
    now = utcnow()
    account, here = account_key(email), address_key(address)
    account_times = db.session.scalars(
        sa.select(FailedLogin.at)
        .where(FailedLogin.account_key == account, FailedLogin.at > now - _memory())
        .order_by(FailedLogin.at)
    ).all()
    pair_times = db.session.scalars(
        sa.select(FailedLogin.at)
        .where(
            FailedLogin.account_key == account,
            FailedLogin.address_key == here,
            FailedLogin.at > now - _memory(),
        )
        .order_by(FailedLogin.at)
    ).all()
    address_times = db.session.scalars(
        sa.select(FailedLogin.at)
        .where(FailedLogin.address_key == here, FailedLogin.at > now - _address_window())
        .order_by(FailedLogin.at)
    ).all()
    consecutive = [moment for moment in account_times if since is None or moment > since]
    until = _latest(
        _pair_until(list(pair_times)),
        _bound_until(consecutive, _setting("LOGIN_ACCOUNT_FAILURE_LIMIT"), _memory()),
        _bound_until(
            list(address_times), _setting("LOGIN_FAILURES_PER_ADDRESS"), _address_window()
        ),
    )
    return until if until is not None and until > now else None


def seconds_until(moment: datetime) -> int:
    """Whole seconds from now until `moment`, rounded up (at least 1)."""
    return max(1, math.ceil((moment - utcnow()).total_seconds()))


def minutes_until(moment: datetime) -> int:
    """Whole minutes from now until `moment`, rounded up (at least 1)."""
    return math.ceil(seconds_until(moment) / 60)


def record_failure(email: str, address: str) -> int:
    """Remember one failed sign-in (its id), and forget those too old to matter."""
    now = utcnow()
    oldest = now - max(_memory(), _address_window())
    db.session.execute(sa.delete(FailedLogin).where(FailedLogin.at < oldest))
    failure = FailedLogin(account_key=account_key(email), address_key=address_key(address), at=now)
    db.session.add(failure)
    db.session.commit()
    return failure.id


def withdraw(failure_id: int) -> None:
    """Take back an attempt counted as failed before its password turned out right."""
    db.session.execute(sa.delete(FailedLogin).where(FailedLogin.id == failure_id))
    db.session.commit()


def forget_failures(email: str, address: str) -> None:
    """A successful sign-in wipes that account's failures from that address (not the commit)."""
    db.session.execute(
        sa.delete(FailedLogin).where(
            FailedLogin.account_key == account_key(email),
            FailedLogin.address_key == address_key(address),
        )
    )


@dataclass(frozen=True)
class Limit:
    """An account or an address that must wait before it may try to sign in again."""

    kind: str  # "account" or "address"
    key: str
    failures: int
    addresses: int  # how many addresses the failures came from (accounts only)
    until: datetime


def current_limits(last_sign_ins: dict[str, datetime | None]) -> list[Limit]:
    """Every account and address waiting now, the longest wait first.

    `last_sign_ins` maps account keys to their account's last successful sign-in.
    """
    now = utcnow()
    rows = db.session.execute(
        sa.select(FailedLogin.account_key, FailedLogin.address_key, FailedLogin.at)
        .where(FailedLogin.at > now - max(_memory(), _address_window()))
        .order_by(FailedLogin.at)
    ).all()
    by_pair: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    by_address: dict[str, list[datetime]] = defaultdict(list)
    for account, address, moment in rows:
        if moment > now - _memory():
            by_pair[account, address].append(moment)
        if moment > now - _address_window():
            by_address[address].append(moment)
    limits = [*_account_limits(by_pair, last_sign_ins, now), *_address_limits(by_address, now)]
    return sorted(limits, key=lambda limit: limit.until, reverse=True)


def _account_limits(
    by_pair: dict[tuple[str, str], list[datetime]],
    last_sign_ins: dict[str, datetime | None],
    now: datetime,
) -> Iterable[Limit]:
    """Accounts with at least one address waiting, or over NIST's bound."""
    by_account: dict[str, dict[str, list[datetime]]] = defaultdict(dict)
    for (account, address), times in by_pair.items():
        by_account[account][address] = times
    for account, pairs in by_account.items():
        since = last_sign_ins.get(account)
        everything = sorted(moment for times in pairs.values() for moment in times)
        consecutive = [moment for moment in everything if since is None or moment > since]
        until = _latest(
            *(_pair_until(times) for times in pairs.values()),
            _bound_until(consecutive, _setting("LOGIN_ACCOUNT_FAILURE_LIMIT"), _memory()),
        )
        if until is not None and until > now:
            yield Limit("account", account, len(everything), len(pairs), until)


def _address_limits(by_address: dict[str, list[datetime]], now: datetime) -> Iterable[Limit]:
    """Addresses over the spraying limit."""
    for address, times in by_address.items():
        until = _bound_until(times, _setting("LOGIN_FAILURES_PER_ADDRESS"), _address_window())
        if until is not None and until > now:
            yield Limit("address", address, len(times), 1, until)


def clear(kind: str, key: str) -> int:
    """Forget every failure of one account (from every address) or of one address; how many."""
    column = FailedLogin.account_key if kind == "account" else FailedLogin.address_key
    result = db.session.execute(sa.delete(FailedLogin).where(column == key))
    db.session.commit()
    return result.rowcount or 0
