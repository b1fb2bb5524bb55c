"""The wall and the console: what is projected is rendered for the room, the console presents by
default while the meeting is live and no wall is open, and the facilitator steers the wall.
"""

from __future__ import annotations

import json

import pytest

from fttm.board.models import Note, Strength
from fttm.meetings.models import ParticipantStatus
from fttm.transcript.sentences import sentence
from tests.helpers import (
    latest_id,
    meeting_row,
    page_csrf,
    participant_named,
    transcript_events,
)
from tests.security.helpers import sign_in

SECRET = "Uncle Ray is on the sex offender registry"  # a confidential strength's words
STAFF_NOTE = "Supervisor says: check the CPS history first"  # a confidential note's words
ROOM = {"FTTM-Screen": "room"}


@pytest.fixture
def secrets_on_board(live, maria, nan):
    """A shared strength, a confidential one, a confidential (staff) note, and two ratings."""
    assert live.staff.add("strength", {"text": "Grandma cooks every Sunday"}).status_code == 200
    assert live.staff.add("strength", {"text": SECRET}).status_code == 200
    assert live.staff.flag("strength", latest_id(Strength), "confidential").status_code == 200
    assert live.staff.add("note", {"text": STAFF_NOTE}).status_code == 200
    assert live.staff.flag("note", latest_id(Note), "confidential").status_code == 200
    assert maria.rate("4").status_code == 200
    assert nan.rate("7").status_code == 200
    return live


def _wall_socket(live):
    """The facilitator's browser opening the wall's socket."""
    return live.socket(live.staff, auth={"meeting": live.id, "screen": "wall"})


def _staff_only_parts(text: str) -> list[str]:
    """What in `text` only staff may see: confidential words, who gave which rating."""
    found = [words for words in (SECRET, STAFF_NOTE) if words in text]
    if "who-rated" in text or "Who gave which rating" in text or "Maria: 4" in text:
        found.append("who rated what")
    if "Confidential: staff only" in text:
        found.append("confidential mark")
    return found


def test_the_wall_page_shows_the_room_nothing_staff_only(secrets_on_board):
    """The facilitator opens the wall: shared items are there, confidential ones and the staff
    note are not, nor who gave which rating; it has the meeting's join code while joining."""
    live = secrets_on_board
    page = live.staff.browser.get(f"/meetings/{live.id}/wall/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Grandma cooks every Sunday" in html
    assert _staff_only_parts(html) == []
    assert 'data-screen="wall"' in html
    assert live.code in html.replace(" ", "") or meeting_row(live.id).join_code in html


def test_the_wall_socket_gets_the_rooms_pushes_and_catch_up(secrets_on_board, maria):
    """Everything the wall's socket receives (pushes, catch-up, its focus) holds nothing
    staff-only, while staff screens get the confidential parts."""
    live = secrets_on_board
    wall, console = _wall_socket(live), live.socket(live.staff)
    live.drain()
    added = live.staff.add("strength", {"text": f"{SECRET} (again)", "confidential": "1"})
    assert added.status_code == 200
    assert maria.add("strength", {"text": "Maria walks Leo to school"}).status_code == 200
    assert wall.emit("board:sync", {"since": 0}, callback=True)["ok"] is True
    received = json.dumps(wall.received())
    assert "Maria walks Leo to school" in received
    assert _staff_only_parts(received) == []
    assert "wall:view" in received
    assert SECRET in json.dumps(console.received())


def test_a_wall_asking_for_fragments_gets_the_rooms_rendering(secrets_on_board):
    """A fragment asked from a room screen (the header its pages send) is the room's."""
    live = secrets_on_board
    for name in ("strengths", "notes", "safety_scale", "status"):
        response = live.staff.browser.get(
            f"/meetings/{live.id}/board/sections/{name}", headers={"HX-Request": "true", **ROOM}
        )
        assert response.status_code == 200
        assert _staff_only_parts(response.get_data(as_text=True)) == []
    staff_view = live.staff.section("strengths").get_data(as_text=True)
    assert SECRET in staff_view


def _console_without_choice(live):
    """The facilitator signed in on another browser, which has not chosen whether to present."""
    browser = live.app.test_client()
    sign_in(browser, live.facilitator)
    return browser


def test_the_console_presents_by_default_while_live_and_no_wall_is_open(secrets_on_board):
    """With no wall open, the live meeting's console is rendered for the room; stopping takes a
    deliberate click, and then a banner says the room may see this screen."""
    live = secrets_on_board
    browser = _console_without_choice(live)
    html = browser.get(f"/meetings/{live.id}/board/").get_data(as_text=True)
    assert 'data-screen="presenting"' in html
    assert _staff_only_parts(html) == []
    assert "Stop presenting" in html
    csrf = page_csrf(html)
    stopped = browser.post(
        f"/meetings/{live.id}/board/presenting",
        data={"presenting": "0"},
        headers={"X-CSRFToken": csrf},
    )
    assert stopped.status_code == 302
    html = browser.get(f"/meetings/{live.id}/board/").get_data(as_text=True)
    assert 'data-screen="console"' in html
    assert SECRET in html
    assert "If this screen is projected, the room can see confidential items" in html


def test_an_open_wall_makes_the_console_the_staff_view(live):
    """While a wall window is open, a console that has not chosen shows the staff view."""
    browser = _console_without_choice(live)
    wall = _wall_socket(live)
    assert wall.is_connected()
    html = browser.get(f"/meetings/{live.id}/board/").get_data(as_text=True)
    assert 'data-screen="console"' in html
    wall.disconnect()
    html = browser.get(f"/meetings/{live.id}/board/").get_data(as_text=True)
    assert 'data-screen="presenting"' in html


def test_the_facilitator_steers_the_wall_and_each_move_is_recorded(live):
    """Focus moves to a section, then the family map's ecomap, zoomed in and panned; walls are
    told each move; each is in the transcript; "fit" brings the whole drawing back."""
    wall = _wall_socket(live)
    live.drain()
    url = f"/meetings/{live.id}/wall/steer"
    assert live.staff.post(url, {"focus": "strengths"}).status_code == 200
    assert live.staff.post(url, {"drawing": "ecomap"}).status_code == 200
    assert live.staff.post(url, {"step": "in"}).status_code == 200
    answer = live.staff.post(url, {"step": "right"})
    assert answer.status_code == 200
    assert 'aria-pressed="true">Ecomap' in answer.get_data(as_text=True).replace("\n", "")
    views = [payload for name, payload in wall.received() if name == "wall:view"]
    assert [view["focus"] for view in views] == [
        "strengths",
        "family_map",
        "family_map",
        "family_map",
    ]
    assert views[-1] == {
        "focus": "family_map",
        "drawing": "ecomap",
        "zoom": 140,
        "x": 20,
        "y": 0,
        "language": "en",
    }
    meeting = meeting_row(live.id)
    assert (meeting.wall_focus, meeting.wall_zoom, meeting.wall_pan_x) == ("family_map", 140, 20)
    steered = transcript_events(live.case.id, kind="meeting.wall_steered")
    told = [sentence(event) for event in steered]
    endings = (
        "showed “What's working well” on the wall",
        "showed the ecomap on the wall",
        "zoomed or moved the family map on the wall",
        "zoomed or moved the family map on the wall",
    )
    assert len(told) == len(endings)
    assert all(line.endswith(ending) for line, ending in zip(told, endings, strict=True)), told
    assert live.staff.post(url, {"step": "fit"}).status_code == 200
    meeting = meeting_row(live.id)
    assert (meeting.wall_zoom, meeting.wall_pan_x, meeting.wall_pan_y) == (100, 0, 0)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"focus": "payroll"}, "The wall cannot show that."),
        ({"drawing": "floorplan"}, "Choose the genogram or the ecomap."),
        ({"step": "sideways"}, "The wall cannot move that way."),
    ],
)
def test_steering_the_wall_somewhere_it_cannot_go_says_why_and_saves_nothing(live, form, message):
    """A forged steering form is answered with a clear message; the wall does not move."""
    before = transcript_events(live.case.id)
    answer = live.staff.post(f"/meetings/{live.id}/wall/steer", form)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert transcript_events(live.case.id) == before
    assert meeting_row(live.id).wall_focus == "overview"


