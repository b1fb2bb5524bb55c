"""What the board's HTTP, joining and Socket.IO tests share: a live meeting with its facilitator at
the projector, phones that join it through the real pages, and sockets bound to their browsers.
"""

from __future__ import annotations

import contextvars
import json
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient

from fttm.auth.models import User
from fttm.board.items import KINDS
from fttm.board.models import SafetyRating
from fttm.core.recorder import last_seq
from fttm.extensions import db, socketio
from fttm.joining.commands import join_as_staff
from fttm.live import presence, rate_limit
from fttm.live import sockets as socket_events
from fttm.meetings.commands import start_meeting
from fttm.meetings.models import Meeting, Participant
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.conftest import csrf_token

XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
OWN_MEETING = object()  # a socket's auth data naming its screen's own meeting
HX_HEADERS = re.compile(r"hx-headers='(\{[^']*\})'")


def forget_live_state() -> None:
    """Forget who was online, which sockets were let in and how fast anyone wrote.

    These live in memory, per worker, and ids start again at 1 in each test's database.
    """
    rate_limit._recent.clear()
    socket_events._connections.clear()
    with presence._lock:
        presence._sockets.clear()


def page_csrf(page: str) -> str:
    """The CSRF token a page hands to htmx in the `hx-headers` of its <body>."""
    match = HX_HEADERS.search(page)
    assert match, "the page has no hx-headers"
    return json.loads(match.group(1))["X-CSRFToken"]


def count(model, **where) -> int:
    """How many rows of `model` match `where`, read fresh."""
    db.session.expire_all()
    query = sa.select(sa.func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def footprint(case_id: int) -> tuple:
    """Everything a change could write: rows of every board table, participants and events."""
    models = {kind.model for kind in KINDS.values()} | {SafetyRating, Participant}
    rows = tuple(sorted((model.__name__, count(model)) for model in models))
    return rows, count(TranscriptEvent, case_id=case_id), last_seq(case_id)


def latest_id(model) -> int:
    """The id of the newest row of `model`."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.max(model.id)))


def fresh(model, item_id: int):
    """A row as the database holds it now (after requests made in their own sessions)."""
    db.session.expire_all()
    return db.session.get(model, item_id)


def pushed(updates: list[dict], section: str) -> str:
    """Everything pushed of one section in some `board:update`s: its renderings and its items
    sent alone, one after the other.
    """
    parts = []
    for update in updates:
        parts.append(update.get("sections", {}).get(section, ""))
        parts += [item["html"] for item in update.get("items", []) if item["section"] == section]
    return "".join(parts)


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


def join_by_code(browser: FlaskClient, code: str, name: str, role: str = "parent", **fields):
    """Fill in and send the join form of a meeting, as a phone does; returns (response, token)."""
    token = csrf_token(browser, f"/join/{code}")
    data = {"csrf_token": token, "display_name": name, "role": role, "person_id": "", **fields}
    return browser.post(f"/join/{code}", data=data), token


def participant_named(meeting_id: int, name: str) -> Participant | None:
    """The participant of a meeting with this display name, read fresh."""
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Participant).where(
            Participant.meeting_id == meeting_id, Participant.display_name == name
        )
    )


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
        staff = participant_named(self.id, self.facilitator.name)
        self.staff.participant_id = staff.id if staff else None
        return self.staff

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


def meeting_row(meeting_id: int) -> Meeting:
    """The meeting as the database holds it now."""
    return fresh(Meeting, meeting_id)
