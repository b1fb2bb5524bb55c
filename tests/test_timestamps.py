"""The injectable clock: inside `clock_at`, every moment fttm stamps is the clock's moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fttm.jurisdictions import profile
from fttm.timestamps import clock_at, utcnow


def test_inside_clock_at_now_is_the_clock_s_moment_and_moves_only_when_told():
    """A demo step says when it happened; the clock moves on only by `advance`."""
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("America/Detroit"))
    with clock_at(moment) as clock:
        assert utcnow() == moment
        assert utcnow().tzinfo == UTC
        clock.advance(timedelta(minutes=5))
        assert utcnow() == moment + timedelta(minutes=5)
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_profile_s_today_follows_the_clock_in_its_own_zone(app):
    """2 a.m. in UTC is still the evening before in Michigan: its today is that day."""
    with clock_at(datetime(2026, 3, 3, 2, 0, tzinfo=UTC)):
        assert profile("miteam").today().isoformat() == "2026-03-02"


def test_a_clock_without_a_zone_is_refused():
    """A naive moment would be read in the server's zone: refused rather than guessed."""
    with pytest.raises(ValueError), clock_at(datetime(2026, 3, 2, 9, 30)):
        pass
