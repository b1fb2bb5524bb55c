"""UTC timestamps: what the database stores, and moments in a jurisdiction's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return datetime.now(UTC)


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
