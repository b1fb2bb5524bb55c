"""Shared fixtures: an app on a fresh SQLite file, a client, a CLI runner, sign-in, the staff and
cases most tests start from, and a live meeting (helpers in `tests/helpers.py`, rows made by
`tests/factories.py`)."""

from __future__ import annotations

import pytest

from fttm import create_app, publisher
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import start_meeting
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.catalogues import compile_stale
from tests.helpers import AuthActions, SeparateRequestClient, forget_live_state
from tests.live_meeting import LiveMeeting


def pytest_sessionstart(session):
    """Compile the translation catalogues whose .po changed (their .mo files are not committed)."""
    compile_stale()


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


@pytest.fixture
def published():
    """Every batch of events handed to the screens after a commit, one list per change."""
    batches: list[list[TranscriptEvent]] = []
    unsubscribe = publisher.subscribe(batches.append)
    yield batches
    unsubscribe()


# A live meeting over HTTP and Socket.IO, for the board's page, socket and confidentiality tests.


@pytest.fixture(autouse=True)
def _fresh_live_state():
    """Presence, socket registrations and rate counts from other tests do not leak in."""
    forget_live_state()
    yield
    forget_live_state()


@pytest.fixture
def live(app, client, auth, facilitator):
    """A live meeting with the facilitator at the projector."""
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
