"""The real server for live-board browser tests: `fttm serve` (eventlet) in its own process.

The board needs WebSockets, which werkzeug's threaded test server does not speak, so these tests
start the app the way `make run` does: `fttm db upgrade`, `fttm demo`, then `fttm serve`. Seeding
runs once per module; each test serves its own copy of the seeded SQLite file.
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
from collections.abc import Iterator
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

from tests.browser.conftest import VIEWPORTS, BrowserErrors

BIN = Path(sys.executable).parent
FTTM = BIN / "fttm"
STARTUP_SECONDS = 15
SCREENS = {"projector": VIEWPORTS["desktop"], "phone": VIEWPORTS["phone"]}


@dataclass(frozen=True)
class ServedApp:
    """A served fttm with the demo seeded: where it is, who can sign in, and the demo meeting."""

    url: str
    email: str
    password: str
    meeting_id: int
    join_code: str  # as shown on the projector, "ACF 34X"

    @property
    def board_url(self) -> str:
        """The staff board of the demo meeting."""
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


def parse_demo_output(output: str) -> tuple[str, str, int, str]:
    """The facilitator's email and password, the demo meeting's id and its join code."""
    login = re.search(r"^Sign in as facilitator: (\S+) / password: (\S+)$", output, re.M)
    board = re.search(r"^Demo meeting board: \S*/meetings/(\d+)\S*$", output, re.M)
    code = re.search(r"^Demo meeting join code: (\w{3} \w{3})$", output, re.M)
    assert login and board and code, f"unexpected `fttm demo` output:\n{output}"
    return login[1], login[2], int(board[1]), code[1]


def _healthy(url: str) -> bool:
    """Whether the server answers its health check with 200."""
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class SeededDemo:
    """A migrated SQLite file with the demo seeded, and what `fttm demo` printed about it."""

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
    }
    env.pop("FTTM_ASYNC_MODE", None)
    return env


@pytest.fixture(scope="module")
def seeded_demo(tmp_path_factory: pytest.TempPathFactory) -> SeededDemo:
    """Migrate and seed once per module; each test serves its own copy (seeding takes ~3 s)."""
    database = tmp_path_factory.mktemp("seeded") / "live.sqlite3"
    secret_key = secrets.token_urlsafe(32)
    env = server_env(database, secret_key)
    run = {"env": env, "check": True, "capture_output": True, "text": True, "timeout": 60}
    subprocess.run([FTTM, "db", "upgrade"], **run)
    # The links it prints name a placeholder site: only the meeting's id is read from them.
    demo = subprocess.run([FTTM, "demo", "--site", "http://127.0.0.1"], **run)
    return SeededDemo(database, secret_key, *parse_demo_output(demo.stdout))


@pytest.fixture
def served_app(seeded_demo: SeededDemo, tmp_path: Path) -> Iterator[ServedApp]:
    """`fttm serve` (eventlet) on a free port, on a fresh copy of the seeded database."""
    database = tmp_path / "live.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = seeded_demo.path.with_name(seeded_demo.path.name + suffix)
        if source.exists():
            shutil.copyfile(source, database.with_name(database.name + suffix))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [FTTM, "serve", "--port", str(port)],
            env=server_env(database, seeded_demo.secret_key),
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
            seeded_demo.email,
            seeded_demo.password,
            seeded_demo.meeting_id,
            seeded_demo.join_code,
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
