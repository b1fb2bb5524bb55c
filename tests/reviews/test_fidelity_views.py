"""The fidelity pages: staff of the case's team read one ended meeting's indicators and their
team's sums over a period; nobody else learns the meetings exist.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from fttm.board.commands import add_item
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import admit, join_as_staff, join_meeting
from fttm.meetings.commands import end_meeting, start_meeting
from tests import factories

SOON = (date.today() + timedelta(days=30)).isoformat()


def result_of(page: str, key: str) -> str:
    """The words of an indicator's first entry on a page (a list item or a table row), tags
    taken out and spaces joined.
    """
    match = re.search(rf'<(li|tr)[^>]*data-indicator="{key}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"no indicator {key} on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


def held_meeting(facilitator, case, *, ended_days_ago: int = 0):
    """A meeting of `case` where Maria (parent) wrote a strength and an action; then it ended."""
    meeting = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, meeting)
    staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    maria = join_meeting(meeting, display_name="Maria", role="parent")
    admit(staff.participant, maria)
    mum = Viewer(meeting, maria)
    add_item(mum, "strength", {"text": "Maria walks the children to school"})
    add_item(
        mum,
        "action",
        {"what": "Maria books the dentist for Leo", "who_service": "Maria", "due_on": SOON},
    )
    add_item(staff, "action", {"what": "Try to improve routines"})
    end_meeting(facilitator, meeting)
    if ended_days_ago:
        meeting.ended_at -= timedelta(days=ended_days_ago)
        db.session.commit()
    return meeting


@pytest.fixture
def held(facilitator, case):
    """An ended meeting of the facilitator's case."""
    return held_meeting(facilitator, case)


@pytest.fixture
def theirs():
    """An ended meeting of another team's case."""
    stranger = factories.make_user(team=factories.make_team("South Team"), name="Other Olga")
    return held_meeting(stranger, factories.make_case(stranger, family_name="Strangers"))


@pytest.mark.parametrize("who", ["facilitator", "supervisor"])
def test_team_staff_read_a_meetings_indicators(request, client, auth, held, who):
    auth.login(request.getfixturevalue(who))

    response = client.get(f"/meetings/{held.id}/fidelity")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Fidelity indicators" in page
    assert "css/fidelity.css" in page
    assert result_of(page, "family_voice").startswith(
        "✓ Met : The family's suggestions and comments are documented "
        "2 of 3 items and edits came from the family"
    )
    actions = result_of(page, "specific_actions")
    assert actions.startswith("✗ Not met : Every action is behaviourally specific")
    assert "“Try to improve routines” lacks: exactly what will be done, who, and by when" in actions
    assert result_of(page, "safety_plan").startswith("\N{EN DASH} Does not apply")
    # its actions were written in the welcome phase, not a planning one: one more not met
    assert "3 of 6 indicators that apply are met." in page


def test_other_teams_admins_and_running_meetings_are_not_found(
    client, auth, facilitator, admin, case, theirs
):
    running = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, running)

    auth.login(facilitator)
    assert client.get(f"/meetings/{theirs.id}/fidelity").status_code == 404
    assert client.get(f"/meetings/{running.id}/fidelity").status_code == 404
    assert client.get("/meetings/999999/fidelity").status_code == 404
    auth.logout()

    auth.login(admin)
    end_meeting(facilitator, running)
    assert client.get(f"/meetings/{running.id}/fidelity").status_code == 404
    assert client.get("/fidelity").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, held):
    for path in (f"/meetings/{held.id}/fidelity", "/fidelity"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_team_summary_sums_the_last_90_days_by_default(
    client, auth, facilitator, supervisor, case, held, theirs
):
    old = held_meeting(facilitator, factories.make_case(facilitator), ended_days_ago=200)
    auth.login(supervisor)

    page = client.get("/fidelity").get_data(as_text=True)

    assert "Your team's fidelity" in page
    assert '<option value="90" selected>' in page
    assert "1 meeting ended in this period." in page
    assert f"/meetings/{held.id}/fidelity" in page
    assert f"/meetings/{old.id}/fidelity" not in page
    assert f"/meetings/{theirs.id}/fidelity" not in page and "Strangers" not in page
    family = result_of(page, "family_voice")
    assert family == (
        "The family's suggestions and comments are documented "
        "1 of 1 meeting where it applies (100%) 0 meetings"
    )
    assert "0 of 1 meeting where it applies (0%)" in result_of(page, "specific_actions")

    everything = client.get("/fidelity?period=all").get_data(as_text=True)
    assert "2 meetings ended in this period." in everything
    assert f"/meetings/{old.id}/fidelity" in everything
    assert "2 of 2 meetings where it applies (100%)" in result_of(everything, "family_voice")


def test_a_period_not_on_the_list_gets_a_clear_message(client, auth, facilitator, held):
    auth.login(facilitator)

    response = client.get("/fidelity?period=7")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose a period from the list: the last 30, 90 or 365 days, or all meetings." in page
    assert "meetings ended in this period" not in page and "meeting ended in" not in page


def test_a_team_with_no_ended_meetings_is_told_so(client, auth, facilitator):
    auth.login(facilitator)

    page = client.get("/fidelity?period=30").get_data(as_text=True)

    assert "0 meetings ended in this period." in page
    assert "No meeting of your team ended in this period." in page
