"""The real server for live-board browser tests: `fttm serve` (eventlet) in its own process.

The board needs WebSockets, which werkzeug's threaded test server does not speak, so these tests
start the app the way `make run` does: `fttm db upgrade`, then `fttm serve`. In between, the tests'
own family is written through the app's commands (tests/browser/riveras.py; a module may seed
another). Seeding runs once per module; each test serves its own copy of the seeded SQLite file.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Response,
)
from playwright.sync_api import Error as PlaywrightError

import fttm
from fttm import create_app
from fttm.auth.models import User
from fttm.extensions import db
from fttm.meetings import join_codes
from fttm.meetings.models import Meeting
from tests import factories
from tests.browser import riveras
from tests.browser.pages import VIEWPORTS, BrowserErrors

BIN = Path(sys.executable).parent
FTTM = BIN / "fttm"
STARTUP_SECONDS = 15
# The checkout these tests import fttm from. The server runs its code, not whichever fttm the
# environment has installed: a git worktree shares its .venv (and so its editable install)
# with the main checkout, whose code and templates would otherwise be served.
SOURCE = Path(fttm.__file__).resolve().parent.parent
SCREENS = {"projector": VIEWPORTS["desktop"], "phone": VIEWPORTS["phone"]}


@dataclass(frozen=True)
class ServedApp:
    """A served fttm with a meeting seeded: where it is, who can sign in, and that meeting."""

    url: str
    email: str
    password: str
    meeting_id: int
    join_code: str  # as shown on the projector, "ACF 34X"

    @property
    def board_url(self) -> str:
        """The staff board of the seeded meeting."""
        return f"{self.url}/meetings/{self.meeting_id}/board/"

    @property
    def join_url(self) -> str:
        """The link phones open (what the QR code holds)."""
        return f"{self.url}/join/{self.join_code.replace(' ', '')}"


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    """Whether the server answers its health check with 200."""
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class SeededMeeting:
    """A migrated SQLite file with a meeting seeded: who signs in, and the meeting to open."""

    path: Path
    secret_key: str
    email: str
    password: str
    meeting_id: int
    join_code: str


def server_env(database: Path, secret_key: str) -> dict[str, str]:
    """The environment `make run` would give the server, pointed at `database`."""
    env = {
        **os.environ,
        "FTTM_DATABASE_URL": f"sqlite:///{database}",
        "FTTM_SECRET_KEY": secret_key,
        "FTTM_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SOURCE), os.environ.get("PYTHONPATH")])),
    }
    env.pop("FTTM_ASYNC_MODE", None)
    return env


def seed_database(
    database: Path,
    build: Callable[[User], Meeting],
    *,
    facilitator: str = riveras.FACILITATOR,
    email: str = "facilitator@agency.example",
) -> SeededMeeting:
    """Migrate a new SQLite file as `make run` does, then add a team and its facilitator;
    `build` writes the rest, through the app's commands, and names the meeting to open.
    """
    secret_key = secrets.token_urlsafe(32)
    subprocess.run(
        [FTTM, "db", "upgrade"],
        env=server_env(database, secret_key),
        check=True,
        capture_output=True,
        timeout=60,
    )
    app = create_app(
        {"ENV_NAME": "testing", "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": secret_key}
    )
    with app.app_context():
        team = factories.make_team("North Team")
        user = factories.make_user(team=team, role="facilitator", name=facilitator, email=email)
        meeting = build(user)
        seeded = SeededMeeting(
            database,
            secret_key,
            email,
            factories.PASSWORD,
            meeting.id,
            join_codes.display(meeting.join_code),
        )
        db.session.remove()
        db.engine.dispose()
    return seeded


@pytest.fixture(scope="module")
def seeded_meeting(tmp_path_factory: pytest.TempPathFactory) -> SeededMeeting:
    """The Riveras' review meeting, seeded once per module (each test serves its own copy)."""
    database = tmp_path_factory.mktemp("seeded") / "live.sqlite3"
    return seed_database(database, riveras.review_meeting)


