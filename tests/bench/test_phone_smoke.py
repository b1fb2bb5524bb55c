"""The phone measurement at a tiny size: a joined phone opens a one-meeting server's board in
Chromium, new and then returning, and its figures add up.

No timing is asserted: targets are measured by `make bench`, never by tests.
"""

from __future__ import annotations

import pytest

from bench import report
from bench.phone import Network, phone_pages

QUICK = Network(latency_ms=20, kbit_per_s=100_000, cpu_slowdown=1)


@pytest.fixture(scope="module")
def phone() -> dict:
    """One phone on a quick network, against an empty meeting (not the demo's families)."""
    return phone_pages(runs=1, network=QUICK, demo=False)


@pytest.mark.browser
def test_a_new_phone_downloads_the_board_and_its_scripts(phone):
    new = phone["new"]
    assert new["interactive_ms"] is not None and new["first_paint_ms"] is not None
    # interactive is marked inside a DOMContentLoaded handler: after the event starts
    assert new["dom_content_loaded_ms"] <= new["interactive_ms"]
    paths = [request["path"] for request in new["requests_detail"]]
    assert any(path.endswith("/board/") for path in paths)
    assert any(path.endswith("/js/main.js") for path in paths)
    assert new["bytes"] > 20_000 and new["requests"] == len(paths)


@pytest.mark.browser
def test_a_returning_phone_takes_every_static_file_from_its_cache(phone):
    returning = phone["returning"]
    assert returning["interactive_ms"] is not None
    static = [r for r in returning["requests_detail"] if r["path"].startswith("/static/")]
    assert static and all(r["bytes"] == 0 for r in static)  # not even a revalidation
    assert returning["bytes"] < phone["new"]["bytes"] / 2


@pytest.mark.browser
def test_the_table_shows_both_visits_against_the_targets(phone):
    lines = report.phone_table(phone)
    assert "new" in lines[1] and "returning" in lines[1]
    assert any(line.startswith("interactive (ms)") for line in lines)
    assert "< 3000 ms" in lines[-1] and "< 1500 ms" in lines[-1]
