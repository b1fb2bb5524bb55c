"""Staff looking at a board without taking part (no participant row: an unsaved stand-in, as
fttm.live.viewer gives them, since looking writes nothing) still get their socket: the staff
rendering and pushes, but no "online" entry and no participant room; and once they take part,
the same socket stays theirs.
"""

from __future__ import annotations

import pytest

from fttm.board.models import Action
from fttm.extensions import db, socketio
from fttm.live import presence
from fttm.live.rooms import audience_room, console_room, rendering_room
from fttm.meetings.commands import end_meeting
from fttm.meetings.models import Meeting, Participant
from tests.helpers import AuthActions, count, latest_id, page_csrf
from tests.live_meeting import Screen, Socket

SECRET = "Probation visit on Thursday"  # a confidential strength's text


@pytest.fixture
def supervisor_browser(app, supervisor):
    """The team's supervisor, signed in on their own desktop."""
    browser = app.test_client()
    AuthActions(browser).login(supervisor)
    return browser


def _socket(live, browser) -> Socket:
    """A socket from `browser` for the live meeting."""
    socket = Socket(live.app, socketio, auth={"meeting": live.id}, flask_test_client=browser)
    live.sockets.append(socket)
    return socket


def _rooms(socket: Socket) -> set[str]:
    """The rooms the server put a test socket in (its own sid's room left out)."""
    sid = socketio.server.manager.sid_from_eio_sid(socket.eio_sid, "/")
    return set(socketio.server.rooms(sid, namespace="/")) - {sid}


def test_staff_looking_at_an_ended_meeting_they_never_joined_connect(
    live, supervisor, supervisor_browser
):
    """The supervisor reads a meeting that has ended (they never took part): their socket
    connects, follows the staff rendering, and nobody sees them "online"."""
    live.staff.add("strength", {"text": SECRET, "confidential": "1"})
    end_meeting(live.facilitator, db.session.get(Meeting, live.id))
    rows = count(Participant, meeting_id=live.id)

    socket = _socket(live, supervisor_browser)

    assert socket.is_connected()
    # A console's socket: the staff rendering (in its reader's language), and the consoles'
    # room (who waits, the wall).
    assert _rooms(socket) == {
        audience_room(live.id, "staff"),
        rendering_room(live.id, "staff", "en"),
        console_room(live.id, presenting=False),
        console_room(live.id, presenting=False, language="en"),
    }
    assert presence.online(live.id) == set()
    ack = socket.emit("board:sync", {"since": 0}, callback=True)
    assert ack == {"ok": True, "seq": live.seq()}
    [update] = socket.updates()
    assert SECRET in update["sections"]["strengths"]
    assert count(Participant, meeting_id=live.id) == rows
    socket.disconnect()


def test_staff_looking_at_a_live_meeting_without_joining_get_pushes_but_no_presence(
    live, maria, supervisor, supervisor_browser
):
    """The supervisor watching a live board without taking part has no participant row: the
    socket still connects to the staff room, catches up, gets pushes (confidential ones too) and
    can say which cell they are in; "Who is here" does not list them."""
    rows = count(Participant, meeting_id=live.id)
    maria_socket = live.socket(maria)
    online_before = presence.online(live.id)

    socket = _socket(live, supervisor_browser)

    assert socket.is_connected()
    assert count(Participant, meeting_id=live.id) == rows
    # A console's socket: the staff rendering (in its reader's language), and the consoles'
    # room (who waits, the wall).
    assert _rooms(socket) == {
        audience_room(live.id, "staff"),
        rendering_room(live.id, "staff", "en"),
        console_room(live.id, presenting=False),
        console_room(live.id, presenting=False, language="en"),
    }
    assert presence.online(live.id) == online_before
    assert maria_socket.received() == []  # no "who is here" push: nobody arrived
    assert socket.emit("board:sync", {"since": 0}, callback=True)["ok"] is True
    assert "strengths" in socket.updates()[0]["sections"]

    live.staff.add("strength", {"text": SECRET, "confidential": "1"})
    assert any(SECRET in str(update) for update in socket.updates())
    assert SECRET not in str(maria_socket.received())
    assert live.staff.add("action", {"what": "Call the school nurse"}).status_code == 200
    cell = f"action-{latest_id(Action)}-what"
    maria_socket.received()
    ack = socket.emit("board:editing", {"cell": cell, "editing": True}, callback=True)
    assert ack == {"ok": True}
    editing = {"cell": cell, "name": supervisor.name, "editing": True}
    assert maria_socket.received() == [("board:editing", editing)]

    socket.disconnect()
    assert presence.online(live.id) == online_before


def test_staff_who_take_part_later_keep_their_socket(live, supervisor, supervisor_browser):
    """The supervisor connected while only looking, then made a change (which makes them a
    participant): the same socket is still theirs, matched by their account, and they show as
    taking part to the others the next time they connect."""
    socket = _socket(live, supervisor_browser)
    assert socket.is_connected()
    page = supervisor_browser.get(f"/meetings/{live.id}/board/")
    screen = Screen(supervisor_browser, live.id, supervisor.name, page_csrf(page.get_data(True)))

    assert screen.add("strength", {"text": "Sam saw the family on Tuesday"}).status_code == 200

    assert count(Participant, meeting_id=live.id, user_id=supervisor.id) == 1
    assert socket.emit("board:sync", {"since": 0}, callback=True)["ok"] is True
    second = _socket(live, supervisor_browser)
    [row] = [p for p in db.session.get(Meeting, live.id).participants if p.user_id == supervisor.id]
    assert presence.online(live.id) >= {row.id}
    assert second.is_connected()
