"""UTC timestamps: what the database stores, and moments in a jurisdiction's time zone.

Every moment fttm stamps comes from `utcnow()`. Inside `clock_at(moment)` it is that moment instead
of the real one, so history written after the fact (the demo's past meeting) is stamped as it
happened, by the same commands that stamp a live meeting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


@dataclass
class Clock:
    """A moment that stands still until it is moved on: what `utcnow()` reads in `clock_at`."""

    now: datetime

    def advance(self, step: timedelta) -> datetime:
        """Move the clock on by `step`; the new moment."""
        self.now += step
        return self.now


# A context variable, not a global: each thread or greenlet (each request) keeps its own clock.
_clock: ContextVar[Clock | None] = ContextVar("fttm_clock", default=None)


def utcnow() -> datetime:
    """The current moment, timezone-aware, in UTC (the set clock's moment inside `clock_at`)."""
    clock = _clock.get()
    return datetime.now(UTC) if clock is None else clock.now


@contextmanager
def clock_at(moment: datetime) -> Iterator[Clock]:
    """Within the block, `utcnow()` says `moment` (moved on with the clock it gives)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the clock needs a moment that knows its zone")
    token = _clock.set(Clock(moment.astimezone(UTC)))
    try:
        yield _clock.get()
    finally:
        _clock.reset(token)


def to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored UTC moment as wall-clock time in `zone`."""
    return moment.astimezone(zone)


def from_local(wall_clock: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall-clock time in `zone` (as typed into a form) as a UTC moment."""
    return wall_clock.replace(tzinfo=zone).astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as naive UTC, so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        """Refuse naive datetimes: every moment fttm stores must know its zone."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use fttm.timestamps.utcnow() or from_local()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        """Give back an aware UTC datetime."""
        return None if value is None else value.replace(tzinfo=UTC)
