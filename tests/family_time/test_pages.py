"""The pages of private family time hold together: no id twice, nothing pointing at nothing, and
each draft's Edit and Delete name the draft (as the board's own items do)."""

from __future__ import annotations

from collections import Counter

from tests.test_control_names import controls_of
from tests.test_page_ids import id_problems


def _private_time_with_drafts(live, maria, nan):
    assert live.staff.post(f"/meetings/{live.id}/family-time/start").status_code == 200
    assert maria.add("strength", {"text": "Maria reads to Leo"}).status_code == 200
    assert nan.add("worry", {"text": "Leo misses school"}).status_code == 200
    assert nan.add("action", {"what": "Nan drives Leo on Mondays"}).status_code == 200


def test_every_page_of_private_family_time_has_unique_ids(live, maria, nan):
    """Phone, console, presenting console and wall, while the family drafts."""
    _private_time_with_drafts(live, maria, nan)
    pages = {
        "phone": maria.board().get_data(as_text=True),
        "console": live.staff.board().get_data(as_text=True),
        "wall": live.staff.browser.get(f"/meetings/{live.id}/wall/").get_data(as_text=True),
        "panel": maria.browser.get(f"/meetings/{live.id}/family-time/panel").get_data(as_text=True),
    }
    live.staff_view(presenting=True)
    pages["presenting"] = live.staff.board().get_data(as_text=True)

    problems = {name: id_problems(html) for name, html in pages.items() if name != "panel"}

    assert {name: found for name, found in problems.items() if found} == {}
    assert "Start private family time" not in pages["console"]
    assert "Share the family's plan" in pages["console"]
    assert "End private family time without sharing" in pages["console"]


def test_each_drafts_controls_name_it(live, maria, nan):
    """On a phone, Edit and Delete say which draft; every name starts with its visible words."""
    _private_time_with_drafts(live, maria, nan)
    controls = controls_of(maria.board().get_data(as_text=True))

    names = Counter(name for _visible, name in controls)
    assert names["Edit draft strength: Maria reads to Leo"] == 1
    assert names["Delete draft action: Nan drives Leo on Mondays"] == 1
    assert ("Share our plan with the team", "Share our plan with the team") in controls
    drafts = [(v, n) for v, n in controls if "draft" in n]
    assert len(drafts) == 6
    assert all(n.lower().startswith(v.lower()) for v, n in drafts)
