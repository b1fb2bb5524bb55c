"""Where the database lives and how SQLite is set up to be safe with several writers."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

from fttm.extensions import db

# PostgreSQL URLs that mean "whichever driver": we pick psycopg2, which psycogreen makes cooperate
# with eventlet and gevent. `postgres://` is what Heroku-style platforms hand out.
_ANY_POSTGRES_DRIVER = ("postgres://", "postgresql://")
PSYCOPG2 = "postgresql+psycopg2://"


def url_for_app(app: Flask) -> str:
    """`FTTM_DATABASE_URL` if set, else a SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        return normalized_url(url)
    return f"sqlite:///{Path(app.instance_path) / 'fttm.sqlite3'}"


def normalized_url(url: str) -> str:
    """A database URL with its driver named: `postgres://` and `postgresql://` use psycopg2."""
    for prefix in _ANY_POSTGRES_DRIVER:
        if url.startswith(prefix):
            return PSYCOPG2 + url.removeprefix(prefix)
    return url


def make_driver_cooperative(url: str | None, async_mode: str) -> None:
    """Let the PostgreSQL driver wait on the event loop, not block it; call before connecting.

    psycopg2 waits for the server inside C code, which would stop every other socket of an
    eventlet or gevent worker for the length of each query: psycogreen hands that wait to the
    hub. (`eventlet.monkey_patch()` installs an equivalent callback itself; we set psycogreen's
    anyway, so the guarantee does not rest on a default.) psycopg 3 cooperates by itself under
    gevent, but not under eventlet.
    """
    url = normalized_url(url or "")
    if not url.startswith("postgresql") or async_mode not in {"eventlet", "gevent"}:
        return
    if url.startswith(PSYCOPG2):
        if async_mode == "eventlet":
            from psycogreen.eventlet import patch_psycopg
        else:
            from psycogreen.gevent import patch_psycopg
        patch_psycopg()
    elif async_mode == "eventlet":
        raise RuntimeError(
            "psycopg 3 blocks the eventlet server while it waits for PostgreSQL: set "
            "FTTM_DATABASE_URL to a postgresql:// URL (psycopg2, made cooperative by psycogreen)."
        )


def engine_options(app: Flask) -> dict:
    """Engine settings: an in-memory SQLite database is shared by all threads of one process."""
    if app.config["SQLALCHEMY_DATABASE_URI"] in {"sqlite://", "sqlite:///:memory:"}:
        return {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return {"connect_args": {"check_same_thread": False}}
    return {"pool_pre_ping": True}


def enable_sqlite_pragmas(app: Flask) -> None:
    """Every SQLite connection of this app: WAL journal, synchronous=FULL, foreign keys on, and
    the app's busy timeout. Call after `db.init_app(app)`.
    """
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(
                    engine,
                    "connect",
                    partial(_set_pragmas, int(app.config["SQLITE_BUSY_TIMEOUT_MS"])),
                )


def _set_pragmas(busy_timeout_ms: int, dbapi_connection, connection_record) -> None:
    """Set up one new SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    cursor.close()