def test_a_phone_can_neither_open_the_wall_nor_steer_it(live, maria):
    """The wall and its steering are the facilitator's: a family phone gets no wall."""
    assert maria.browser.get(f"/meetings/{live.id}/wall/").status_code in (302, 403, 404)
    answer = maria.post(f"/meetings/{live.id}/wall/steer", {"focus": "worries"})
    assert answer.status_code in (302, 403, 404)
    assert meeting_row(live.id).wall_focus == "overview"
    socket = live.socket(maria, auth={"meeting": live.id, "screen": "wall"})
    assert socket.is_connected()
    assert socket.emit("board:sync", {"since": 0}, callback=True)["ok"] is True
    assert "wall:view" not in json.dumps(socket.received())


def test_admitting_everyone_with_the_code_lets_in_those_already_waiting(live):
    """Two phones wait; "admit everyone with the code" lets both in, each with its event."""
    walter = live.phone("Walter", "friend", admit=False)
    rex = live.phone("Rex", "relative", admit=False)
    answer = live.staff.post(f"/meetings/{live.id}/settings/admit_everyone", {"value": "1"})
    assert answer.status_code == 200
    for phone in (walter, rex):
        assert participant_named(live.id, phone.name).status == ParticipantStatus.ADMITTED
        assert phone.board().status_code == 200
    assert len(transcript_events(live.case.id, kind="participant.admitted")) == 2


def test_the_console_banner_names_who_is_waiting_but_a_presenting_one_only_counts(live):
    """Staff console: each waiting phone by name with Let in; presenting: only how many."""
    live.phone("Walter Zed", "friend", admit=False)
    html = live.staff.board().get_data(as_text=True)
    banner = html[html.index('id="waiting-banner"') :]
    banner = banner[: banner.index("</div>")]
    assert "1 person is waiting to join." in banner
    assert "Walter Zed" in banner and "Let in Walter Zed" in banner
    live.staff_view(presenting=True)
    html = live.staff.board().get_data(as_text=True)
    assert "1 person is waiting to join." in html
    assert "Walter Zed" not in html


def test_a_console_catching_up_learns_whether_a_wall_is_open(live):
    """A console that was away when a wall opened or closed is told on its catch-up, so one that
    follows the default can show the staff view or present again."""
    console = live.socket(live.staff, auth={"meeting": live.id, "screen": "console"})
    wall = _wall_socket(live)
    console.received()
    assert console.emit("board:sync", {"since": live.seq()}, callback=True)["ok"] is True
    assert ("wall:presence", {"open": True}) in console.received()
    wall.disconnect()
    assert console.emit("board:sync", {"since": live.seq()}, callback=True)["ok"] is True
    assert ("wall:presence", {"open": False}) in console.received()
