"""The hostile-phone benchmark at a tiny size: it runs end to end, the flooding phone is refused
with reasons, and the honest screens still get every edit.

No timing is asserted: the figures are measured by `python -m bench hostile`, never by tests.
"""

from __future__ import annotations

import pytest

from bench import report
from bench.hostile import hostile_runs
from bench.live import Load

TINY = Load(meetings=1, participants=3, rate=2.0, seconds=2.0, drain=1.0, processes=1)


@pytest.fixture(scope="module")
def hostile() -> dict:
    """The tiny load, calm and with one phone flooding (eventlet, real server subprocesses)."""
    return hostile_runs("eventlet", TINY, flood={"syncs_per_second": 40.0})


def test_the_honest_screens_get_every_edit_in_both_runs(hostile):
    """The extra phone is not one of the measured screens, and nothing is lost either way."""
    for run in (hostile["calm"], hostile["flooded"]):
        assert run["sockets"] == 3
        assert run["edits_sent"] == 4  # 1 meeting x 2 edits/s x 2 s
        assert run["errors"] == {}
        assert run["deliveries_received"] == run["deliveries_expected"] == 4 * 2
        assert run["hostile_meeting_latency_p95_ms"] == run["latency_p95_ms"]


def test_the_flood_is_sent_and_refused_with_reasons(hostile):
    """Only the flooded run floods; most of its catch-ups are refused, saying why."""
    assert hostile["calm"]["flood"] is None
    flood = hostile["flooded"]["flood"]
    assert flood["sync sent"] == 80  # 40/s for 2 s
    refused = flood.get("sync refused: Too many messages. Wait a moment.", 0)
    assert flood.get("sync answered", 0) < refused
    assert flood["editing sent"] == 100 and flood["add sent"] == 20


def test_the_table_compares_calm_and_flooded(hostile):
    """The printed table has both runs, their ratio and what the flood got."""
    lines = report.hostile_table(hostile)
    assert "calm" in lines[1] and "flooded" in lines[1]
    assert any(line.startswith("edit -> other screens p95 (ms)") for line in lines)
    assert any("flood: sync sent" in line for line in lines)
