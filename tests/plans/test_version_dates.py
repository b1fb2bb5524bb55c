"""The plan version page writes its dates one way: an action's "by when", in the whole plan and in
what changed since the version before, as the page's other dates are written, never as ISO.
"""

from __future__ import annotations

import html
import re
from datetime import date

from fttm.board.commands import add_item, edit_item
from fttm.core.viewers import Viewer
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.templating import local_date
from tests import factories

FIRST_DUE = date(2026, 12, 20)
LATER_DUE = date(2027, 1, 15)
ADDED_DUE = date(2027, 2, 3)


def test_the_diff_and_the_plan_write_dates_in_words(client, auth, facilitator, supervisor, case):
    """By when was: 20 Dec 2026, and (by 15 Jan 2027), never 2026-12-20."""
    first = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, first)
    staff = Viewer(first, join_as_staff(facilitator, first), facilitator)
    action = add_item(
        staff, "action", {"what": "Call the school weekly", "due_on": FIRST_DUE.isoformat()}
    )
    end_meeting(facilitator, first)
    review = factories.make_meeting(facilitator, case, days_ahead=90, purpose="review_90_day")
    start_meeting(facilitator, review)
    staff = Viewer(review, join_as_staff(facilitator, review), facilitator)
    edit_item(
        staff, "action", action.id, {"due_on": LATER_DUE.isoformat()}, base_versions={"due_on": 0}
    )
    edit_item(staff, "action", action.id, {"status": "in_progress"}, base_versions={"status": 0})
    add_item(staff, "action", {"what": "Visit the clinic", "due_on": ADDED_DUE.isoformat()})
    end_meeting(facilitator, review)

    auth.login(supervisor)
    page = html.unescape(client.get(f"/meetings/{review.id}/plan").get_data(as_text=True))

    assert not re.search(r"\d{4}-\d{2}-\d{2}", page), "an ISO date on the page"
    assert f"By when was: {local_date(FIRST_DUE)}" in page
    assert f"Call the school weekly (by {local_date(LATER_DUE)})" in page
    assert f"Visit the clinic (by {local_date(ADDED_DUE)})" in page
    assert "Status was: Open" in page
