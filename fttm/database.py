"""Where the database lives and how SQLite is set up to be safe with several writers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

_pragmas_enabled = False


def url_for_app(app: Flask) -> str:
    """`FTTM_DATABASE_URL` if set, else a SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{Path(app.instance_path) / 'fttm.sqlite3'}"


def engine_options(app: Flask) -> dict:
    """Engine settings: an in-memory SQLite database is shared by all threads of one process."""
    if app.config["SQLALCHEMY_DATABASE_URI"] in {"sqlite://", "sqlite:///:memory:"}:
        return {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return {"connect_args": {"check_same_thread": False}}
    return {"pool_pre_ping": True}


def enable_sqlite_pragmas(busy_timeout_ms: int) -> None:
    """Every SQLite connection: WAL journal, synchronous=FULL, foreign keys on, a busy timeout."""
    global _pragmas_enabled
    if _pragmas_enabled:
        return
    _pragmas_enabled = True

    @event.listens_for(Engine, "connect")
    def _set_pragmas(dbapi_connection, connection_record) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()
