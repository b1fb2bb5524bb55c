"""What the security tests share: unique words to type, devices with their browsers and sockets,
and the checks that nothing reaches a device it must not, that a refused change saves nothing,
and that the transcript still replays to the board.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fttm import create_app
from fttm.auth.models import User
from fttm.board.models import SafetyRating
from fttm.cases.models import Case
from fttm.core.registry import REPLAYED_MODELS
from fttm.extensions import db, socketio
from fttm.family_map.models import EcomapConnection, Person
from fttm.meetings.models import Meeting, Participant
from fttm.transcript.models import TranscriptEvent
from fttm.transcript.replay import current_board, undo
from tests import factories
from tests.helpers import page_csrf
from tests.live_meeting import LiveMeeting, Screen, Socket

# Every text typed in these tests is one of these words, each used once: finding one in what a
# device was sent says exactly which row (or whose name) reached it.
MARKER = re.compile(r"Zq\d{5}w")
# The field that holds what people typed, by kind of row.
TEXT_FIELD = {
    "strength": "text",
    "worry": "text",
    "goal": "text",
    "objective": "text",
    "action": "what",
    "safety_step": "text",
    "note": "text",
    "person": "name",
    "household": "name",
    "ecomap_connection": "system_name",
    "relationship": "note",
}


class Markers:
    """Hands out unique words, numbered from `start`."""

    def __init__(self, start: int = 1):
        self.number = start

    def next(self) -> str:
        """A word typed nowhere else."""
        self.number += 1
        return f"Zq{self.number - 1:05d}w"


def markers_in(text: str) -> set[str]:
    """The unique words in a text."""
    return set(MARKER.findall(text))


def sign_in(browser: FlaskClient, user: User) -> None:
    """Sign a staff member in through the real login form."""
    token = page_csrf(browser.get("/login").get_data(as_text=True))
    answer = browser.post(
        "/login",
        data={"csrf_token": token, "email": user.email, "password": factories.PASSWORD},
    )
    assert answer.status_code == 302, answer.status_code


def sent_text(response) -> str:
    """Every byte a response carries to its device: status, headers and body."""
    body = response.get_data().decode("utf-8", errors="replace")
    return f"{response.status}\n{response.headers}\n{body}"


def socket_text(received: list) -> str:
    """Events a socket received (or an acknowledgement), as text."""
    return json.dumps(received, default=str)


# ---- Devices ----


@dataclass
class Device:
    """A browser in the tests: whose it is, which meeting's board it points at, its socket."""

    name: str
    screen: Screen
    family: bool
    case_id: int  # the case whose meeting it belongs to
    follows: int | None = None  # the meeting its socket follows, when it has one
    # A staff browser as a screen the room sees ("wall", or a "presenting" console): its
    # requests and its socket say so, and it must be sent what a family device is, no more.
    room_screen: str | None = None
    socket: Socket | None = None
    # what it was sent during the current step: (what sent it, every byte of it as text)
    seen: list[tuple[str, str]] = field(default_factory=list)

    @property
    def browser(self) -> FlaskClient:
        """The device's cookie jar."""
        return self.screen.browser

    def collect(self) -> None:
        """Note what its socket received since last asked."""
        if self.socket is not None:
            for name, payload in self.socket.received():
                self.seen.append((f"socket event {name}", socket_text([name, payload])))

    def take_seen(self) -> list[tuple[str, str]]:
        """Everything it was sent this step (and forget it)."""
        self.collect()
        seen, self.seen = self.seen, []
        return seen


def where_found(seen: list[tuple[str, str]], words: set[str]) -> list[str]:
    """What sent each of the words, with a little of the text around it."""
    found = []
    for source, text in seen:
        for word in sorted(words):
            at = text.find(word)
            if at >= 0:
                found.append(f"{source}: ...{text[max(at - 90, 0) : at + 30]}...")
    return found


def open_socket(app: Flask, device: Device, meeting_id: int) -> Socket:
    """A socket from the device's browser asking to follow a meeting (as its screen)."""
    auth = {"meeting": meeting_id}
    if device.room_screen:
        auth["screen"] = device.room_screen
    return Socket(app, socketio, auth=auth, flask_test_client=device.browser)


