"""A screen that (re)connects says what it holds, section by section, and is sent exactly what it
lacks: nothing when up to date, the one section it missed, the whole board when its numbers make
no sense here; a family screen only ever learns what its pushes would have told it.
"""

from __future__ import annotations

import json

import pytest

from fttm.board.models import Strength
from fttm.core.registry import board_sections
from fttm.extensions import db
from fttm.live import catch_up
from tests.helpers import latest_id

EVERY_SECTION = {"status", *board_sections()}
SECRET = "Nan was in hospital last month"
REFUSAL = "Reload the page to catch up."


def holding(seq: int, *, since: int | None = None, items: dict | None = None, **sections) -> dict:
    """What a screen says when it holds every section at `seq` (but those named at their own)."""
    held = {
        "since": max(seq, *sections.values(), seq) if since is None else since,
        "sections": {name: sections.get(name, seq) for name in EVERY_SECTION},
    }
    if items is not None:
        held["items"] = items
    return held


def sync(socket, held) -> tuple[dict, list[dict]]:
    """Ask to catch up: the answer, and the `board:update`s that came with it."""
    answer = socket.emit("board:sync", held, callback=True)
    return answer, socket.updates()


def test_a_screen_that_is_up_to_date_is_sent_nothing(live, maria, nan):
    """Maria's phone holds every section as it is now: it is told the number, and sent nothing."""
    assert nan.add("strength", {"text": "Nan cooks every Sunday"}).status_code == 200
    assert live.staff.add("action", {"what": "Maria calls the school nurse"}).status_code == 200
    socket, nan_socket = live.socket(maria), live.socket(nan)
    live.drain()

    answer, updates = sync(socket, holding(live.seq()))

    assert answer == {"ok": True, "seq": live.seq()}
    assert updates == []
    assert nan_socket.received() == []


def test_a_screen_that_missed_a_strength_is_sent_the_strengths_alone(live, maria, nan):
    """Maria's phone was away while Nan added a strength: it gets the strengths, nothing else."""
    socket = live.socket(maria)
    before = live.seq()
    assert nan.add("strength", {"text": "Nan cooks every Sunday"}).status_code == 200
    live.drain()  # the push of Nan's strength was lost on the way

    answer, [update] = sync(socket, holding(before))

    assert answer == {"ok": True, "seq": live.seq()}
    assert update["seq"] == live.seq()
    assert set(update["sections"]) == {"strengths"}
    assert "Nan cooks every Sunday" in update["sections"]["strengths"]


def test_a_screen_that_missed_a_lock_is_sent_the_status_bar_and_that_section(live, maria):
    """A lock changes the status bar and what the section offers: both come, nothing else."""
    socket = live.socket(maria)
    before = live.seq()
    locked = live.staff.post(f"/meetings/{live.id}/locks/strengths", {"locked": "1"})
    assert locked.status_code == 200
    live.drain()

    _answer, [update] = sync(socket, holding(before))

    assert set(update["sections"]) == {"status", "strengths"}


def test_a_strength_held_as_pushed_alone_is_not_sent_again(live, maria, nan):
    """The phone got Nan's strength pushed alone: saying so, it is sent nothing; without the item
    (say, it came before the page was loaded), the strengths come."""
    socket = live.socket(maria)
    before = live.seq()
    assert nan.add("strength", {"text": "Nan cooks every Sunday"}).status_code == 200
    [pushed] = socket.updates()
    [item] = pushed["items"]

    answer, updates = sync(
        socket, holding(before, since=pushed["seq"], items={item["id"]: pushed["seq"]})
    )
    assert answer["ok"] is True and updates == []

    _answer, [update] = sync(socket, holding(before, since=pushed["seq"], items={}))
    assert set(update["sections"]) == {"strengths"}


