"""Gentle hints when an action is not yet SMART (seed 002): who does it, by when, what exactly."""

from __future__ import annotations

import re

from fttm.board.models import Action, ActionStatus
from fttm.languages import gettext as _

# Words that promise effort rather than say what will be done.
VAGUE = re.compile(
    r"\b(try|trying|work on|be (?:more|better|nicer)|improve|as needed|as appropriate|"
    r"address|deal with|continue to|engage|cooperate|comply)\b",
    re.IGNORECASE,
)
MIN_WORDS = 4


def smart_hints(action: Action) -> list[str]:
    """What an action still lacks to be specific and timely; empty when it looks SMART."""
    if action.status in (ActionStatus.DONE, ActionStatus.NOT_DONE):
        return []
    hints = []
    if not (action.who_participant_id or action.who_person_id or action.who_service):
        hints.append(_("Who will do this?"))
    if action.due_on is None:
        hints.append(_("By when?"))
    if len(action.what.split()) < MIN_WORDS or VAGUE.search(action.what):
        hints.append(
            _("Could it say exactly what will be done, so everyone can tell when it is done?")
        )
    return hints
