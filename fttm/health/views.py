"""`/healthz` for load balancers and operators."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from fttm.extensions import csrf, db

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
@csrf.exempt
def healthz():
    """200 with {"status": "ok"} when the database answers, 503 otherwise."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        logger.exception("health check: database unavailable")
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok", schema=_schema_revision())


def _schema_revision() -> str | None:
    """The migration the database is at, for operators checking a deploy; None if unmigrated."""
    try:
        with db.session.begin_nested():
            return db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    except SQLAlchemyError:
        return None
