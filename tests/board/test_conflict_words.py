"""A conflict in the actions table tells the person what they chose in the words they chose it
in: the status as the list shows it, a person's name, a date as the board writes dates.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from fttm.board.models import Action
from fttm.templating import local_date
from tests import factories
from tests.helpers import latest_id

SOON = date.today() + timedelta(days=10)
LATER = date.today() + timedelta(days=40)


def _conflict(response) -> str:
    """The words of the conflict message in a 409 answer."""
    assert response.status_code == 409
    found = re.search(r'<p class="conflict">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert found, "no conflict message"
    return html.unescape(found.group(1))


def _stale_edit(live, maria, nan, cell: str, marias: str, nans: str):
    """Maria saves the cell first; Nan, from the same version, saves hers: Nan's answer."""
    live.staff.add("action", {"what": "Someone calls the school"})
    action_id = latest_id(Action)
    assert maria.edit("action", action_id, {cell: marias, "base_version": "0"}).status_code == 200
    return nan.edit("action", action_id, {cell: nans, "base_version": "0"})


@pytest.mark.parametrize(
    ("cell", "marias", "nans", "shown"),
    [
        ("status", "in_progress", "done", "Done"),
        ("status", "done", "not_done", "Not done"),
        ("due_on", SOON.isoformat(), LATER.isoformat(), None),
        ("who", "service:Parent education", "service:Family therapy", "Family therapy"),
    ],
)
def test_a_conflict_says_what_was_chosen_in_words(live, maria, nan, cell, marias, nans, shown):
    """Not "What you typed was: 'done'" but what the list showed, or the date as written."""
    words = _conflict(_stale_edit(live, maria, nan, cell, marias, nans))

    if shown is None:
        shown = local_date(LATER)
    assert f"You chose: {shown}" in words
    assert nans not in words


def test_a_conflict_names_the_person_chosen_as_who(live, maria, nan):
    """Choosing someone of the meeting or of the family map shows their name, not their id."""
    rosa = factories.make_person(live.case.id, "Rosa Delgado")
    nan_is = f"participant:{nan.participant_id}"
    words = _conflict(_stale_edit(live, maria, nan, "who", nan_is, f"person:{rosa.id}"))

    assert "You chose: Rosa Delgado" in words
    assert "person:" not in words


def test_a_conflict_on_words_still_quotes_what_was_typed(live, maria, nan):
    """Typed words are given back as typed, to copy again."""
    words = _conflict(
        _stale_edit(live, maria, nan, "what", "Maria calls the school", "Nan calls the nurse")
    )

    assert "What you typed was: “Nan calls the nurse”" in words
