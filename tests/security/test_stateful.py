"""Keep them closed: random sequences of real requests and socket events, from every kind of
device, never send a family device confidential text or another case's text, never answer 500,
never save a refused change, and always leave a transcript that replays to the board.

The facilitator, two admitted phones, a waiting phone, a removed phone, a phone of another team's
meeting, a supervisor who only looks, and a stranger holding the join code each act through
their own browser: htmx POSTs with the page's CSRF token and an Idempotency-Key, GETs of the page
and its sections, and Socket.IO syncs and reconnects. Every text typed is a unique word, so a
word found in what a device was sent names the row it came from.

A device that follows the meeting holds its board as js/pushes.js does (its page's sections, then
pushes, and items answered alone; its answers of whole sections are as if lost, as the pushes
bring the same), says what it holds when it catches up, and must then show what a fresh
rendering for its audience shows.

Each check has a name, and its failures their own exception type, so Hypothesis reports each
broken promise apart, with its shortest sequence. In testing mode a request that would answer 500
raises instead: that failure shows as the server's own exception, with its traceback.

`make fuzz` runs it for longer (FTTM_FUZZ_EXAMPLES examples).
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from fttm.auth.models import User
from fttm.core.recorder import last_seq
from fttm.core.registry import KINDS, REPLAYED_MODELS, board_sections
from fttm.extensions import db, socketio
from fttm.family_map.models import Person
from tests import factories
from tests.helpers import forget_live_state
from tests.live_meeting import Screen, Socket
from tests.realtime.held_board import HeldBoard, comparable
from tests.security import helpers
from tests.security.helpers import Device, Markers, Words

FUZZING = "FTTM_FUZZ_EXAMPLES" in os.environ
MACHINE = settings(
    max_examples=int(os.environ.get("FTTM_FUZZ_EXAMPLES", "25")),
    stateful_step_count=20,
    deadline=None,
    derandomize=not FUZZING,  # the same examples on every CI run; `make fuzz` explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BOARD_KINDS = ("strength", "worry", "action", "safety_step")
MAP_KINDS = ("person", "household", "ecomap_connection")
IN_MEETING = ("staff", "maria", "nan")
OUTSIDERS = ("walter", "rex", "olga here")  # waiting, removed, of another team's meeting
WRITERS = (*IN_MEETING, *OUTSIDERS)
LOOKERS = (*WRITERS, "supervisor")
# The facilitator's screens the room sees: the wall, and a console presenting (another browser).
ROOM_SCREENS = ("wall", "presenting")
NOT_ADMITTED = ("walter", "rex", "stranger")
HUGE_ID = 2**63  # past every database's integer range
# Reconnecting in a loop is a flood: a person's connections are budgeted per few seconds. This
# many in one example are always let in; past it, a refusal is the budget at work.
RECONNECTS_ALWAYS_LET_IN = 10
# Who opens a board page (and keeps what it shows): the members of either meeting.
PAGE_HOLDERS = ("staff", "maria", "nan", "supervisor", "olga", "other staff", *ROOM_SCREENS)
MALFORMED_KEYS = {
    "too short": "k3y",
    "too long": "k" * 300,
    "spaces": "abcd efgh ijkl mnop",
    "non-ASCII": "clé-ünïcødé-1234",
}

# ---- Named checks: each failure is its own exception type, so Hypothesis reports each one. ----

CHECKS = (
    "no_500",
    "server_logged_no_error",
    "confidential_reached_family_device",
    "other_case_reached_device",
    "board_reached_phone_not_admitted",
    "transcript_replays_to_board",
    "refused_change_saves_nothing",
    "accepted_change_is_saved",
    "looking_writes_nothing",
    "malformed_key_is_400",
    "key_reused_for_another_request_is_422",
    "key_of_another_device_is_422",
    "key_of_another_meeting_is_new_or_refused",
    "same_key_same_request_answers_as_first",
    "replay_saves_nothing",
    "removed_phone_is_404",
    "outsider_is_refused",
    "row_of_another_case_is_404",
    "id_past_integer_range_is_404",
    "member_can_look",
    "member_socket_connects",
    "outsider_socket_refused",
    "sync_is_answered",
    "screen_caught_up_shows_the_board",
)
# What reached a device is told apart by how it came (an answer, a push, an acknowledgement):
# one way of leaking does not hide another.
LEAKS = (
    "confidential_reached_family_device",
    "other_case_reached_device",
    "board_reached_phone_not_admitted",
)
CHANNELS = ("in_answer_to_POST", "in_answer_to_GET", "in_socket_event", "in_socket_ack")
FAILURE = {
    name: type(name, (AssertionError,), {})
    for name in (*CHECKS, *(f"{leak}_{way}" for leak in LEAKS for way in CHANNELS))
}


def check(name: str, ok: bool, detail: str) -> None:
    """Fail the named check with what happened."""
    if not ok:
        raise FAILURE[name](f"[{name}] {detail}")


@dataclass
class Keyed:
    """A change that was saved with a valid key: to send again, or to reuse the key of."""

    device: str
    path: str
    data: dict
    key: str
    meeting_id: int
    target: tuple[str, int] | None


def _new_item_form(kind: str, word: str) -> dict:
    """What a quick-add form of the board sends."""
    return {
        "strength": {"text": word},
        "worry": {"text": word, "need_domain": "safety"},
        "action": {"what": word, "who": ""},
        "safety_step": {"kind": "proactive", "text": word},
    }[kind]


class HeldSocket(Socket):
    """A device's socket whose pushes are put into the board its page holds, as they are read."""

    board: HeldBoard | None = None

    def received(self) -> list[tuple[str, object]]:
        """Every event received since the last call; `board:update`s are put in its board."""
        got = super().received()
        for name, payload in got:
            if name == "board:update" and self.board is not None:
                self.board.take_update(payload)
        return got


