"""The live benchmark at a tiny size: it runs end to end and its figures add up.

No timing is asserted: targets are measured by `make bench`, never by tests.
"""

from __future__ import annotations

import pytest

from bench import report
from bench.live import Load, run_live, with_floor

TINY = Load(meetings=2, participants=3, rate=2.0, seconds=2.0, drain=1.0, processes=1)


@pytest.fixture(scope="module")
def runs() -> tuple[dict, dict]:
    """The same tiny load on the bare floor and on fttm (eventlet, real server subprocesses)."""
    floor = run_live("eventlet", TINY, bare=True)
    return floor, with_floor(run_live("eventlet", TINY), floor)


def test_every_screen_gets_every_edit(runs):
    """Every screen of a meeting saw every other screen's edit: nothing lost, no errors."""
    for run in runs:
        assert run["sockets"] == 6
        assert run["edits_sent"] == 8  # 2 meetings x 2 edits/s x 2 s
        assert run["errors"] == {}
        assert run["deliveries_expected"] == 8 * 2  # each edit, to the 2 other screens
        assert run["deliveries_received"] == run["deliveries_expected"]
        assert run["deliveries_lost"] == 0


def test_figures_are_sane(runs):
    """Latencies are ordered percentiles, acks and memory were measured, ratios are computed."""
    floor, fttm = runs
    for run in runs:
        assert 0 < run["latency_p50_ms"] <= run["latency_p95_ms"] <= run["latency_p99_ms"]
        assert run["latency_p99_ms"] <= run["latency_max_ms"]
        assert 0 < run["ack_p50_ms"] <= run["ack_p95_ms"]
        assert run["server_rss_kib_after_sockets"] > 0
        assert run["stall_max_ms"] > 0
    assert fttm["server"] == "fttm" and floor["server"] == "bare"
    ratio = fttm["ratio_to_floor"]["latency_p95_ms"]
    assert ratio == round(fttm["latency_p95_ms"] / floor["latency_p95_ms"], 2)


def test_table_shows_each_run(runs):
    """The printed table has a column per run and the targets."""
    lines = report.live_table(list(runs))
    assert "bare eventlet" in lines[0] and "fttm eventlet" in lines[0]
    assert any(line.startswith("deliveries lost") and line.rstrip().endswith("0") for line in lines)
    assert any("<= 100" in line for line in lines)
