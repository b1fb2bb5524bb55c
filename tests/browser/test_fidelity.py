"""A supervisor reads the team's fidelity summary, then one meeting's indicators, on a desktop
and on a phone: every result is written in words, and nothing makes the page scroll sideways.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from fttm.auth.models import User
from fttm.board.commands import add_item
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import admit, join_as_staff, join_meeting
from fttm.meetings.commands import end_meeting, start_meeting
from tests import factories
from tests.browser.pages import BrowserErrors, LiveServer, expect_fits_screen

pytestmark = pytest.mark.browser

SUPERVISOR = "sam.supervisor@agency.example"


def hold_meetings(server: LiveServer) -> int:
    """Two ended meetings of the team (one on time with the family writing, one late and vague)
    and a supervisor; returns the late meeting's id.
    """
    with server.app.app_context():
        facilitator = db.session.get(User, server.facilitator_id)
        factories.make_user(
            team=facilitator.team, role="supervisor", name="Sam Supervisor", email=SUPERVISOR
        )
        rivera = factories.make_case(facilitator, family_name="Rivera")
        meeting = factories.make_meeting(facilitator, rivera)
        start_meeting(facilitator, meeting)
        staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
        ana = join_meeting(meeting, display_name="Ana", role="parent")
        admit(staff.participant, ana)
        due = (date.today() + timedelta(days=20)).isoformat()
        add_item(
            Viewer(meeting, ana),
            "action",
            {
                "what": "Ana takes Leo to the dentist on Tuesday",
                "who_service": "Ana",
                "due_on": due,
            },
        )
        end_meeting(facilitator, meeting)

        late = factories.make_case(
            facilitator, family_name="Okafor", substantiation_date=date.today() - timedelta(60)
        )
        meeting = factories.make_meeting(facilitator, late)
        start_meeting(facilitator, meeting)
        staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
        add_item(staff, "action", {"what": "Try to improve parenting"})
        add_item(staff, "safety_step", {"kind": "reactive", "text": "Call the on-call worker"})
        end_meeting(facilitator, meeting)
        late_id = meeting.id
        db.session.remove()
    return late_id


def test_supervisor_reads_the_team_summary_and_a_meeting(
    page: Page, live_server: LiveServer, shoot, browser_errors: BrowserErrors
):
    late_id = hold_meetings(live_server)
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email", exact=True).fill(SUPERVISOR)
    page.get_by_label("Password", exact=True).fill(live_server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your team's cases")).to_be_visible()

    page.goto(f"{live_server.url}/fidelity")
    expect(page.get_by_role("heading", name="Your team's fidelity")).to_be_visible()
    expect(page.get_by_text("2 meetings ended in this period.")).to_be_visible()
    timeframe = page.get_by_role("row", name=re.compile("within the required timeframe"))
    expect(timeframe).to_contain_text("1 of 2 meetings where it applies (50%)")
    okafor = page.locator(f'.fidelity-meetings li[data-meeting="{late_id}"]')
    expect(okafor.locator('[data-indicator="timeframe"]')).to_have_text("✗ Timeframe: not met")
    expect_fits_screen(page)
    shoot(page, "fidelity-1-team")

    page.get_by_label("Meetings that ended in").select_option("all")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/fidelity\?period=all$"))
    expect(page.get_by_label("Meetings that ended in")).to_have_value("all")

    okafor.get_by_role("link", name=re.compile("Okafor")).click()
    expect(page.get_by_role("heading", name="Fidelity indicators")).to_be_visible()
    actions = page.locator('[data-indicator="specific_actions"]')
    expect(actions).to_contain_text("Not met")
    expect(actions).to_contain_text("“Try to improve parenting” lacks")
    expect(page.locator('[data-indicator="safety_plan"]')).to_contain_text("Not met")
    # its action was written in the welcome phase, not a planning one (reviews/agenda_fidelity.py)
    expect(page.get_by_text("0 of 7 indicators that apply are met.")).to_be_visible()
    expect_fits_screen(page)
    shoot(page, "fidelity-2-meeting")
    assert browser_errors == []