class KeepThemClosed(RuleBasedStateMachine):
    """Two teams' live meetings, and every kind of device acting on them at random."""

    def __init__(self, base: Flask, template: dict):
        super().__init__()
        # A new app for each example, as each test gets one: nothing kept in its memory (socket
        # budgets, shared renderings keyed by sequence number) outlives the database it came from.
        self.app = helpers.fresh_app(base)
        self.context = self.app.app_context()
        self.context.push()
        forget_live_state()
        self.connects: dict[str, int] = {}
        self.boards: dict[str, HeldBoard] = {}  # what each device's page shows
        self.errors = helpers.ErrorLog().attach()
        self.ready = False  # while building, devices change roles: what they are sent is unchecked
        if not template:
            self._build()
            template.update(self._as_template())
        self._start_from(template)

    # ---- Setting up: once per test; each example starts from a snapshot of it ----

    def _build(self) -> None:
        """Both meetings, their rows and their devices, through the real pages."""
        db.session.remove()
        db.drop_all()  # an example that failed while building left its rows
        db.create_all()
        self.words, self.hidden, self.keyed = Words(), set(), []
        self.markers, self.key_number = Markers(), 0
        self.devices: dict[str, Device] = {}
        self.pairs: list[tuple[int, int]] = []  # (case, meeting) of each team's meeting
        self._build_theirs()
        self._build_ours()
        self._read_words()

    def _as_template(self) -> dict:
        browsers = [device.browser for device in self.devices.values()]
        return {
            "snapshot": helpers.Snapshot(self.app, browsers),
            "devices": {
                name: (d.screen, d.family, d.case_id, d.follows, d.room_screen)
                for name, d in self.devices.items()
            },
            "words": self.words,
            "hidden": self.hidden,
            "keyed": self.keyed,
            "numbers": (self.markers.number, self.key_number),
            "pairs": self.pairs,
            "code": self.code,
            "ids": (self.case_id, self.meeting_id, self.their_case, self.their_meeting),
        }

    def _start_from(self, template: dict) -> None:
        """This example's world: the snapshot, fresh sockets, what the tests know of it."""
        snapshot = template["snapshot"]
        snapshot.restore(self.app)
        self.words = copy.deepcopy(template["words"])
        self.hidden, self.keyed = set(template["hidden"]), list(template["keyed"])
        markers, self.key_number = template["numbers"]
        self.markers = Markers(markers)
        self.pairs, self.code = template["pairs"], template["code"]
        self.case_id, self.meeting_id, self.their_case, self.their_meeting = template["ids"]
        self.devices, browsers, self.boards = {}, {}, {}
        for name, (screen, family, case_id, follows, room) in template["devices"].items():
            was = screen.browser  # two screens may share a browser (Olga's, here and there)
            browser = browsers.setdefault(id(was), snapshot.browser(self.app, was))
            device = Device(name, replace(screen, browser=browser), family, case_id, follows, room)
            self.devices[name] = device
            if follows is not None:
                self._follow(device, follows)
        self.starts = {case: last_seq(case) for case, _meeting in self.pairs}
        self.captured = {case: {} for case, _meeting in self.pairs}
        self._capture()
        for device in self.devices.values():
            device.take_seen()  # connecting is under test in `reconnect`, not here
        self.errors.take()
        self.ready = True

    def _device(self, name, screen, *, family, case_id, follows=None, room=None) -> Device:
        self.devices[name] = Device(name, screen, family, case_id, follows, room)
        return self.devices[name]

    def _build_theirs(self) -> None:
        """Another team's meeting, with confidential and shared rows made first (low ids)."""
        other, _fran = helpers.new_meeting(self.app, "Other Team", self.markers)
        self.their_case, self.their_meeting = other.case.id, other.id
        self.pairs.append((self.their_case, self.their_meeting))
        staff = self._device(
            "other staff", other.staff, family=False, case_id=self.their_case, follows=other.id
        )
        # Several rows of every kind, the first confidential: a row of ours looked up by its id
        # as another kind lands on one of these.
        for kind in (*BOARD_KINDS, *MAP_KINDS):
            for confidential in (True, False, True):
                self._add(staff, kind, confidential=confidential)
        olga = other.phone(f"Olga {self.markers.next()}")
        self._device("olga", olga, family=True, case_id=self.their_case, follows=other.id)
        self._add(self.devices["olga"], "strength")

    def _build_ours(self) -> None:
        """Our team's meeting, its people and devices, one of them removed."""
        live, facilitator = helpers.new_meeting(self.app, "North Team", self.markers)
        self.case_id, self.meeting_id, self.code = live.case.id, live.id, live.code
        self.pairs.append((self.case_id, self.meeting_id))
        staff = self._device(
            "staff", live.staff, family=False, case_id=self.case_id, follows=live.id
        )
        for kind, confidential in (("strength", False), ("strength", True), ("person", False)):
            self._add(staff, kind, confidential=confidential)
        self._add(staff, "person", confidential=True)
        for name in ("maria", "nan", "rex"):
            phone = live.phone(f"{name.title()} {self.markers.next()}", "relative")
            follows = live.id if name != "rex" else None
            self._device(name, phone, family=True, case_id=self.case_id, follows=follows)
            self._add(self.devices[name], "strength")
        walter = live.phone(f"Walter {self.markers.next()}", "friend", admit=False)
        self._device("walter", walter, family=True, case_id=self.case_id)
        assert live.remove(self.devices["rex"].screen).status_code == 200
        olga = self.devices["olga"].screen
        here = Screen(olga.browser, live.id, olga.name, csrf=olga.csrf)
        self._device("olga here", here, family=True, case_id=self.their_case)
        stranger = Screen(self.app.test_client(), live.id, "stranger", csrf="")
        self._device("stranger", stranger, family=True, case_id=self.case_id)
        self._device(
            "supervisor", self._supervisor(facilitator), family=False, case_id=self.case_id
        )
        # The wall, opened from the facilitator's own browser; and the facilitator signed in on
        # a second browser whose console presents to the room. Both are family devices.
        self._device(
            "wall", live.staff, family=True, case_id=self.case_id, follows=live.id, room="wall"
        )
        presenting = self._presenting_console(facilitator)
        self._device(
            "presenting",
            presenting,
            family=True,
            case_id=self.case_id,
            follows=live.id,
            room="presenting",
        )

    def _presenting_console(self, facilitator: User) -> Screen:
        """The facilitator on a second browser, whose console presents to the room."""
        browser = self.app.test_client()
        helpers.sign_in(browser, db.session.get(User, facilitator.id))
        screen = Screen(browser, self.meeting_id, facilitator.name, csrf="")
        screen.csrf = helpers.page_csrf(screen.board().get_data(as_text=True))
        answer = browser.post(
            f"{screen.base}/presenting",
            data={"presenting": "1"},
            headers={"X-CSRFToken": screen.csrf},
        )
        assert answer.status_code == 302, answer.status_code
        return screen

    def _supervisor(self, facilitator: User) -> Screen:
        """A supervisor of our team, signed in, who has not opened the board yet."""
        team = db.session.get(User, facilitator.id).team
        user = factories.make_user(team=team, role="supervisor", name=f"Sam {self.markers.next()}")
        browser = self.app.test_client()
        helpers.sign_in(browser, user)
        return Screen(browser, self.meeting_id, user.name, csrf="")

    def _page_path(self, device: Device) -> str:
        """The page the device shows the board on."""
        if device.room_screen == "wall":
            return f"/meetings/{device.screen.meeting_id}/wall/"
        return f"{device.screen.base}/"

    def _follow(self, device: Device, meeting_id: int) -> None:
        """The device opens its board page (once) and its socket follows the meeting."""
        board = self.boards.get(device.name)
        if board is None and device.name in PAGE_HOLDERS:
            path = self._page_path(device)
            page = device.browser.get(path)
            device.seen.append((f"GET {path}", helpers.sent_text(page)))
            if page.status_code == 200:
                board = self.boards[device.name] = HeldBoard(page.get_data(as_text=True))
        auth = {"meeting": meeting_id}
        if device.room_screen:
            auth["screen"] = device.room_screen
        device.socket = HeldSocket(self.app, socketio, auth=auth, flask_test_client=device.browser)
        device.socket.board = board

    def _held(self, device: Device, seq: int) -> dict:
        """What the device says it holds when catching up (a device without a page: `seq`)."""
        board = self.boards.get(device.name)
        return board.held() if board is not None else {"since": seq}

    def _caught_up(self, device: Device, ack) -> None:
        """After a catch-up: each section the device shows reads as a fresh rendering for it."""
        board = self.boards.get(device.name)
        if board is None or not (isinstance(ack, dict) and ack.get("ok") is True):
            return
        device.collect()
        headers = {"HX-Request": "true"}
        if device.room_screen:
            headers["FTTM-Screen"] = "room"
        for name, shown in board.sections.items():
            path = f"{device.screen.base}/sections/{name}"
            fresh = device.browser.get(path, headers=headers)
            device.seen.append((f"GET {path}", helpers.sent_text(fresh)))
            check(
                "screen_caught_up_shows_the_board",
                fresh.status_code != 200
                or comparable(shown) == comparable(fresh.get_data(as_text=True)),
                f"{device.name} caught up ({board.held()}) but its {name} differs from a fresh "
                f"rendering:\n{comparable(shown)}\n--- fresh ---\n"
                f"{comparable(fresh.get_data(as_text=True))}",
            )

    def teardown(self):
        """Close every socket, so no presence outlives the example."""
        for device in self.devices.values():
            if device.socket is not None and device.socket.is_connected():
                device.socket.disconnect()
        self.errors.detach()
        db.session.remove()
        db.engine.dispose()
        self.context.pop()

    # ---- Sending, and the checks every request gets ----

    def _state(self) -> tuple:
        return helpers.world_state()

    def _note(self, device: Device, label: str, response) -> None:
        """Keep what a device was sent, and check its answer at once (before its status)."""
        sent = (f"{label} -> {response.status_code}", helpers.sent_text(response))
        device.seen.append(sent)
        if self.ready:
            self._read_words()
            self._nothing_it_must_not_see(device, [sent])
        check("no_500", response.status_code < 500, f"{device.name}: {label} answered 500")

    def _post(self, device: Device, path: str, data: dict, key: str | None):
        """An htmx POST from a device; (response, state before, state after)."""
        before = self._state()
        response = device.screen.post(path, data, key=key)
        self._note(device, f"POST {path} {data} key={key!r}", response)
        self._answered(device, response)
        return response, before, self._state()

    def _answered(self, device: Device, response) -> None:
        """js/answers.js: the answer's number is noted, an item answered alone put in."""
        board = self.boards.get(device.name)
        seq = response.headers.get("X-Board-Seq", "")
        if board is None or not seq.isdigit():
            return
        board.note_seq(int(seq))
        item = response.headers.get("X-Board-Item")
        if item and response.status_code == 200:
            section, into = (
                response.headers["X-Board-Section"],
                response.headers.get("X-Board-List"),
            )
            html = response.get_data(as_text=True)
            board.take_item(int(seq), {"id": item, "section": section, "list": into, "html": html})

    def _get(self, device: Device, path: str, **headers):
        """A GET from a device: looking writes nothing."""
        before = self._state()
        if device.room_screen:
            headers = {**headers, "FTTM-Screen": "room"}  # as its pages' htmx requests say
        response = device.browser.get(path, headers=headers)
        self._note(device, f"GET {path}", response)
        check(
            "looking_writes_nothing",
            self._state() == before,
            f"{device.name} opening {path} changed the database",
        )
        return response

    def _fresh_key(self) -> str:
        """A key as js/retries.js makes one: 32 hex digits, new for each change."""
        self.key_number += 1
        return f"{self.key_number:032x}"

    def _form(self, device: Device, kind: str, word: str, confidential: bool) -> tuple[str, dict]:
        """The path and fields of a form that adds an item of `kind` with the word in it."""
        base = device.screen.base
        flag = {"confidential": "1"} if confidential else {}
        if kind in BOARD_KINDS:
            return f"{base}/items/{kind}", {**_new_item_form(kind, word), **flag}
        if kind == "person":
            return f"{base}/family-map/people", {"name": word, "sex": "unknown", **flag}
        if kind == "household":  # households and connections have no confidential box
            return f"{base}/family-map/households", {"name": word}
        person = self._pick_person(device, 0)
        return f"{base}/family-map/connections", {
            "person_id": str(person) if person else "",
            "category": "school",
            "system_name": word,
            "strength": "strong",
            "flow": "none",
        }

    def _add(self, device: Device, kind: str, *, confidential: bool = False, key=None):
        """Add something with a new word; (response, before, after, word)."""
        word = self.markers.next()
        path, data = self._form(device, kind, word, confidential)
        fresh = key is None
        key = self._fresh_key() if fresh else key
        response, before, after = self._post(device, path, data, key)
        row = self._row_with(word) if 200 <= response.status_code < 300 else None
        if row is not None:
            meeting = device.screen.meeting_id
            known = any(r.key == key and r.meeting_id == meeting for r in self.keyed)
            if fresh or not known:  # a key's first change in a meeting: to send again, or reuse
                self.keyed.append(Keyed(device.name, path, data, key, meeting, row))
            if confidential and kind in (*BOARD_KINDS, "person"):
                self.hidden.add(row)
        return response, before, after, word

    def _case_of(self, meeting_id: int) -> int:
        """The case of one of the two meetings."""
        return next(case for case, meeting in self.pairs if meeting == meeting_id)

    def _read_words(self) -> None:
        helpers.read_words(self.words, self.hidden)

    def _row_with(self, word: str) -> tuple[str, int] | None:
        """The row of either case the word was saved in."""
        self._read_words()
        row = self.words.row_with(word)
        return (row.kind, row.id) if row else None

    def _rows_holding(self, word: str) -> list[tuple[int, str, int]]:
        """Every row (case, kind, id) whose fields hold the word now."""
        db.session.rollback()
        found = []
        for kind, model in REPLAYED_MODELS.items():
            column = getattr(model, helpers.TEXT_FIELD[kind], None)
            if column is None:
                continue
            for item in db.session.scalars(sa.select(model).where(column.contains(word))):
                found.append((item.case_id, kind, item.id))
        return found

    def _pick_person(self, device: Device, index: int) -> int | None:
        """A live person of the device's board it may see (a phone: not confidential)."""
        db.session.rollback()
        case_id = self._case_of(device.screen.meeting_id)
        query = sa.select(Person.id).where(Person.case_id == case_id, Person.deleted_at.is_(None))
        if device.family:
            query = query.where(Person.confidential.is_(False))
        people = db.session.scalars(query.order_by(Person.id)).all()
        return people[index % len(people)] if people else None

    def _target(self, kinds, where: str, index: int) -> tuple[str, int]:
        """A row to act on: of our case, of the other case, or an id past the integer range."""
        if where == "huge":
            return kinds[index % len(kinds)], HUGE_ID
        db.session.rollback()
        case_id = self.case_id if where == "ours" else self.their_case
        rows = [
            (kind, item_id)
            for kind in kinds
            for item_id in db.session.scalars(
                sa.select(REPLAYED_MODELS[kind].id).where(REPLAYED_MODELS[kind].case_id == case_id)
            )
        ]
        return sorted(rows)[index % len(rows)] if rows else (kinds[0], HUGE_ID)

    def _visible(self, device: Device, target) -> bool:
        """Whether the row is on the device's board now (live; for a phone, not confidential)."""
        db.session.rollback()
        item = (
            db.session.get(REPLAYED_MODELS[target[0]], target[1]) if target[1] != HUGE_ID else None
        )
        if item is None or item.deleted_at is not None:
            return False
        if device.family:
            self._read_words()
            row = self.words.rows.get(target)
            kept = self.words.confidential.get(item.case_id, set())
            return not item.confidential and not (row and row.words & kept)
        return True

    def _expect_refusal_for_outsiders(self, device: Device, response, what: str) -> bool:
        """Removed phones get 404; waiting phones and other meetings' phones are refused.
        True when the device is one of those (its answer is then checked).
        """
        if device.name == "rex":
            check(
                "removed_phone_is_404",
                response.status_code == 404,
                f"removed phone: {what} answered {response.status_code}",
            )
            return True
        if device.name in OUTSIDERS:
            check(
                "outsider_is_refused",
                response.status_code in (403, 404),
                f"{device.name}: {what} answered {response.status_code}",
            )
            return True
        return False

    def _saved_nothing_unless_accepted(self, device, response, before, after, what) -> bool:
        """A refused change saves nothing. True when the change was accepted."""
        accepted = 200 <= response.status_code < 300
        if not accepted:
            check(
                "refused_change_saves_nothing",
                before == after,
                f"{device.name}: {what} answered {response.status_code} but changed the database",
            )
        return accepted

    def _new_word_saved_once(self, device: Device, word: str, what: str) -> None:
        rows = self._rows_holding(word)
        check(
            "accepted_change_is_saved",
            [case for case, _k, _i in rows] == [self._case_of(device.screen.meeting_id)],
            f"{device.name}: {what} was accepted; rows holding its text: {rows}",
        )

    # ---- Rules: what devices do ----

    @rule(
        who=st.sampled_from(WRITERS),
        kind=st.sampled_from(BOARD_KINDS + MAP_KINDS),
        confidential=st.booleans(),
    )
    def add(self, who, kind, confidential):
        """Someone adds a strength, worry, action, safety step, person, household or connection."""
        device = self.devices[who]
        response, before, after, word = self._add(device, kind, confidential=confidential)
        what = f"adding a {kind}{' (confidential)' if confidential else ''}"
        if self._expect_refusal_for_outsiders(device, response, what):
            self._saved_nothing_unless_accepted(device, response, before, after, what)
            return
        if self._saved_nothing_unless_accepted(device, response, before, after, what):
            self._new_word_saved_once(device, word, what)

    @rule(
        who=st.sampled_from(WRITERS),
        where=st.sampled_from(("ours", "ours", "ours", "theirs", "huge")),
        index=st.integers(0, 1000),
        stale=st.booleans(),
    )
    def edit(self, who, where, index, stale):
        """Someone edits an item's text (an action: its "what" cell) from the version they saw."""
        device = self.devices[who]
        kind, item_id = target = self._target(BOARD_KINDS, where, index)
        item = db.session.get(KINDS[kind].model, item_id) if item_id != HUGE_ID else None
        if item is None:
            seen = 1
        elif kind == "action":
            seen = (item.cell_versions or {}).get("what", 0)
        else:
            seen = item.version
        if stale:
            seen = seen - 1 if seen > 0 else seen + 1
        word = self.markers.next()
        field = helpers.TEXT_FIELD[kind]
        path = f"{device.screen.base}/items/{kind}/{item_id}"
        data = {field: word, "base_version": str(seen)}
        key = self._fresh_key()
        response, before, after = self._post(device, path, data, key)
        what = f"editing {kind} {item_id} ({where}{', stale' if stale else ''})"
        self._refused_where_it_must_be(device, response, where, what)
        if self._saved_nothing_unless_accepted(device, response, before, after, what):
            self._new_word_saved_once(device, word, what)
            self.keyed.append(Keyed(who, path, data, key, self.meeting_id, target))

    @rule(
        who=st.sampled_from(WRITERS),
        where=st.sampled_from(("ours", "ours", "ours", "theirs", "huge")),
        index=st.integers(0, 1000),
        flag=st.sampled_from(("delete", "restore", "confidential", "share")),
        people=st.booleans(),
    )
    def flag(self, who, where, index, flag, people):
        """Someone deletes, restores, makes confidential or shares an item or a person."""
        device = self.devices[who]
        kind, item_id = target = self._target(("person",) if people else BOARD_KINDS, where, index)
        if people:
            path = f"{device.screen.base}/family-map/people/{item_id}/{flag}"
        else:
            path = f"{device.screen.base}/items/{kind}/{item_id}/{flag}"
        key = self._fresh_key()
        response, before, after = self._post(device, path, {}, key)
        what = f"{flag} of {kind} {item_id} ({where})"
        self._refused_where_it_must_be(device, response, where, what)
        if not self._saved_nothing_unless_accepted(device, response, before, after, what):
            return
        if before != after:  # the key made a change (a flag set as it was may write nothing)
            self.keyed.append(Keyed(who, path, {}, key, self.meeting_id, target))
        db.session.rollback()
        item = db.session.get(REPLAYED_MODELS[kind], item_id)
        done = {
            "delete": item.deleted_at is not None,
            "restore": item.deleted_at is None,
            "confidential": item.confidential,
            "share": not item.confidential,
        }[flag]
        check("accepted_change_is_saved", done, f"{who}: {what} was accepted, not saved")
        if who == "staff" and flag in ("confidential", "share"):
            (self.hidden.add if flag == "confidential" else self.hidden.discard)(target)

    @rule(
        index=st.integers(0, 1000),
        what=st.sampled_from(("confidential", "share", "new")),
        people=st.booleans(),
        kind=st.sampled_from(BOARD_KINDS),
    )
    def keep_from_family(self, index, what, people, kind):
        """The facilitator keeps an item or a person from family screens, shares one again, or
        adds something confidential (the moves that decide what phones may be sent).
        """
        if what == "new":
            self.add("staff", "person" if people else kind, confidential=True)
        else:
            self.flag("staff", "ours", index, what, people)

    def _refused_where_it_must_be(self, device, response, where, what) -> None:
        """Outsiders are refused. A row of another case, or an id past the integer range, is not
        found (404); a phone may instead be told it can't do that at all (403).
        """
        if self._expect_refusal_for_outsiders(device, response, what):
            return
        if where != "ours":
            name = (
                "row_of_another_case_is_404"
                if where == "theirs"
                else "id_past_integer_range_is_404"
            )
            allowed = (404,) if device.name == "staff" else (403, 404)
            check(
                name,
                response.status_code in allowed,
                f"{device.name}: {what} answered {response.status_code}",
            )

    @rule(index=st.integers(0, 1000))
    def send_again(self, index):
        """A change is sent again with its key (its answer was lost): applied once, answered now."""
        if not self.keyed:
            return
        record = self.keyed[index % len(self.keyed)]
        device = self.devices[record.device]
        response, before, after = self._post(device, record.path, record.data, record.key)
        what = f"sending again {record.path} {record.data} with its key"
        check(
            "replay_saves_nothing",
            before == after,
            f"{record.device}: {what} answered {response.status_code} and changed the database",
        )
        if record.device == "rex":
            self._expect_refusal_for_outsiders(device, response, what)
            return
        if record.target is None or not self._visible(device, record.target):
            check(
                "same_key_same_request_answers_as_first",
                response.status_code in (200, 404),
                f"{record.device}: {what} (now gone for them) answered {response.status_code}",
            )
            return
        db.session.rollback()
        item = db.session.get(REPLAYED_MODELS[record.target[0]], record.target[1])
        text = getattr(item, helpers.TEXT_FIELD[record.target[0]])
        body = response.get_data(as_text=True)
        check(
            "same_key_same_request_answers_as_first",
            response.status_code == 200 and text in body,
            f"{record.device}: {what} answered {response.status_code}; "
            f"{record.target} now reads {text!r}: {'in' if text in body else 'not in'} the answer",
        )

    @rule(
        index=st.integers(0, 1000),
        who=st.sampled_from((*IN_MEETING, "the same device")),
        kind=st.sampled_from(BOARD_KINDS + MAP_KINDS),
    )
    def reuse_key(self, index, who, kind):
        """A key already used (by this device or another, here or in another meeting) comes with
        a different change: refused with 422, nothing saved (another meeting's key may be new).
        """
        records = self.keyed
        if who == "the same device":  # its own key, first used for another kind or path
            records = [record for record in self.keyed if record.device in IN_MEETING]
        if not records:
            return
        record = records[index % len(records)]
        who = record.device if who == "the same device" else who
        device = self.devices[who]
        here = [r for r in self.keyed if r.key == record.key and r.meeting_id == self.meeting_id]
        first = here[0] if here else record  # the change the key first made here, if it did
        response, before, after, word = self._add(device, kind, key=record.key)
        what = f"adding a {kind} with the key {first.device} used for {first.path} {first.data}"
        if here:
            same = first.device == who
            check(
                "key_reused_for_another_request_is_422" if same else "key_of_another_device_is_422",
                response.status_code == 422 and before == after,
                f"{who}: {what} answered {response.status_code}"
                f"{'' if before == after else ' and changed the database'}",
            )
            return
        accepted = self._saved_nothing_unless_accepted(device, response, before, after, what)
        check(
            "key_of_another_meeting_is_new_or_refused",
            accepted or response.status_code == 422,
            f"{who}: {what} answered {response.status_code}",
        )
        if accepted:
            self._new_word_saved_once(device, word, what)

    @rule(
        who=st.sampled_from(IN_MEETING),
        kind=st.sampled_from(BOARD_KINDS + MAP_KINDS),
        shape=st.sampled_from(sorted(MALFORMED_KEYS)),
    )
    def malformed_key(self, who, kind, shape):
        """A change with a broken key is refused with 400: never taken as a change without one."""
        device = self.devices[who]
        response, before, after, _word = self._add(device, kind, key=MALFORMED_KEYS[shape])
        check(
            "malformed_key_is_400",
            response.status_code == 400 and before == after,
            f"{who}: adding a {kind} with a key that is {shape} answered {response.status_code}"
            f"{'' if before == after else ' and changed the database'}",
        )

    @rule(
        who=st.sampled_from(
            ("staff", "maria", "nan", "supervisor", "olga", "other staff", *ROOM_SCREENS)
        ),
        since=st.sampled_from(("held", "held", "zero", "now", "behind", "ahead", "garbage")),
    )
    def sync(self, who, since):
        """A screen asks to catch up: saying what it holds, as the board's JS does, or (a page
        from before screens said so) only a number: the last change, nothing, behind, ahead."""
        device = self.devices[who]
        if device.socket is None or not device.socket.is_connected():
            return
        device.collect()  # the pushes it was sent come before what it says it holds
        seq = last_seq(device.case_id)
        value = {"zero": 0, "now": seq, "behind": max(seq - 3, 0), "ahead": seq + 50}.get(
            since, "x"
        )
        held = self._held(device, seq) if since == "held" else {"since": value}
        before = self._state()
        ack = device.socket.emit("board:sync", held, callback=True)
        device.seen.append((f"ack of board:sync {value!r}", helpers.socket_text([ack])))
        check("looking_writes_nothing", self._state() == before, f"{who}: a sync wrote")
        answered = isinstance(ack, dict) and (ack.get("ok") is True or bool(ack.get("error")))
        if since == "garbage":
            answered = isinstance(ack, dict) and ack.get("ok") is False
        check("sync_is_answered", answered, f"{who}: board:sync {held!r} acked {ack!r}")
        self._caught_up(device, ack)

    @rule(who=st.sampled_from((*LOOKERS, "olga", "stranger", *ROOM_SCREENS)))
    def reconnect(self, who):
        """A screen's socket drops and connects again (outsiders try to follow our meeting)."""
        device = self.devices[who]
        if device.socket is not None:
            device.collect()
            if device.socket.is_connected():
                device.socket.disconnect()
        before = self._state()
        self._follow(device, device.screen.meeting_id)
        check("looking_writes_nothing", self._state() == before, f"{who}: connecting wrote")
        connected = device.socket.is_connected()
        self.connects[who] = self.connects.get(who, 0) + 1
        if who in (*OUTSIDERS, "stranger"):
            check("outsider_socket_refused", not connected, f"{who} could follow our meeting")
        elif who != "supervisor" and self.connects[who] <= RECONNECTS_ALWAYS_LET_IN:
            check("member_socket_connects", connected, f"{who} could not connect again")
        if connected:
            device.collect()  # what connecting brought (who is here) comes first
            held = self._held(device, last_seq(device.case_id))
            ack = device.socket.emit("board:sync", held, callback=True)
            device.seen.append(("ack of board:sync", helpers.socket_text([ack])))
            self._caught_up(device, ack)

    @rule(
        who=st.sampled_from((*LOOKERS, "stranger", *ROOM_SCREENS)),
        page=st.sampled_from(
            ("page", *board_sections(), "status", "genogram.svg", "ecomap.svg", "join", "waiting")
        ),
    )
    def look(self, who, page):
        """Someone opens the board, one of its sections, a family map picture or the join pages."""
        device = self.devices[who]
        base = device.screen.base
        code = self.code
        path = {
            "page": f"/meetings/{self.meeting_id}/wall/" if who == "wall" else f"{base}/",
            "genogram.svg": f"{base}/family-map/genogram.svg",
            "ecomap.svg": f"{base}/family-map/ecomap.svg",
            "join": f"/join/{code}",
            "waiting": f"/join/{code}/waiting",
        }.get(page, f"{base}/sections/{page}")
        headers = {"HX-Request": "true"} if page in (*board_sections(), "status") else {}
        response = self._get(device, path, **headers)
        if page in ("join", "waiting"):
            return
        status, what = response.status_code, f"opening {path}"
        if who in ("staff", "supervisor", "maria", "nan", *ROOM_SCREENS):
            check("member_can_look", status == 200, f"{who}: {what} answered {status}")
        elif who == "walter" and page == "page":
            check("outsider_is_refused", status in (302, 303, 404), f"walter: {what}: {status}")
        elif who != "stranger":
            self._expect_refusal_for_outsiders(device, response, what)

    @rule(
        who=st.sampled_from(("other staff", "olga")),
        kind=st.sampled_from(("strength", "worry", "person", "household")),
        confidential=st.booleans(),
    )
    def elsewhere(self, who, kind, confidential):
        """The other team's meeting goes on: its staff and its phone add things there."""
        self._add(self.devices[who], kind, confidential=confidential and who == "other staff")

    # ---- After every step ----

    @invariant()
    def nothing_reaches_a_device_it_must_not(self):
        """No byte sent to a device holds another case's words; no byte sent to a family device
        holds a confidential word; no phone that is not admitted is sent the board's words.
        """
        self._read_words()
        for device in self.devices.values():
            self._nothing_it_must_not_see(device, device.take_seen())

    def _nothing_it_must_not_see(self, device: Device, seen: list[tuple[str, str]]) -> None:
        found = set().union(*(helpers.markers_in(text) for _source, text in seen))
        if not found:
            return
        own, name = device.case_id, device.name
        self._no_leak("other_case_reached_device", name, seen, found & self._of_other_cases(own))
        if device.family:
            kept = self.words.confidential.get(own, set())
            self._no_leak("confidential_reached_family_device", name, seen, found & kept)
        if name in NOT_ADMITTED:
            board = self.words.rows_of(own)
            self._no_leak("board_reached_phone_not_admitted", name, seen, found & board)

    def _of_other_cases(self, case_id: int) -> set[str]:
        """The words of every case but this one."""
        others = [self.words.of_case(case) for case, _meeting in self.pairs if case != case_id]
        return set().union(*others)

    def _no_leak(self, name: str, device: str, seen: list, leaked: set[str]) -> None:
        if leaked:
            rows = {word: self.words.row_with(word) for word in sorted(leaked)}
            what = {
                w: f"{r.kind} {r.id} of case {r.case_id}" if r else "a name"
                for w, r in rows.items()
            }
            sources = helpers.where_found(seen, leaked)
            way = {
                "POST": "in_answer_to_POST",
                "GET ": "in_answer_to_GET",
                "sock": "in_socket_event",
            }
            channel = way.get(sources[0][:4], "in_socket_ack")
            check(f"{name}_{channel}", False, f"{device} was sent {what}, by {sources[:3]}")

    @invariant()
    def transcript_replays_to_board(self):
        """Undoing each case's events from today's board gives the board after every step."""
        for case_id, meeting_id in self.pairs:
            problems = helpers.replay_disagreements(
                case_id, meeting_id, self.starts[case_id], self.captured[case_id]
            )
            check("transcript_replays_to_board", not problems, f"case {case_id}: {problems}")
        self._capture()

    def _capture(self) -> None:
        for case_id, meeting_id in self.pairs:
            seq, rows = helpers.capture_board(case_id, meeting_id)
            self.captured[case_id].setdefault(seq, rows)

    @invariant()
    def server_logged_no_error(self):
        """A failed push is logged, not raised: none may fail."""
        errors = self.errors.take()
        check("server_logged_no_error", not errors, f"{errors[:2]}")


def test_keep_them_closed(app):
    """Random sequences of real requests and socket events from every kind of device: nothing
    confidential or of another case reaches a family device, no 500, nothing refused is saved,
    keys are honoured, and the transcript replays to the board after every step.
    """
    template: dict = {}  # both meetings, built by the first example, where every example starts
    run_state_machine_as_test(lambda: KeepThemClosed(app, template), settings=MACHINE)
