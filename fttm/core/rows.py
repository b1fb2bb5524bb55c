"""Optimistic concurrency for every versioned row (board items, action cells, people, lines,
connections): the version check and its write are one statement, so two editors who started
from the same version can never both win, on SQLite or PostgreSQL.

A row's `version` moves on with every change to it. `claim` moves it on only if it is still the
version the editor saw (`UPDATE … WHERE version = :seen`, its row count checked); `bump` moves it
on whatever it is. Both take the row's write lock until the transaction ends, so what is checked
after a claim cannot change underneath it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from fttm.extensions import db


def claim(item, seen: int) -> bool:
    """Move the row's version from `seen` to the next; False (nothing written) if it has moved."""
    model = type(item)
    result = db.session.execute(
        sa.update(model)
        .where(model.id == item.id, model.version == seen)
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(item, "version", seen + 1)
    return True


def bump(item) -> None:
    """Move the row's version on by one, whatever it is now (a change no editor based on it)."""
    model = type(item)
    version = db.session.execute(
        sa.update(model)
        .where(model.id == item.id)
        .values(version=model.version + 1)
        .returning(model.version)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(item, "version", version)


def reread(item) -> None:
    """Load the row again as committed now (after a claim found that someone changed it)."""
    db.session.refresh(item)
