"""Choosing a language in one tap: the switch in every page's header posts here.

Staff keep their choice in their account; a phone in its participant (of the meeting it is on),
so every screen of theirs, and every push, follows; the browser keeps it in a cookie too, for the
join page and the waiting room. The page comes back in the new language at the same place; the
words someone had typed but not sent are carried over the reload by js/language.js.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user

from fttm.extensions import db
from fttm.joining import tokens
from fttm.languages import COOKIE, COOKIE_DAYS, normalize, use
from fttm.languages import gettext as _
from fttm.meetings.models import Participant
from fttm.routing import MAX_ID, safe_next

bp = Blueprint("languages", __name__)


@bp.post("/language")
def choose():
    """Speak `language` from now on: this account, this meeting's participant, this browser."""
    language = normalize(request.form.get("language"))
    back = safe_next(request.form.get("next")) or _page_sent_from() or url_for("auth.home")
    if language is None:
        flash(_("That language is not available. Choose English or Français."), "error")
        return redirect(back, code=303)
    if current_user.is_authenticated:
        current_user.language = language
    elif (participant := _participant(request.form.get("meeting"))) is not None:
        participant.language = language
    db.session.commit()
    use(language)
    response = redirect(back, code=303)
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_DAYS * 24 * 60 * 60,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _page_sent_from() -> str | None:
    """The page of this site the switch was tapped on (the page carries no address of its own:
    an error page must read the same whatever was asked)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path) if referrer.path else None


def _participant(raw: str | None) -> Participant | None:
    """The participant whose phone this is, in the meeting the page was about (if any)."""
    if not raw or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        return None
    held = tokens.holder(int(raw))
    return held[0] if held else None
