"""The migrations: they build the schema the models describe, undo cleanly, and set SQLite up
safely, with the transcript and plan versions protected by the database itself.
"""

from __future__ import annotations

import logging

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fttm import create_app
from fttm.extensions import db
from fttm.meetings.models import MeetingStatus
from fttm.transcript.models import TranscriptEvent
from tests import factories

HEAD = "7c3f9e1a2b64"

# Flask-Migrate's stock env.py tries Flask-SQLAlchemy's deprecated `get_engine()` first and falls
# back to `engine` when it is gone, so the warning is noise from the generated template.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def quiet_alembic():
    """Put logging back after Alembic's env.py reconfigures it from alembic.ini (fileConfig
    disables every existing logger and replaces the root handlers), so later tests still log.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    disabled = {
        name: logger.disabled
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    levels = {
        name: logging.getLogger(name).level
        for name in ("alembic", "flask_migrate", "sqlalchemy.engine")
    }
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


@pytest.fixture
def migrated(tmp_path, quiet_alembic):
    """An app on a fresh SQLite file built only by the migrations (no create_all)."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.sqlite3'}",
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def _schema_differences() -> list:
    """What autogenerate would still write: differences between the database and the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def _tables() -> set[str]:
    """The tables the database has now."""
    with db.engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def _pragma(name: str):
    """One SQLite setting as a fresh connection sees it."""
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_migrations_build_exactly_the_schema_of_the_models(migrated):
    """Nothing is missing and nothing is extra: autogenerate finds no difference."""
    assert _schema_differences() == []
    assert set(db.metadata.tables) | {"alembic_version"} == _tables()


def test_migrated_database_is_at_head_and_healthz_says_so(migrated):
    """Operators can check a deploy's schema revision from /healthz."""
    with db.engine.connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
        )
    response = migrated.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["schema"] == HEAD


def test_downgrade_to_base_and_upgrade_again(migrated):
    """A migration can be undone completely and redone, leaving the same schema."""
    flask_migrate.downgrade(revision="base")
    assert _tables() <= {"alembic_version"}
    with db.engine.connect() as connection:
        triggers = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).all()
    assert triggers == []
    flask_migrate.upgrade()
    assert _schema_differences() == []
    assert set(db.metadata.tables) <= _tables()


def test_sqlite_is_set_up_to_survive_crashes_and_concurrent_writers(migrated):
    """WAL journal, synchronous=FULL, foreign keys enforced and a busy timeout."""
    assert _pragma("journal_mode") == "wal"
    assert _pragma("synchronous") == 2
    assert _pragma("foreign_keys") == 1
    assert _pragma("busy_timeout") > 0
    assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(migrated):
    """A row pointing at nothing is refused by the database."""
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO users (email, name, password_hash, role, team_id, active, "
            "session_nonce, created_at) VALUES ('x@agency.example', 'X', 'h', 'facilitator', "
            "987654, 1, 'n', '2026-01-01 00:00:00')"
        )


@pytest.fixture
def history(migrated):
    """A case with transcript events and a plan version, written on the migrated database."""
    team = factories.make_team("North Team")
    user = factories.make_user(team=team)
    case = factories.make_case(user)
    meeting = factories.make_meeting(user, case)
    meeting.status = MeetingStatus.ENDED
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO plan_versions (case_id, meeting_id, number, snapshot, created_at) "
                "VALUES (:case, :meeting, 1, '{\"goals\": []}', '2026-01-01 00:00:00')"
            ),
            {"case": case.id, "meeting": meeting.id},
        )
    return case


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE transcript_events SET kind = 'case.forged', actor_name = 'Someone else'",
        "DELETE FROM transcript_events",
    ],
)
def test_the_database_refuses_to_rewrite_the_transcript(history, statement):
    """Even raw SQL, bypassing fttm, cannot change or delete a transcript event."""
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.exec_driver_sql(statement)
    kinds = db.session.scalars(sa.select(TranscriptEvent.kind).order_by(TranscriptEvent.seq))
    assert list(kinds) == ["case.opened", "meeting.scheduled"]


@pytest.mark.parametrize(
    "statement",
    [
        'UPDATE plan_versions SET snapshot = \'{"goals": ["forged"]}\'',
        "DELETE FROM plan_versions",
    ],
)
def test_the_database_refuses_to_change_a_plan_version(history, statement):
    """What the family agreed to stays as it was, whatever SQL is run."""
    with pytest.raises(sa.exc.DatabaseError, match="immutable"), db.engine.begin() as connection:
        connection.exec_driver_sql(statement)
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT snapshot FROM plan_versions").all()
    assert rows == [('{"goals": []}',)]


def test_transcript_events_can_still_be_added(history):
    """Append-only is not read-only: new changes keep being recorded."""
    user = factories.make_user(team=history.team)
    factories.make_meeting(user, history)
    assert (
        db.session.scalar(
            sa.select(sa.func.max(TranscriptEvent.seq)).where(TranscriptEvent.case_id == history.id)
        )
        == 3
    )
