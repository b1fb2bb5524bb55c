"""Crash safety: SIGKILL the server in the middle of a meeting, several times, and lose nothing.

A facilitator and four phones (joined by code) add strengths and edit their own cell of the
actions table as fast as the server answers, while the server (`fttm serve`, eventlet) is killed
with SIGKILL at moments drawn from a seeded RNG and started again on the same port. Screens behave
like our JS: a change without an answer is sent again with the same key once the socket is back.
Afterwards: every acknowledged change is in the database with exactly one transcript event,
nothing is applied twice, the case's events have an unbroken sequence, and every screen shows what
the database holds. Runs against a SQLite file and a real PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from fttm import create_app
from fttm.board.commands import add_item
from fttm.board.models import Action, Strength
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import set_option, start_meeting
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.integration import servers
from tests.integration.crash_clients import Change, Screen, board_items

SEED = 20261122
PHONES = ("Maria", "Nan", "Leo", "Rosa")
STRENGTHS_EACH = 10
CELL_EDITS_EACH = 10
KILLS = 3
BURST_TIMEOUT = 90  # seconds; a burst takes about 12
CONVERGE_TRIES = 100  # x 0.1 s: pushes of the last changes are on their way
FACILITATOR_EMAIL = "fran.facilitator@agency.example"


@dataclass(frozen=True)
class Meeting:
    """The live meeting the test prepared, and the action each screen edits."""

    meeting_id: int
    case_id: int
    join_code: str
    actions: dict[str, int]  # screen name -> id of its action


@contextlib.contextmanager
def in_process(database_url: str) -> Iterator[None]:
    """An app context on the server's database, for setting up and for reading the outcome."""
    app = create_app(
        {"ENV_NAME": "testing", "DATABASE_URL": database_url, "SECRET_KEY": "unused-here"}
    )
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()
            db.engine.dispose()


def prepare(database_url: str, names: list[str]) -> Meeting:
    """A migrated database with a live meeting that admits everyone, and an action per screen."""
    servers.migrate(database_url)
    with in_process(database_url):
        facilitator = factories.make_user(
            team=factories.make_team("North Team"), email=FACILITATOR_EMAIL
        )
        case = factories.make_case(facilitator)
        meeting = factories.make_meeting(facilitator, case)
        start_meeting(facilitator, meeting)
        set_option(facilitator, meeting, "admit_everyone", True)
        staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
        actions = {
            name: add_item(staff, "action", {"what": f"Step agreed with {name}"}).id
            for name in names
        }
        return Meeting(meeting.id, case.id, meeting.join_code, actions)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        return
    with servers.postgres_server() as postgres:
        yield postgres.url


class Killer:
    """Kills the server with SIGKILL once the burst has had given numbers of changes answered,
    and starts it again on the same port.
    """

    def __init__(self, database_url: str, port: int, log_dir, rng: random.Random) -> None:
        self.database_url = database_url
        self.port = port
        self.log_dir = log_dir
        self.rng = rng
        self.worker = self._start()
        self.kills = 0

    def _start(self) -> servers.Worker:
        """`fttm serve` on the test's port, once `/healthz` answers."""
        return servers.start_worker(self.database_url, port=self.port, log_dir=self.log_dir)

    async def run(self, acknowledged: list[Change], thresholds: list[int]) -> None:
        """Kill once per threshold, when that many changes have been acknowledged."""
        for threshold in thresholds:
            while len(acknowledged) < threshold:
                await asyncio.sleep(0.005)
            await asyncio.sleep(self.rng.uniform(0, 0.05))
            await asyncio.to_thread(self.worker.kill)
            self.kills += 1
            self.worker = await asyncio.to_thread(self._start)


