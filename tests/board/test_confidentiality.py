"""Confidential items never leave the server toward a family device (DESIGN invariant 5): not in
the page, not in a fragment, not in a push, not in "is editing"; and family screens never show
who gave which safety rating.
"""

from __future__ import annotations

import json
import re

import pytest

from fttm.core.registry import KINDS, board_sections
from fttm.extensions import db
from fttm.family_map.models import Person
from tests import helpers
from tests.helpers import latest_id

SECRET = "Father on probation until May"
EVERY_SECTION = ("status", *board_sections())


def _goal(live) -> str:
    """A shared goal to hang objectives on; its id as the form sends it."""
    assert live.staff.add("goal", {"text": "Leo is safe at home"}).status_code == 200
    return str(latest_id(KINDS["goal"].model))


# kind, the form that adds it, the field holding the text
ITEMS = [
    ("strength", {"text": SECRET}),
    ("worry", {"text": SECRET, "need_domain": "safety"}),
    ("goal", {"text": SECRET}),
    ("objective", {"text": SECRET, "goal_id": _goal}),
    ("action", {"what": SECRET}),
    ("safety_step", {"kind": "proactive", "text": SECRET, "when": "Every evening"}),
    ("safety_step", {"kind": "reactive", "trigger": "Dad visits", "text": SECRET}),
    ("note", {"text": SECRET}),
]


def _add(live, kind: str, form: dict) -> int:
    """The facilitator adds an item; its id."""
    data = {name: value(live) if callable(value) else value for name, value in form.items()}
    response = live.staff.add(kind, data)
    assert response.status_code == 200, response.get_data(as_text=True)
    return latest_id(KINDS[kind].model)


def _leaks(text: str, kind: str, item_id: int) -> list[str]:
    """What in `text` gives a confidential item away: its words, or its element on the board."""
    found = [SECRET] if SECRET in text else []
    if re.search(rf'id="{kind}-{item_id}"|data-cell="{kind}-{item_id}-', text):
        found.append(f"{kind}-{item_id}")
    return found


def _everything_seen_by(phone) -> str:
    """The whole board as a phone can fetch it: the page and every section fragment."""
    pages = [phone.board().get_data(as_text=True)]
    for name in EVERY_SECTION:
        response = phone.section(name)
        assert response.status_code == 200, name
        pages.append(response.get_data(as_text=True))
    return "\n".join(pages)


ITEM_IDS = [
    "strength",
    "worry",
    "goal",
    "objective",
    "action",
    "proactive-step",
    "reactive-step",
    "note",
]


@pytest.mark.parametrize(("kind", "form"), ITEMS, ids=ITEM_IDS)
def test_a_confidential_item_never_reaches_a_family_device(live, maria, nan, kind, form):
    """Once marked confidential, an item is in every staff rendering and in no family one."""
    section = KINDS[kind].section
    item_id = _add(live, kind, form)
    family_sockets = [live.socket(maria), live.socket(nan)]
    staff_socket = live.socket(live.staff)
    live.drain()

    marked = live.staff.flag(kind, item_id, "confidential")

    assert marked.status_code == 200
    assert SECRET in marked.get_data(as_text=True)
    assert "Confidential: staff only" in marked.get_data(as_text=True)
    [staff_update] = staff_socket.updates()
    assert SECRET in staff_update["sections"][section]
    # Everything else a family device can be sent or fetch, while the meeting goes on.
    assert maria.add("strength", {"text": "Maria laughs with Leo"}).status_code == 200
    assert maria.rate("6").status_code == 200
    if kind == "action":
        staff_socket.emit(
            "board:editing", {"cell": f"action-{item_id}-what", "editing": True}, callback=True
        )
        refused = maria.edit(kind, item_id, {"what": "mine now", "base_version": "0"})
    else:
        refused = maria.edit(kind, item_id, {"text": "mine now", "base_version": "2"})
    # Notes are the facilitator's alone; every other item is simply not there for the family.
    expected = 403 if kind == "note" else 404
    assert refused.status_code == expected
    assert maria.flag(kind, item_id, "delete").status_code == expected
    if expected == 404:
        assert "That is no longer on the board." in refused.get_data(as_text=True)
    for socket in family_sockets:
        ack = socket.emit("board:sync", {"since": 0}, callback=True)
        assert ack["ok"] is True
        received = json.dumps(socket.received())
        assert "board:update" in received
        assert _leaks(received, kind, item_id) == []
    for phone in (maria, nan):
        assert _leaks(_everything_seen_by(phone), kind, item_id) == []
    assert SECRET in _everything_seen_by(live.staff)
    assert SECRET in live.staff.section(section).get_data(as_text=True)


