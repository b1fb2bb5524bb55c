"""Whose language a request is in: the signed-in account's, or the phone's participant's.

Registered with `fttm.languages.language_choosers` by the app, before the browser's own choice.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user

from fttm.joining import tokens
from fttm.languages import language_choosers, normalize


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
    held = tokens.holder(meeting_id)
    return normalize(held[0].language) if held else None


def register() -> None:
    """Put these choosers in `fttm.languages.pick`, once."""
    for chooser in (account_language, participant_language):
        if chooser not in language_choosers:
            language_choosers.append(chooser)
