"""A meeting's transcript counts and numbers its own events: the total it states is the number of
events listed, and the slider speaks of "event 3 of 12" in that meeting, never of the case's
running numbers (a review meeting's first event may be the case's hundred-and-first).
"""

from __future__ import annotations

import html
import re

from fttm.board.commands import add_item
from fttm.core.viewers import Viewer
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.transcript.reading import seq_range
from tests import factories

STRENGTHS = ("Leo reads every evening", "Maria cooks with Leo", "Nan drives Leo to football")


def _review_meeting(facilitator, case):
    """A first meeting held with some changes, then a review meeting with three strengths."""
    first = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, first)
    staff = Viewer(first, join_as_staff(facilitator, first), facilitator)
    for number in range(12):
        add_item(staff, "worry", {"text": f"Worry number {number}"})
    end_meeting(facilitator, first)
    review = factories.make_meeting(facilitator, case, days_ahead=90, purpose="review_90_day")
    start_meeting(facilitator, review)
    staff = Viewer(review, join_as_staff(facilitator, review), facilitator)
    for text in STRENGTHS:
        add_item(staff, "strength", {"text": text})
    end_meeting(facilitator, review)
    return review


def _text(response) -> str:
    """A page's text with entities decoded and tags left in."""
    return html.unescape(response.get_data(as_text=True))


def test_the_total_and_the_numbers_are_the_meetings_own(
    client, auth, supervisor, facilitator, case
):
    """N events listed, "N events." said, and the slider at "Event N of N"."""
    review = _review_meeting(facilitator, case)
    first_seq, last_seq = seq_range(review)
    assert first_seq > 15, "the review's events are numbered after the first meeting's"
    auth.login(supervisor)

    page = _text(client.get(f"/meetings/{review.id}/transcript"))

    listed = page.count('<li class="transcript-event')
    assert f"{listed} events." in page
    assert f"Event {listed} of {listed}" in page
    hidden = [int(n) for n in re.findall(r"\(event (\d+)\)", page)]
    assert hidden == list(range(1, listed + 1))
    assert f"Event {last_seq}" not in page and f"event {last_seq})" not in page

    first = _text(client.get(f"/meetings/{review.id}/transcript/board?seq={first_seq}"))
    assert f"Event 1 of {listed}" in first