@pytest.mark.parametrize("kind", ["strength", "action"])
def test_sharing_an_item_again_brings_it_back_to_family_screens(live, maria, kind):
    """The facilitator shares a confidential item again: phones get it pushed and see it."""
    item_id = _add(live, kind, {"what" if kind == "action" else "text": SECRET})
    assert live.staff.flag(kind, item_id, "confidential").status_code == 200
    maria_socket = live.socket(maria)
    live.drain()
    assert SECRET not in maria.section(KINDS[kind].section).get_data(as_text=True)

    shared = live.staff.flag(kind, item_id, "share")

    assert shared.status_code == 200
    [update] = maria_socket.updates()
    assert SECRET in update["sections"][KINDS[kind].section]
    assert SECRET in maria.board().get_data(as_text=True)


def test_a_confidential_strength_of_a_phone_is_gone_from_its_own_phone(live, maria):
    """Even the parent who typed it: once confidential, her phone neither sees nor changes it."""
    assert maria.add("strength", {"text": SECRET}).status_code == 200
    item_id = latest_id(KINDS["strength"].model)
    assert live.staff.flag("strength", item_id, "confidential").status_code == 200
    before = helpers.footprint(live.case.id)

    for response in (
        maria.edit("strength", item_id, {"text": "Changed", "base_version": "2"}),
        maria.flag("strength", item_id, "delete"),
    ):
        assert response.status_code == 404
        assert SECRET not in response.get_data(as_text=True)

    assert helpers.footprint(live.case.id) == before
    assert SECRET not in _everything_seen_by(maria)


def test_family_screens_never_show_who_gave_which_safety_rating(live, maria, nan):
    """Phones see how many rated and the spread; only staff see "Maria: 3"."""
    maria_socket, staff_socket = live.socket(maria), live.socket(live.staff)
    live.drain()

    own = maria.rate("3")
    assert nan.rate("8").status_code == 200

    assert own.status_code == 200
    family_renderings = [own.get_data(as_text=True)]
    family_renderings += [u["sections"]["safety_scale"] for u in maria_socket.updates()]
    family_renderings.append(nan.section("safety_scale").get_data(as_text=True))
    family_renderings.append(maria.board().get_data(as_text=True))
    for html in family_renderings:
        assert 'id="section-safety_scale"' in html
        assert "Who gave which rating" not in html
        assert not re.search(r"(Maria|Nan)\s*:\s*\d", html)
    assert "2 people have rated." in family_renderings[-2]
    staff_renderings = [live.staff.section("safety_scale").get_data(as_text=True)]
    staff_renderings += [u["sections"]["safety_scale"] for u in staff_socket.updates()][-1:]
    for html in staff_renderings:
        assert "Maria: 3" in html and "Nan: 8" in html


@pytest.mark.parametrize("field", ["person_id", "who"])
def test_a_phone_cannot_refer_to_a_confidential_person(live, maria, field):
    """People kept from family screens are not offered to phones, nor accepted from them."""
    hidden = Person(case_id=live.case.id, name="Uncle Kept Apart", confidential=True)
    db.session.add(hidden)
    db.session.commit()
    before = helpers.footprint(live.case.id)

    if field == "who":
        response = maria.add("action", {"what": "Visit on Sunday", "who": f"person:{hidden.id}"})
    else:
        response = maria.add("strength", {"text": "He helps", "person_id": str(hidden.id)})

    assert response.status_code == 400
    assert "Choose from the list." in response.get_data(as_text=True)
    assert helpers.footprint(live.case.id) == before
