"""The sign-in throttle's rules over days, with production's settings and a clock moved by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config import Config
from fttm.auth import throttle
from fttm.timestamps import utcnow

ATTACKER = "203.0.113.66"
EMAIL = "fran@agency.example"


@pytest.fixture
def production_limits(app, monkeypatch):
    """Production's sign-in settings, and a clock the test moves."""
    for name in dir(Config):
        if name.startswith("LOGIN_"):
            monkeypatch.setitem(app.config, name, getattr(Config, name))
    clock = {"now": utcnow()}
    monkeypatch.setattr(throttle, "utcnow", lambda: clock["now"])
    return clock


def test_one_address_guessing_for_three_days_never_makes_others_wait(production_limits):
    """Guessing as fast as allowed from one address gets about 35 tries the first day, and never
    reaches NIST's bound of 100: the account stays open from any other address."""
    clock = production_limits
    start, tries_per_day = clock["now"], [0, 0, 0]
    while clock["now"] < start + timedelta(days=3):
        until = throttle.wait_until(EMAIL, ATTACKER)
        if until:
            clock["now"] = until
            continue
        throttle.record_failure(EMAIL, ATTACKER)
        tries_per_day[(clock["now"] - start).days] += 1
        assert throttle.wait_until(EMAIL, "198.51.100.7") is None
    assert 30 <= tries_per_day[0] <= 36
    assert max(tries_per_day[1:]) <= 25


def test_spraying_from_one_address_waits_but_an_office_full_of_typos_does_not(production_limits):
    """A hundred failures on different accounts within 15 minutes make that address wait; the
    same number spread over a working day, as typos are, never do."""
    clock = production_limits
    for number in range(100):
        throttle.record_failure(f"staff{number}@agency.example", "192.0.2.1")
        clock["now"] += timedelta(seconds=5)
    assert throttle.wait_until("anyone@agency.example", "192.0.2.1") is not None
    for number in range(100):
        throttle.record_failure(f"staff{number}@agency.example", "192.0.2.2")
        clock["now"] += timedelta(minutes=5)
    assert throttle.wait_until("anyone@agency.example", "192.0.2.2") is None
