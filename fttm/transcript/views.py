"""Staff read a meeting's transcript: as sentences, filtered, replayed, and exported."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("transcript", __name__)
