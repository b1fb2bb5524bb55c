"""The plan as documents: the family's copy (page and PDF), copies given, the case plan as JSON."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plan_documents", __name__)
