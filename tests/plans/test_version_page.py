"""The plan version page: staff of the case's team read the plan a meeting ended with and what
changed since the version before; nobody else learns it exists.
"""

from __future__ import annotations

from fttm.board.commands import add_item, edit_item
from fttm.core.viewers import Viewer
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, start_meeting
from tests import factories


def test_staff_read_the_version_and_what_changed(client, auth, facilitator, supervisor, case):
    first = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, first)
    staff = Viewer(first, join_as_staff(facilitator, first), facilitator)
    action = add_item(staff, "action", {"what": "Call the school weekly", "who_service": "Ana"})
    end_meeting(facilitator, first)
    review = factories.make_meeting(facilitator, case, days_ahead=90, purpose="review_90_day")
    start_meeting(facilitator, review)
    staff = Viewer(review, join_as_staff(facilitator, review), facilitator)
    edit_item(staff, "action", action.id, {"status": "done"}, base_versions={"status": 0})
    add_item(staff, "strength", {"text": "Leo goes to school every day"})
    end_meeting(facilitator, review)

    auth.login(supervisor)
    page = client.get(f"/meetings/{review.id}/plan").get_data(as_text=True)

    assert "Plan version 2" in page and "Since version 1" in page
    assert "Completed" in page and "Call the school weekly" in page
    assert "Added" in page and "Leo goes to school every day" in page
    shown = client.get(f"/meetings/{review.id}").get_data(as_text=True)
    assert f'href="/meetings/{review.id}/plan"' in shown and "See plan version 2" in shown
    first_page = client.get(f"/meetings/{first.id}/plan").get_data(as_text=True)
    assert "Plan version 1" in first_page and "The first plan for this case" in first_page
    assert "Since version" not in first_page


def test_no_version_or_another_team_is_not_found(client, auth, facilitator, case):
    running = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, running)
    other = factories.make_user(team=factories.make_team("South Team"))
    theirs = factories.make_meeting(other, factories.make_case(other))
    start_meeting(other, theirs)
    end_meeting(other, theirs)

    auth.login(facilitator)

    assert client.get(f"/meetings/{running.id}/plan").status_code == 404
    assert client.get(f"/meetings/{theirs.id}/plan").status_code == 404
    assert client.get("/meetings/999999/plan").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, facilitator, case):
    meeting = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, meeting)
    end_meeting(facilitator, meeting)

    response = client.get(f"/meetings/{meeting.id}/plan")

    assert response.status_code == 302 and "/login" in response.headers["Location"]
