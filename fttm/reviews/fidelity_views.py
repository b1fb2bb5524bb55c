"""Fidelity indicators for staff: per meeting and summed over a team."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("fidelity", __name__)
