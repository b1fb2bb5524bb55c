"""Fixtures for the security tests: the app on SQLite or on a real PostgreSQL, side by side.

A module that wants both databases overrides `app` with `app_on_each_database`, so that `live`,
`maria` and the rest run on each in turn. PostgreSQL is a real server (`tests/integration/servers`),
one per test session, with a fresh database per test; absent, it is skipped with how to install
it, except under CI, where that fails.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from fttm import create_app
from fttm.extensions import db
from tests.helpers import SeparateRequestClient


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL for the whole run."""
    from tests.integration import servers

    with servers.postgres_server() as server:
        yield server


@pytest.fixture
def postgres_database(postgres_server) -> str:
    """A fresh, empty database on the session's PostgreSQL."""
    import psycopg2

    name = f"fttm_{secrets.token_hex(6)}"
    connection = psycopg2.connect(
        host="127.0.0.1", port=postgres_server.port, user="fttm", dbname="fttm"
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name} OWNER fttm")
    finally:
        connection.close()
    return f"postgresql://fttm@127.0.0.1:{postgres_server.port}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def app_on_each_database(request, tmp_path) -> Iterator:
    """The app in testing mode on a fresh database: a SQLite file, then a real PostgreSQL.

    A crash comes back as the 500 page a person would see, not as an exception in the test.
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fttm-test.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_database")
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url, "SECRET_KEY": "test-secret-key"})
    app.test_client_class = SeparateRequestClient
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()
