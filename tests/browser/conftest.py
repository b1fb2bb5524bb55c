"""Browser fixtures: the real app served on loopback, and Debian's Chromium at two sizes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page
from werkzeug.serving import make_server

from fttm import create_app
from fttm.extensions import db
from tests import factories
from tests.browser.pages import VIEWPORTS, BrowserErrors, LiveServer

CHROMIUM = "/usr/bin/chromium"
# We run as root in a container with no internet: no sandbox, and no calls home to Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    """The app on its own SQLite file, served by werkzeug in a thread, with one facilitator."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
            "SECRET_KEY": "browser-test-secret",
        }
    )
    email = "fran.facilitator@agency.example"
    with app.app_context():
        db.create_all()
        team = factories.make_team("North Team")
        facilitator = factories.make_user(
            team=team, role="facilitator", name="Fran Facilitator", email=email
        )
        facilitator_id = facilitator.id
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            url=f"http://127.0.0.1:{server.server_port}",
            email=email,
            password=factories.PASSWORD,
            facilitator_id=facilitator_id,
            app=app,
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    """The --base-url option, as pytest-playwright gives it.

    Replaces pytest-playwright 0.10's own fixture, a session fixture written as an instance
    method, which pytest 9 warns about (PytestRemovedIn10Warning, an error under our settings).
    """
    return pytestconfig.getoption("--base-url") or None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium rather than a Playwright download."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    """The screen the test runs on: a desktop monitor, then a phone in the hand."""
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args: dict, viewport: str) -> dict:
    """Every browser context of a test gets the screen size of its viewport."""
    return {**browser_context_args, **VIEWPORTS[viewport]}


@pytest.fixture
def shoot(request: pytest.FixtureRequest, viewport: str) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot as test-results/screenshots/<viewport>-<step>.png."""
    folder = request.config.rootpath / "test-results" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, step: str) -> Path:
        """Screenshot `page` for the step called `step`."""
        path = folder / f"{viewport}-{step}.png"
        # caret="initial": hiding the caret leaves style="" on inputs, which a strict CSP reports.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return take


@pytest.fixture
def browser_errors(context: BrowserContext) -> BrowserErrors:
    """The errors the test's pages have logged so far; the test's own context is watched."""
    errors = BrowserErrors()
    errors.watch(context)
    return errors