def kill_points(rng: random.Random, total: int) -> list[int]:
    """When to kill: one random count of acknowledged changes in each part of the burst."""
    part = total // (KILLS + 1)
    return [part * (n + 1) + rng.randint(-part // 3, part // 3) for n in range(KILLS)]


async def one_screen(screen: Screen, action_id: int, acknowledged: list[Change], rng) -> None:
    """A person's burst: strengths and edits of their action's "where / how" cell, mixed."""
    steps = ["strength"] * STRENGTHS_EACH + ["cell"] * CELL_EDITS_EACH
    rng.shuffle(steps)
    version = 0  # nobody else edits this cell, so the screen knows its version
    for number, step in enumerate(steps, start=1):
        if step == "strength":
            change = screen.add_strength(f"{screen.name} noticed good thing {number}")
        else:
            change = screen.edit_cell(
                action_id, "where_how", f"{screen.name} wrote plan line {number}", version
            )
            version += 1
        await screen.send(change, acknowledged)


async def converge(screens: list[Screen], expected: dict) -> None:
    """Wait (bounded) until every screen shows what the database holds; fail with the gap."""
    for _try in range(CONVERGE_TRIES):
        if all(screen.shown() == expected for screen in screens):
            return
        await asyncio.sleep(0.1)
    for screen in screens:
        assert screen.shown() == expected, f"{screen.name} never caught up"


async def burst(url: str, meeting: Meeting, killer: Killer, rng: random.Random) -> dict:
    """Open every screen, run the burst with kills, then check that the screens converged."""
    staff = Screen("Fran", url, meeting.meeting_id)
    phones = [Screen(name, url, meeting.meeting_id) for name in PHONES]
    screens = [staff, *phones]
    acknowledged: list[Change] = []
    try:
        await staff.sign_in(FACILITATOR_EMAIL, factories.PASSWORD)
        for phone in phones:
            await phone.join(meeting.join_code)
        for screen in screens:
            await screen.open_board()
        total = len(screens) * (STRENGTHS_EACH + CELL_EDITS_EACH)
        people = [
            one_screen(
                screen,
                meeting.actions[screen.name],
                acknowledged,
                random.Random(rng.random()),  # noqa: S311 - replayable, not secret
            )
            for screen in screens
        ]
        # Bounded: a screen that never gets its change answered fails the test, never hangs it.
        await asyncio.wait_for(
            asyncio.gather(killer.run(acknowledged, kill_points(rng, total)), *people),
            BURST_TIMEOUT,
        )
        with in_process(killer.database_url):
            expected = database_items(meeting)
        await converge(screens, expected)
        for screen in screens:
            assert await screen.fresh() == expected, f"{screen.name}: a fresh render differs"
        return {"changes": [c for s in screens for c in s.changes], "screens": screens}
    finally:
        for screen in screens:
            await screen.close()


def database_items(meeting: Meeting) -> dict:
    """The strengths and action cells as the database holds them, shaped like `board_items`."""
    strengths = db.session.scalars(
        sa.select(Strength).where(
            Strength.case_id == meeting.case_id, Strength.deleted_at.is_(None)
        )
    ).all()
    actions = db.session.scalars(sa.select(Action).where(Action.case_id == meeting.case_id)).all()
    cells = {}
    for action in actions:
        cells[f"{action.id}-what"] = action.what
        cells[f"{action.id}-where_how"] = action.where_how or ""
    shown = board_items({})
    shown["strengths"] = {strength.id: strength.text for strength in strengths}
    shown["action_cells"] = cells
    return shown


def run_apart(coroutine):
    """Run a coroutine on its own event loop in its own thread: browser tests that ran before
    leave Playwright's loop running on this one, where asyncio.run() refuses to start."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed to the test's thread below
            outcome["error"] = error

    thread = threading.Thread(target=run, name="crash-clients")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_no_acknowledged_change_is_lost_or_doubled_when_the_server_is_killed(
    database_url, tmp_path
):
    """Kill the server mid-burst three times: every answered change is there exactly once."""
    rng = random.Random(SEED)  # noqa: S311 - replayable, not secret
    names = ["Fran", *PHONES]
    meeting = prepare(database_url, names)
    killer = Killer(database_url, servers.free_port(), tmp_path, rng)
    try:
        outcome = run_apart(burst(killer.worker.url, meeting, killer, rng))
    finally:
        killer.worker.stop()
    log = killer.worker.log_text()  # every start on the port appends to the same log
    assert "Traceback" not in log, f"the server logged an exception:\n{log}"
    changes: list[Change] = outcome["changes"]
    assert killer.kills == KILLS
    assert all(change.acknowledged for change in changes)
    retried = [change for change in changes if change.tries > 1]
    assert retried, "no change was in flight when the server was killed: the test tested nothing"

    with in_process(database_url):
        events = db.session.scalars(
            sa.select(TranscriptEvent)
            .where(TranscriptEvent.case_id == meeting.case_id)
            .order_by(TranscriptEvent.seq)
        ).all()
        by_key = Counter(event.idempotency_key for event in events if event.idempotency_key)
        for change in changes:
            assert by_key[change.key] == 1, f"{change.data} has {by_key[change.key]} events"
        # Nothing applied twice: one row per strength text, one edit event per cell edit.
        texts = Counter(
            db.session.scalars(
                sa.select(Strength.text).where(Strength.case_id == meeting.case_id)
            ).all()
        )
        added = [change.data["text"] for change in changes if change.section == "strengths"]
        assert sorted(texts) == sorted(added)
        assert set(texts.values()) == {1}
        for screen in outcome["screens"]:
            action = db.session.get(Action, meeting.actions[screen.name])
            edits = [e for e in events if e.kind == "action.edited" and e.target_id == action.id]
            typed = [c.data["where_how"] for c in screen.changes if c.section == "plan"]
            assert [edit.after["where_how"] for edit in edits] == typed, screen.name
            assert action.cell_versions["where_how"] == len(typed), screen.name
            assert action.where_how == typed[-1], screen.name
        # The case's events are numbered 1, 2, 3, ... with no gap and no repeat.
        assert [event.seq for event in events] == list(range(1, len(events) + 1))
        # A retry whose first try had been committed before the kill was answered from the
        # transcript (`already_applied`), not applied again.
        at = {event.idempotency_key: event.at for event in events if event.idempotency_key}
        replayed = [c for c in retried if at[c.key] < c.failed_at]
    print(
        f"\n{database_url.split(':')[0]}: {killer.kills} kills, {len(changes)} changes "
        f"acknowledged, {len(retried)} sent again, {len(replayed)} of them committed before "
        f"the kill (answered from the transcript), {len(events)} events"
    )