def test_crossed_pushes_still_converge(live, maria, nan):
    """Two changes made at once: the phone holds the newer push (the plan, after a new action)
    but the older one (Nan's strength) was lost with its server. It is sent the strengths."""
    socket = live.socket(maria)
    before = live.seq()
    assert nan.add("strength", {"text": "Nan cooks every Sunday"}).status_code == 200
    assert live.staff.add("action", {"what": "Maria calls the school nurse"}).status_code == 200
    newest = live.seq()
    live.drain()

    answer, [update] = sync(socket, holding(before, plan=newest))

    assert answer == {"ok": True, "seq": newest}
    assert set(update["sections"]) == {"strengths"}
    assert "Nan cooks every Sunday" in update["sections"]["strengths"]


def test_an_item_held_newer_does_not_stand_for_its_sections_older_push(live, maria, nan):
    """The phone holds a strength's newer edit (pushed alone) but missed the older push of the
    whole section (another strength deleted): it is sent the strengths."""
    assert nan.add("strength", {"text": "Nan cooks every Sunday"}).status_code == 200
    cooking = latest_id(Strength)
    assert maria.add("strength", {"text": "Maria reads to Leo"}).status_code == 200
    reading = latest_id(Strength)
    socket = live.socket(maria)
    before = live.seq()
    assert live.staff.flag("strength", cooking, "delete").status_code == 200
    edited = maria.edit(
        "strength", reading, {"text": "Maria reads to Leo at night", "base_version": "1"}
    )
    assert edited.status_code == 200
    live.drain()

    now = live.seq()
    _answer, [update] = sync(socket, holding(before, since=now, items={f"strength-{reading}": now}))

    assert set(update["sections"]) == {"strengths"}
    assert "Nan cooks every Sunday" not in update["sections"]["strengths"]


@pytest.mark.parametrize("case", ["database ahead", "section ahead", "old page", "too far behind"])
def test_numbers_that_make_no_sense_here_bring_the_whole_board(live, maria, monkeypatch, case):
    """A screen ahead of the database (restored from a backup), holding a section newer than the
    newest number it saw, from a page that names no sections, or behind by more changes than are
    worth reading: every section, at the database's number."""
    for number in range(3):
        assert maria.add("worry", {"text": f"Worry {number}"}).status_code == 200
    socket = live.socket(maria)
    live.drain()
    seq = live.seq()
    held = {
        "database ahead": holding(seq + 5),
        "section ahead": holding(seq - 1, since=seq - 1, strengths=seq),
        "old page": {"since": seq},
        "too far behind": holding(seq - 3),
    }[case]
    monkeypatch.setattr(catch_up, "MOST_EVENTS", 2)

    answer, [update] = sync(socket, held)

    assert answer == {"ok": True, "seq": seq}
    assert update["seq"] == seq
    assert set(update["sections"]) == EVERY_SECTION


@pytest.mark.parametrize(
    "held",
    [
        {"since": 3, "sections": "strengths"},
        {"since": 3, "sections": ["strengths"]},
        {"since": 3, "sections": {"gossip": 3}},
        {"since": 3, "sections": {"strengths": "3"}},
        {"since": 3, "sections": {"strengths": -1}},
        {"since": 3, "sections": {"strengths": True}},
        {"since": 3, "sections": {"strengths": 1.5}},
        {"since": 3, "sections": {"strengths": 2**70}},
        {"since": 3, "sections": {f"section-{n}": 0 for n in range(10_000)}},
        {"since": 3, "sections": {"strengths": 3}, "items": "strength-1"},
        {"since": 3, "sections": {"strengths": 3}, "items": {"strength-1": "3"}},
        {"since": 3, "sections": {"strengths": 3}, "items": {"strength-1": -3}},
        {"since": 3, "sections": {"strengths": 3}, "items": {"gossip-1": 3}},
        {"since": 3, "sections": {"strengths": 3}, "items": {"strength-99999999999999": 3}},
        {
            "since": 3,
            "sections": {"strengths": 3},
            "items": {f"strength-{n}": 3 for n in range(5000)},
        },
        {"since": 2**70, "sections": {"strengths": 3}},
    ],
)
def test_a_malformed_catch_up_request_is_refused_with_a_reason(live, maria, nan, held):
    """Nonsense in what a screen says it holds: a refusal saying what to do, nothing sent to
    anyone, and the phone stays connected."""
    socket, nan_socket = live.socket(maria), live.socket(nan)
    live.drain()

    answer = socket.emit("board:sync", held, callback=True)

    assert answer == {"ok": False, "error": REFUSAL}
    assert socket.received() == [] and nan_socket.received() == []
    assert socket.is_connected()


