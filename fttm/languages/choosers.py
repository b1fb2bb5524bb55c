"""Whose language a request is in: the signed-in account's, or the phone's participant's.

Registered with `fttm.languages.language_choosers` by the app, before the browser's own choice.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user

from fttm.extensions import db
from fttm.joining import tokens
from fttm.languages import language_choosers, normalize
from fttm.meetings.models import Participant


def account_language() -> str | None:
    """The signed-in account's language, if it chose one."""
    if current_user and current_user.is_authenticated:
        return normalize(current_user.language)
    return None


def participant_language() -> str | None:
    """The language of the participant whose phone asks about the meeting in the URL."""
    meeting_id = (request.view_args or {}).get("meeting_id")
    if not isinstance(meeting_id, int):
        return None
    token = tokens.read(meeting_id)
    if token is None:
        return None
    participant = db.session.get(Participant, token.participant_id)
    if participant is None or participant.meeting_id != meeting_id:
        return None
    if not tokens.nonce_matches(participant, token):
        return None
    return normalize(participant.language)


def register() -> None:
    """Put these choosers in `fttm.languages.pick`, once."""
    for chooser in (account_language, participant_language):
        if chooser not in language_choosers:
            language_choosers.append(chooser)