def new_meeting(app: Flask, team_name: str, markers: Markers) -> tuple[LiveMeeting, User]:
    """A team, its signed-in facilitator, and a live meeting of a new case of theirs."""
    team = factories.make_team(f"{team_name} {markers.next()}")
    facilitator = factories.make_user(team=team, name=f"Fran {markers.next()}")
    browser = app.test_client()
    sign_in(browser, facilitator)
    live = LiveMeeting(app, browser, facilitator, family_name=f"Family {markers.next()}")
    return live.start(), facilitator


def fresh_app(base: Flask) -> Flask:
    """A new app like `base` (same database file, same secret, so cookies stay valid): what the
    app keeps in memory (socket budgets, shared renderings) starts empty, as in a new worker.
    """
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": base.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": base.config["SECRET_KEY"],
        }
    )
    app.test_client_class = base.test_client_class
    return app


class Snapshot:
    """The database file and every browser's cookies as they were: each example starts there."""

    def __init__(self, app: Flask, browsers: list[FlaskClient]):
        self.database = sqlite3.connect(":memory:")
        with _database_file(app) as live:
            live.backup(self.database)
        # The test client keeps its cookies in `_cookies`; there is no public way to copy a jar.
        self.cookies = {id(browser): dict(browser._cookies) for browser in browsers}

    def restore(self, app: Flask) -> None:
        """Put the app's database back as it was."""
        with _database_file(app) as live:
            self.database.backup(live)

    def browser(self, app: Flask, was: FlaskClient) -> FlaskClient:
        """A browser of `app` holding the cookies `was` held."""
        browser = app.test_client()
        browser._cookies.update(self.cookies[id(was)])
        return browser


class _database_file:
    """A plain connection to the app's SQLite file, with the app's own connections closed."""

    def __init__(self, app: Flask):
        self.path = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database

    def __enter__(self) -> sqlite3.Connection:
        db.session.remove()
        db.engine.dispose()
        self.connection = sqlite3.connect(self.path)
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


# ---- What the database holds ----


def world_state() -> tuple:
    """Everything a change could write: every board and family map row, every safety rating,
    every transcript event and every participant's place in their meeting.
    """
    db.session.rollback()
    state = []
    for model in (*REPLAYED_MODELS.values(), SafetyRating, TranscriptEvent):
        rows = db.session.execute(sa.select(model.__table__).order_by(model.id)).all()
        state.append(tuple(tuple(row) for row in rows))
    people = sa.select(Participant.id, Participant.meeting_id, Participant.user_id)
    state.append(tuple(db.session.execute(people.add_columns(Participant.status)).all()))
    return tuple(state)


@dataclass
class Row:
    """A row of a case as the tests know it: every word ever typed into it."""

    case_id: int
    kind: str
    id: int
    words: set[str] = field(default_factory=set)


@dataclass
class Words:
    """Which unique words belong to which case, and which are kept from family screens now."""

    rows: dict[tuple[str, int], Row] = field(default_factory=dict)
    # words of a case outside its board: family and team names, who took part
    names: dict[int, set[str]] = field(default_factory=dict)
    confidential: dict[int, set[str]] = field(default_factory=dict)

    def of_case(self, case_id: int) -> set[str]:
        """Every word of a case: its rows, its names and the names of who took part."""
        return self.rows_of(case_id) | self.names.get(case_id, set())

    def rows_of(self, case_id: int) -> set[str]:
        """The words on a case's board and family map."""
        return {w for row in self.rows.values() if row.case_id == case_id for w in row.words}

    def row_with(self, word: str) -> Row | None:
        """The row a word was typed into, if it was saved."""
        return next((row for row in self.rows.values() if word in row.words), None)


