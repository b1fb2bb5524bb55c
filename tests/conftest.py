"""Shared fixtures: an app on a fresh SQLite file, a client, a CLI runner, and sign-in helpers."""

from __future__ import annotations

import contextvars
import re

import pytest
from flask.testing import FlaskClient

from fttm import create_app
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import start_meeting
from tests import factories

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class SeparateRequestClient(FlaskClient):
    """Runs each request in a fresh context, as a real server does: its own app context, `g` and
    database session, even while the test itself holds an app context open.
    """

    def open(self, *args, **kwargs):
        """Send one request (and follow its redirects) outside the test's context."""
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(tmp_path):
    """The app in testing mode with its own database file, tables created from the models."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fttm-test.sqlite3'}",
            "SECRET_KEY": "test-secret-key",
        }
    )
    app.test_client_class = SeparateRequestClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A browser-like HTTP client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs the app's CLI commands."""
    return app.test_cli_runner()


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    page = client.get(path)
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} (status {page.status_code})"
    return match.group(1)


def post_form(client, path: str, data: dict, *, form_page: str | None = None, **kwargs):
    """Submit a form the way a browser does: fetch the page for its CSRF token, then POST."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


class AuthActions:
    """Sign in and out as a given user."""

    def __init__(self, client):
        self._client = client

    def login(self, user, password: str = factories.PASSWORD):
        """Sign in through the real login form."""
        return post_form(self._client, "/login", {"email": user.email, "password": password})

    def logout(self):
        """Sign out through the real logout button."""
        return post_form(self._client, "/logout", {}, form_page="/cases/")


@pytest.fixture
def auth(client):
    """Sign-in helper bound to the client."""
    return AuthActions(client)


@pytest.fixture
def team(app):
    """A team with nothing in it yet."""
    return factories.make_team("North Team")


@pytest.fixture
def facilitator(team):
    """A facilitator of `team`."""
    return factories.make_user(team=team, role="facilitator", name="Fran Facilitator")


@pytest.fixture
def supervisor(team):
    """A supervisor of `team`."""
    return factories.make_user(team=team, role="supervisor", name="Sam Supervisor")


@pytest.fixture
def admin(app):
    """An admin with no team."""
    return factories.make_user(team=None, role="admin", name="Ada Admin")


# A case with a live meeting, for command-layer tests (a module may define its own `meeting`).


@pytest.fixture
def case(facilitator):
    """A MiTEAM case of the facilitator's team."""
    return factories.make_case(facilitator)


@pytest.fixture
def meeting(facilitator, case):
    """A live meeting of the case."""
    meeting = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, meeting)
    return meeting


@pytest.fixture
def staff(facilitator, meeting) -> Viewer:
    """The facilitator at the projector."""
    return Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)


# A live meeting over HTTP and Socket.IO, for the board's page, socket and confidentiality tests.


@pytest.fixture(autouse=True)
def _fresh_live_state():
    """Presence, socket registrations and rate counts from other tests do not leak in."""
    from tests.board import helpers  # imports this module: loaded late to avoid a cycle

    helpers.forget_live_state()
    yield
    helpers.forget_live_state()


@pytest.fixture
def live(app, client, auth, facilitator):
    """A live meeting with the facilitator at the projector."""
    from tests.board.helpers import LiveMeeting

    auth.login(facilitator)
    meeting = LiveMeeting(app, client, facilitator).start()
    yield meeting
    meeting.close()


@pytest.fixture
def maria(live):
    """Maria, a parent, admitted on her phone."""
    return live.phone("Maria", "parent")


@pytest.fixture
def nan(live):
    """Nan, a relative, admitted on her phone."""
    return live.phone("Nan", "relative")
