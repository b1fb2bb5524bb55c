"""Dates, times, numbers and lists written the reader's way (Babel), times in the case's zone
with the zone named: English stays as it was, French reads as French Canadians write it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, gettext

from fttm.templating import (
    local_date,
    local_datetime,
    local_list,
    local_number,
    local_percent,
    local_time,
    without_if,
)

TORONTO = ZoneInfo("America/Toronto")
# 10:00 in Toronto on 1 December 2026 (Eastern Standard Time).
MOMENT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def reading(app):
    """A request to render within, in a language chosen by the test."""
    with app.test_request_context("/"):
        yield


def in_language(language: str, write, *args):
    with force_locale(language):
        return write(*args)


def test_english_datetimes_stay_as_they_were(reading):
    assert in_language("en", local_datetime, MOMENT, TORONTO) == (
        "Tuesday, December 1, 2026 · 10:00 (EST)"
    )
    assert in_language("en", local_time, MOMENT, TORONTO) == "10:00"
    assert in_language("en", local_date, date(2026, 12, 1)) == "Dec 1, 2026"


def test_french_datetimes_read_as_french(reading):
    written = in_language("fr_CA", local_datetime, MOMENT, TORONTO)

    assert written.startswith("mardi 1 décembre 2026")
    assert "10 h 00" in written
    assert written.endswith("(heure normale de l\u2019Est)")  # named in words, not "HNE"
    with force_locale("fr_CA"):
        joiner = gettext("%(day)s · %(time)s (%(zone)s)")
    assert written == joiner % {
        "day": "mardi 1 décembre 2026",
        "time": "10 h 00",
        "zone": "heure normale de l\u2019Est",
    }
    assert in_language("fr_CA", local_time, MOMENT, TORONTO) == "10 h 00"
    assert in_language("fr_CA", local_date, "2026-12-01") == "1 déc. 2026"


def test_the_time_is_the_cases_whatever_the_server_s(reading):
    """The same moment is 7:00 in Vancouver, and says so."""
    written = in_language("en", local_datetime, MOMENT, ZoneInfo("America/Vancouver"))

    assert written == "Tuesday, December 1, 2026 · 07:00 (PST)"


def test_a_zone_without_an_abbreviation_is_named_in_words(reading):
    written = in_language("en", local_datetime, MOMENT, ZoneInfo("Australia/Sydney"))

    assert written.endswith("(Australian Eastern Daylight Time)")


def test_lists_numbers_and_shares(reading):
    names = ["Maria", "Tom", "Leo"]
    assert in_language("en", local_list, names) == "Maria, Tom, and Leo"
    assert in_language("fr_CA", local_list, names) == "Maria, Tom et Leo"
    assert in_language("en", local_list, ["Maria"]) == "Maria"
    assert in_language("en", local_number, 12345) == "12,345"
    assert in_language("fr_CA", local_number, 12345) == "12\N{NO-BREAK SPACE}345"
    assert in_language("en", local_percent, 0.425) == "42%"
    assert in_language("fr_CA", local_percent, 0.425) == "42\N{NO-BREAK SPACE}%"


def test_a_typed_if_is_not_said_twice(reading):
    """People type "If it starts..." in the safety plan's "If…" box; pages add their own word, so
    the typed one goes, in English and in French (« Si »), and nothing else is cut."""
    assert in_language("en", without_if, "If an argument starts") == "an argument starts"
    assert in_language("en", without_if, "if Maya is scared") == "Maya is scared"
    assert in_language("fr_CA", without_if, "Si la dispute commence") == "la dispute commence"
    assert in_language("fr_CA", without_if, "If an argument starts") == "an argument starts"
    for kept in ("Iffy weather", "If", "Maya is scared", "Sid calls"):
        assert in_language("en", without_if, kept) == kept
