"""Which PostgreSQL driver a database URL gets, and refusing one that would block the server."""

from __future__ import annotations

import pytest

from fttm.database import make_driver_cooperative, normalized_url


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://fttm@db/fttm", "postgresql+psycopg2://fttm@db/fttm"),
        ("postgresql://fttm@db/fttm", "postgresql+psycopg2://fttm@db/fttm"),
        ("postgresql+psycopg2://fttm@db/fttm", "postgresql+psycopg2://fttm@db/fttm"),
        ("postgresql+psycopg://fttm@db/fttm", "postgresql+psycopg://fttm@db/fttm"),
        ("sqlite:////srv/fttm.sqlite3", "sqlite:////srv/fttm.sqlite3"),
    ],
)
def test_postgres_urls_without_a_driver_use_psycopg2(given, used):
    """An operator's plain PostgreSQL URL gets the driver that cooperates with eventlet."""
    assert normalized_url(given) == used


def test_psycopg3_is_refused_under_eventlet_with_a_clear_message():
    """psycopg 3 would stall every socket during each query under eventlet: say what to use."""
    with pytest.raises(RuntimeError, match=r"postgresql:// URL"):
        make_driver_cooperative("postgresql+psycopg://fttm@db/fttm", "eventlet")


def test_sqlite_and_threading_need_nothing():
    """SQLite, and PostgreSQL under threads, are left as they are."""
    make_driver_cooperative(None, "eventlet")
    make_driver_cooperative("sqlite:////srv/fttm.sqlite3", "eventlet")
    make_driver_cooperative("postgresql+psycopg://fttm@db/fttm", "threading")