def test_a_family_screen_learns_nothing_of_confidential_changes(live, maria, nan):
    """A confidential strength is added and edited: the staff screen catching up gets it; a phone
    catching up from the same point gets nothing at all, as its pushes told it nothing. Then a
    strength everyone sees: the phone gets the family's strengths, without the secret."""
    staff_socket, socket = live.socket(live.staff), live.socket(maria)
    before = live.seq()
    added = live.staff.add("strength", {"text": SECRET, "confidential": "1"})
    assert added.status_code == 200
    secret = latest_id(Strength)
    edited = live.staff.edit("strength", secret, {"text": SECRET + " again", "base_version": "1"})
    assert edited.status_code == 200
    assert socket.received() == []  # the phone was pushed nothing
    live.drain()

    answer, updates = sync(socket, holding(before))
    assert answer["ok"] is True and updates == []
    _answer, [update] = sync(staff_socket, holding(before))
    assert set(update["sections"]) == {"strengths"}
    assert SECRET in update["sections"]["strengths"]

    assert nan.add("strength", {"text": "Nan cooks every Sunday"}).status_code == 200
    live.drain()
    _answer, [update] = sync(socket, holding(before))
    assert set(update["sections"]) == {"strengths"}
    assert "Nan cooks every Sunday" in update["sections"]["strengths"]
    assert SECRET not in json.dumps(update)
    assert "Make confidential" not in update["sections"]["strengths"]


def test_a_family_screen_is_told_when_a_strength_it_shows_is_made_confidential(live, maria):
    """The phone shows Maria's strength; staff make it confidential while the phone is away: the
    phone gets the family's strengths, without it."""
    assert maria.add("strength", {"text": SECRET}).status_code == 200
    strength = latest_id(Strength)
    socket = live.socket(maria)
    before = live.seq()
    assert live.staff.flag("strength", strength, "confidential").status_code == 200
    assert db.session.get(Strength, strength) is not None
    live.drain()

    _answer, [update] = sync(socket, holding(before))

    assert set(update["sections"]) == {"strengths"}
    assert SECRET not in json.dumps(update)


def test_a_console_up_to_date_is_still_told_about_its_screens(live):
    """Sent no section, a staff console catching up is still told who is waiting and whether a
    wall is open (what it may have missed that has no number)."""
    console = live.socket(live.staff, auth={"meeting": live.id, "screen": "console"})
    live.drain()

    answer = console.emit("board:sync", holding(live.seq()), callback=True)

    names = [name for name, _payload in console.received()]
    assert answer["ok"] is True
    assert "board:update" not in names
    assert "wall:presence" in names


def test_a_section_held_since_long_ago_does_not_bring_the_whole_board(live, maria, monkeypatch):
    """Late in a long meeting, the notes were never pushed to Maria's phone (they hold the page's
    number) while many other changes were. Reconnecting up to date, with more changes since the
    page than are worth reading, she is sent the notes alone (held from before the changes
    read), not the whole board; holding them newer, nothing."""
    page = live.seq()
    for number in range(4):
        assert maria.add("worry", {"text": f"Worry {number}"}).status_code == 200
    socket = live.socket(maria)
    live.drain()
    seq = live.seq()
    monkeypatch.setattr(catch_up, "MOST_EVENTS", 2)

    answer, [update] = sync(socket, holding(seq, notes=page))
    assert answer == {"ok": True, "seq": seq}
    assert set(update["sections"]) == {"notes"}

    _answer, updates = sync(socket, holding(seq, notes=seq - 2))
    assert updates == []
