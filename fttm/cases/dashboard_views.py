"""The team dashboard: what is due soon and what is overdue, for facilitators and supervisors."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