def read_words(words: Words, hidden: set[tuple[str, int]]) -> None:
    """Bring `words` up to date from the database: rows keep every word they ever held;
    confidential rows, lines to confidential people, and rows the facilitator was told were
    made confidential (`hidden`) are kept from family screens.
    """
    db.session.rollback()
    kept: dict[int, set[str]] = {}
    secret_people = set(db.session.scalars(sa.select(Person.id).where(Person.confidential)))
    for kind, model in REPLAYED_MODELS.items():
        table = model.__table__
        texts = [c for c in table.columns if isinstance(c.type, sa.String)]
        query = sa.select(table.c.id, table.c.case_id, table.c.confidential, *texts)
        if model is EcomapConnection:
            query = query.add_columns(table.c.person_id)
        for item_id, case_id, confidential, *values in db.session.execute(query):
            row = words.rows.setdefault((kind, item_id), Row(case_id, kind, item_id))
            row.words |= markers_in(" ".join(v for v in values if isinstance(v, str)))
            line_to_secret = model is EcomapConnection and values[-1] in secret_people
            if confidential or line_to_secret or (kind, item_id) in hidden:
                kept.setdefault(case_id, set()).update(row.words)
    words.confidential = kept
    for case in db.session.scalars(sa.select(Case)):
        names = markers_in(case.family_name)
        staff = sa.select(User.name).where(User.team_id == case.team_id)
        taking_part = (
            sa.select(Participant.display_name)
            .join(Meeting, Meeting.id == Participant.meeting_id)
            .where(Meeting.case_id == case.id)
        )
        for name in (*db.session.scalars(staff), *db.session.scalars(taking_part)):
            names |= markers_in(name)
        words.names[case.id] = names


# ---- The transcript replays to the board ----


def replay_disagreements(
    case_id: int, meeting_id: int, start_seq: int, captured: dict[int, dict]
) -> list[str]:
    """Where undoing the case's events, newest first, from the board of today does not give the
    board as it was captured after each earlier step; and events out of order or outside the
    meeting. Empty when the transcript replays to the board.
    """
    db.session.rollback()
    problems = []
    events = db.session.scalars(
        sa.select(TranscriptEvent)
        .where(TranscriptEvent.case_id == case_id)
        .order_by(TranscriptEvent.seq.desc())
    ).all()
    seqs = sorted(event.seq for event in events)
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append(f"sequence numbers are not 1..n: {seqs}")
    strays = [(e.seq, e.kind) for e in events if e.seq > start_seq and e.meeting_id != meeting_id]
    if strays:
        problems.append(f"changes outside the meeting's transcript: {strays}")
    board = current_board(case_id, meeting_id)
    earliest = min(captured)
    for event in [*events, None]:
        if board.seq in captured and board.rows != captured[board.seq]:
            problems.append(f"after event {board.seq}: {_difference(captured[board.seq], board)}")
        if event is None or event.seq <= earliest:
            break
        undo(board, event)
        board.seq = event.seq - 1
    return problems


def capture_board(case_id: int, meeting_id: int) -> tuple[int, dict]:
    """The case's board now, as a replay rebuilds it: (sequence number, rows)."""
    db.session.rollback()
    board = current_board(case_id, meeting_id)
    return board.seq, board.rows


def _difference(expected: dict, board) -> str:
    """What differs between a captured board and a replayed one, briefly."""
    lines = []
    for key in sorted(set(expected) | set(board.rows)):
        was, replayed = expected.get(key), board.rows.get(key)
        if was != replayed:
            if was and replayed:
                was = {k: v for k, v in was.items() if replayed.get(k) != v}
                replayed = {k: replayed.get(k) for k in was}
            lines.append(f"{key}: was {was}, replayed {replayed}")
    return "; ".join(lines[:4])


# ---- Errors the server logged ----


class ErrorLog(logging.Handler):
    """Keeps the errors fttm logs (a failed push is logged, not raised)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep one error."""
        trace = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
        self.records.append(f"{record.name}: {record.getMessage()} {trace[-600:]}")

    def attach(self) -> ErrorLog:
        """Start keeping fttm's errors."""
        logging.getLogger("fttm").addHandler(self)
        return self

    def detach(self) -> None:
        """Stop keeping them."""
        logging.getLogger("fttm").removeHandler(self)

    def take(self) -> list[str]:
        """The errors logged since last asked."""
        records, self.records = self.records, []
        return records
