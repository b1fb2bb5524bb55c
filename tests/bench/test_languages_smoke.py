"""The bilingual benchmark at a tiny size: French phones get French renderings, English ones
English, and the report shows both p95s and the growth.

No timing is asserted: the 10% target is measured by `make bench`, never by tests.
"""

from __future__ import annotations

import pytest

from bench import report
from bench.live import Load, languages

TINY = Load(meetings=1, participants=5, rate=2.0, seconds=2.0, drain=1.0, processes=1)


@pytest.fixture(scope="module")
def result() -> dict:
    """The tiny load in English, then with every other phone in French (eventlet)."""
    return languages("eventlet", TINY)


def test_french_phones_receive_french(result):
    """In the bilingual run, each French phone received French labels and no English ones; each
    English screen the reverse. In the English run, nobody got French."""
    words = result["bilingual"]["words"]
    assert result["bilingual"]["french_phones"] == 2
    assert len(words) == 5
    for screen in words:
        ours, theirs = (
            (">Supprimer<", ">Delete<") if screen["french"] else (">Delete<", ">Supprimer<")
        )
        assert screen.get(ours, 0) > 0 and screen.get(theirs, 0) == 0, screen
    for screen in result["english"]["words"]:
        assert not screen["french"] and screen.get(">Supprimer<", 0) == 0, screen


def test_both_runs_deliver_everything(result):
    """No edit lost in either run."""
    for run in (result["english"], result["bilingual"]):
        assert run["errors"] == {}
        assert run["deliveries_received"] == run["deliveries_expected"] > 0


def test_report_shows_both_p95s_and_growth(result):
    """The table has both p95s and the growth against the 10% target."""
    lines = report.languages_table(result)
    p95 = next(line for line in lines if line.startswith("p95 ms"))
    assert str(result["english"]["latency_p95_ms"]) in p95
    assert str(result["bilingual"]["latency_p95_ms"]) in p95
    one, two = result["english"]["latency_p95_ms"], result["bilingual"]["latency_p95_ms"]
    assert result["p95_growth_percent"] == round((two - one) / one * 100, 1)
    assert any("<= 10 %" in line for line in lines)
