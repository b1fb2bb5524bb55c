"""The supervisor's review: plans waiting for endorsement, endorse or return, and what is due."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reviews", __name__)