@pytest.fixture
def served_app(seeded_meeting: SeededMeeting, tmp_path: Path) -> Iterator[ServedApp]:
    """`fttm serve` (eventlet) on a free port, on a fresh copy of the seeded database."""
    database = tmp_path / "live.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = seeded_meeting.path.with_name(seeded_meeting.path.name + suffix)
        if source.exists():
            shutil.copyfile(source, database.with_name(database.name + suffix))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [FTTM, "serve", "--port", str(port)],
            env=server_env(database, seeded_meeting.secret_key),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(url):
            assert process.poll() is None, f"fttm serve exited:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"no health check answer:\n{log_path.read_text()}"
            time.sleep(0.1)
        yield ServedApp(
            url,
            seeded_meeting.email,
            seeded_meeting.password,
            seeded_meeting.meeting_id,
            seeded_meeting.join_code,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    output = log_path.read_text()
    assert "Traceback" not in output, f"the server logged an exception:\n{output}"


class LiveErrors(BrowserErrors):
    """BrowserErrors for several screens at once, each error labelled with its screen.

    A screen that is offline on purpose logs its failed requests (htmx reports a request that
    never reached the server as an error): those are expected while, and only while, it is offline.
    """

    OFFLINE_NOISE = ("htmx:sendError", "htmx:afterRequest", "net::ERR_INTERNET_DISCONNECTED")

    def __init__(self) -> None:
        super().__init__()
        self.offline: set[str] = set()
        self.excused: list[tuple[str, re.Pattern[str]]] = []

    @contextmanager
    def excusing(self, screen: str, pattern: str) -> Iterator[None]:
        """Within the block, errors of `screen` matching `pattern` are known and not kept."""
        excuse = (screen, re.compile(pattern))
        self.excused.append(excuse)
        try:
            yield
        finally:
            self.excused.remove(excuse)

    def _keep(self, screen: str, lines: list[str]) -> list[str]:
        """The lines as kept: labelled with their screen, unless excused."""
        return [
            f"{screen}: {line}"
            for line in lines
            if not any(s == screen and p.search(line) for s, p in self.excused)
        ]

    def watch_screen(self, context: BrowserContext, screen: str) -> None:
        """Collect the errors of every page `context` opens, labelled `screen`."""
        context.on("console", lambda message: self._screen_console(screen, message))
        context.on("weberror", lambda error: self.append(f"{screen}: uncaught: {error.error}"))
        context.on("response", lambda response: self._screen_response(screen, response))

    def _screen_console(self, screen: str, message: ConsoleMessage) -> None:
        """Keep a console error, unless it is the expected noise of a screen that is offline."""
        if screen in self.offline and any(n in message.text for n in self.OFFLINE_NOISE):
            return
        before = len(self)
        self._console(message)
        self[before:] = self._keep(screen, self[before:])

    def _screen_response(self, screen: str, response: Response) -> None:
        """Keep a failed load, except a conflict (409): the board answers a stale save with one."""
        if response.status == 409:
            return
        before = len(self)
        self._response(response)
        self[before:] = self._keep(screen, self[before:])


@dataclass
class Screens:
    """Opens projector and phone contexts, watches them for errors and takes their screenshots."""

    browser: Browser
    errors: LiveErrors
    folder: Path
    contexts: list[BrowserContext]

    def open(self, kind: str, name: str) -> tuple[BrowserContext, Page]:
        """A new browser context at the size of a projector or a phone, and its page."""
        context = self.browser.new_context(**SCREENS[kind])
        context.set_default_timeout(10_000)
        self.errors.watch_screen(context, name)
        self.contexts.append(context)
        return context, context.new_page()

    def set_offline(self, context: BrowserContext, name: str, offline: bool) -> None:
        """Cut a screen off the network, or give it back."""
        if offline:
            self.errors.offline.add(name)
        context.set_offline(offline)

    def back_online(self, name: str) -> None:
        """Count the screen's errors again (call once its pending changes are saved)."""
        self.errors.offline.discard(name)

    def shoot(self, page: Page, step: str, screen: str, at: Locator | None = None) -> Path:
        """Save test-results/screenshots/live-<step>-<screen>.png: the screen as its user sees it.

        With `at`, the page is scrolled to that element first. The caret is left alone: hiding it
        leaves `style=""` on every field, which htmx copies onto swapped-in fields, and the CSP
        then (rightly) logs each copy as a violation.
        """
        if at is not None:
            # A push may swap the element out meanwhile: the picture is still worth taking.
            with suppress(PlaywrightError):
                at.scroll_into_view_if_needed(timeout=2_000)
        path = self.folder / f"live-{step}-{screen}.png"
        page.screenshot(path=str(path), caret="initial")
        return path

    def shoot_whole(self, page: Page, step: str, screen: str) -> Path:
        """Save the whole page, top to bottom, as live-<step>-<screen>.png."""
        path = self.folder / f"live-{step}-{screen}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path


@pytest.fixture
def screens(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Screens]:
    """Browser contexts for one test, closed at its end."""
    folder = request.config.rootpath / "test-results" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    opened = Screens(browser, LiveErrors(), folder, [])
    try:
        yield opened
    finally:
        for context in opened.contexts:
            context.close()
