"""A live meeting over HTTP and Socket.IO, as the board's, joining and socket tests hold it: the
facilitator at the projector, phones that join through the real pages, and sockets bound to their
browsers.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient

from fttm.auth.models import User
from fttm.core.recorder import last_seq
from fttm.extensions import socketio
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import start_meeting
from tests import factories
from tests.helpers import AuthActions, join_by_code, page_csrf, participant_named

OWN_MEETING = object()  # a socket's auth data naming its screen's own meeting


class Socket(SocketIOTestClient):
    """A Socket.IO test client whose events each run in a fresh context, as on a real server.

    The test holds an app context open: without this, socket handlers would share the test's
    database session and could read rows it cached before an HTTP request changed them.
    """

    def connect(self, *args, **kwargs):
        """Open the connection (the server's connect handler decides)."""
        return contextvars.Context().run(super().connect, *args, **kwargs)

    def disconnect(self, *args, **kwargs):
        """Close the connection, as a phone does when it leaves."""
        return contextvars.Context().run(super().disconnect, *args, **kwargs)

    def emit(self, *args, **kwargs):
        """Send an event; with `callback=True`, return the server's acknowledgement."""
        return contextvars.Context().run(super().emit, *args, **kwargs)

    def received(self) -> list[tuple[str, object]]:
        """Every event received since the last call, as (name, payload).

        Unlike `get_received`, this also works once the server has cut the connection.
        """
        got, self.queue = self.queue, []
        return [(packet["name"], packet["args"][0] if packet["args"] else None) for packet in got]

    def updates(self) -> list[dict]:
        """The `board:update` payloads received since the last call (other events dropped)."""
        return [payload for name, payload in self.received() if name == "board:update"]


@dataclass
class Screen:
    """Someone's browser in a meeting: the facilitator's projector, or a family member's phone."""

    browser: FlaskClient
    meeting_id: int
    name: str
    csrf: str
    participant_id: int | None = None

    @property
    def base(self) -> str:
        """Where this meeting's board lives."""
        return f"/meetings/{self.meeting_id}/board"

    def board(self):
        """Open the whole board page."""
        return self.browser.get(f"{self.base}/")

    def section(self, name: str):
        """Fetch one section's fragment, as htmx does."""
        return self.browser.get(f"{self.base}/sections/{name}", headers={"HX-Request": "true"})

    def post(self, path: str, data: dict | None = None, *, key: str | None = None, **headers):
        """An htmx POST with the page's CSRF header (and an idempotency key when given)."""
        sent = {"X-CSRFToken": self.csrf, "HX-Request": "true", **headers}
        if key is not None:
            sent["Idempotency-Key"] = key
        return self.browser.post(path, data=data or {}, headers=sent)

    def add(self, kind: str, data: dict, **kwargs):
        """Add an item through its section's quick-add form."""
        return self.post(f"{self.base}/items/{kind}", data, **kwargs)

    def edit(self, kind: str, item_id: int, data: dict, **kwargs):
        """Save an edit of an item (or one cell of an action)."""
        return self.post(f"{self.base}/items/{kind}/{item_id}", data, **kwargs)

    def flag(self, kind: str, item_id: int, what: str, **kwargs):
        """Delete, restore, make confidential or share an item."""
        return self.post(f"{self.base}/items/{kind}/{item_id}/{what}", **kwargs)

    def rate(self, score: str, **kwargs):
        """Give a safety rating."""
        return self.post(f"{self.base}/rating", {"score": score}, **kwargs)


class LiveMeeting:
    """A meeting of a fresh case, its facilitator at the projector, and phones brought in."""

    def __init__(self, app: Flask, staff_browser: FlaskClient, facilitator: User, **case):
        self.app = app
        self.facilitator = facilitator
        self.case = factories.make_case(facilitator, **case)
        self.meeting = factories.make_meeting(facilitator, self.case)
        self.sockets: list[Socket] = []
        self.staff = Screen(staff_browser, self.meeting.id, facilitator.name, csrf="")

    @property
    def id(self) -> int:
        """The meeting's id."""
        return self.meeting.id

    @property
    def code(self) -> str:
        """The meeting's join code."""
        return self.meeting.join_code

    def start(self) -> LiveMeeting:
        """Start the meeting and put the facilitator (signed in on `staff_browser`) at the board;
        starting it makes them take part, as the meeting page's Start button does.
        """
        start_meeting(self.facilitator, self.meeting)
        join_as_staff(self.facilitator, self.meeting)
        self.staff_arrives()
        return self

    def staff_arrives(self) -> Screen:
        """The facilitator opens the board: their page gives the CSRF token (looking writes
        nothing: they take part if they started the meeting or once they change something).
        """
        page = self.staff.board()
        assert page.status_code == 200, page.status_code
        self.staff.csrf = page_csrf(page.get_data(as_text=True))
        self.staff_view()
        staff = participant_named(self.id, self.facilitator.name)
        self.staff.participant_id = staff.id if staff else None
        return self.staff

    def staff_view(self, presenting: bool = False) -> None:
        """The facilitator's console shows the staff view (a deliberate click: a live meeting's
        console presents to the room by default while no wall is open), or presents again."""
        answer = self.staff.browser.post(
            f"{self.staff.base}/presenting",
            data={"presenting": "1" if presenting else "0"},
            headers={"X-CSRFToken": self.staff.csrf},
        )
        assert answer.status_code == 302, answer.status_code

    def seq(self) -> int:
        """The sequence number of the case's latest change."""
        return last_seq(self.case.id)

    def phone(self, name: str, role: str = "parent", *, admit: bool = True, **fields) -> Screen:
        """A new phone joins by code through the join page; the facilitator lets it in."""
        browser = self.app.test_client()
        response, token = join_by_code(browser, self.code, name, role, **fields)
        assert response.status_code == 302, response.get_data(as_text=True)
        participant = participant_named(self.id, name)
        phone = Screen(browser, self.id, name, csrf=token, participant_id=participant.id)
        if admit:
            assert self.admit(phone).status_code == 200
        return phone

    def admit(self, phone: Screen):
        """The facilitator lets a waiting phone in."""
        return self.staff.post(f"/meetings/{self.id}/participants/{phone.participant_id}/admit")

    def remove(self, phone: Screen):
        """The facilitator removes someone from the meeting."""
        return self.staff.post(f"/meetings/{self.id}/participants/{phone.participant_id}/remove")

    def socket(
        self, screen: Screen, *, auth: object = OWN_MEETING, headers: dict | None = None, drain=True
    ) -> Socket:
        """Open a socket from this screen's browser (cookies and session included) for a meeting.

        With `drain`, what the connection itself brought (presence) is read and dropped.
        """
        socket = Socket(
            self.app,
            socketio,
            auth={"meeting": screen.meeting_id} if auth is OWN_MEETING else auth,
            headers=headers,
            flask_test_client=screen.browser,
        )
        self.sockets.append(socket)
        if drain:
            socket.received()
        return socket

    def drain(self) -> None:
        """Forget everything the sockets received so far."""
        for socket in self.sockets:
            socket.received()

    def close(self) -> None:
        """Close every socket still open, so no presence outlives the test."""
        for socket in self.sockets:
            if socket.is_connected():
                socket.disconnect()


def outsider(app: Flask) -> Screen:
    """A signed-in caseworker of another team, in their own browser."""
    user = factories.make_user(team=factories.make_team(), name="Otto Other")
    browser = app.test_client()
    AuthActions(browser).login(user)
    return Screen(browser, 0, user.name, csrf="")
