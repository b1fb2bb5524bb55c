"""A supervisor opens the team dashboard, sees an overdue and a due-soon case, and follows one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from fttm.auth.models import User
from fttm.extensions import db
from fttm.jurisdictions import profile
from tests import factories
from tests.browser.pages import BrowserErrors, LiveServer, expect_fits_screen

pytestmark = pytest.mark.browser

SUPERVISOR_EMAIL = "sam.supervisor@agency.example"


def seed_team(server: LiveServer) -> None:
    """The supervisor of the facilitator's team, a case 5 days late and one due in 2 days."""
    with server.app.app_context():
        facilitator = db.session.get(User, server.facilitator_id)
        factories.make_user(
            team=facilitator.team, role="supervisor", name="Sam Supervisor", email=SUPERVISOR_EMAIL
        )
        today = profile("miteam").today()
        factories.make_case(
            facilitator,
            case_number="MI-LATE-7",
            family_name="Okafor",
            substantiation_date=today - timedelta(days=35),
        )
        factories.make_case(
            facilitator,
            case_number="MI-SOON-8",
            family_name="Nguyen",
            substantiation_date=today - timedelta(days=28),
        )
        db.session.remove()


def sign_in_as_supervisor(page: Page, server: LiveServer) -> None:
    """Sign in through the login form as the team's supervisor."""
    page.goto(server.url + "/login")
    page.get_by_label("Email", exact=True).fill(SUPERVISOR_EMAIL)
    page.get_by_label("Password", exact=True).fill(server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your team's cases")).to_be_visible()


def test_supervisor_sees_what_is_overdue_and_due_soon(
    page: Page, live_server: LiveServer, browser_errors: BrowserErrors, viewport: str, shoot
):
    """Counts at the top, the late case under Overdue (said in words), the other under the next
    7 days; the case link opens the case; the case list says "Due soon" too."""
    seed_team(live_server)
    sign_in_as_supervisor(page, live_server)
    cases = page.locator("table.cases tbody tr")
    expect(cases.filter(has_text="Nguyen")).to_contain_text("Due soon")
    expect(cases.filter(has_text="Okafor")).to_contain_text("Overdue")
    expect_fits_screen(page)
    shoot(page, "dashboard-01-case-list")

    page.goto(live_server.url + "/dashboard")
    expect(page.get_by_role("heading", name="What is due", level=1)).to_be_visible()
    counts = page.get_by_role("list", name="How many")
    expect(counts.get_by_role("link", name=re.compile(r"^1 Overdue$"))).to_be_visible()
    expect(
        counts.get_by_role("link", name=re.compile(r"^1 Due in the next 7 days$"))
    ).to_be_visible()
    overdue = page.get_by_role("region", name=re.compile(r"^Overdue"))
    late_row = overdue.get_by_role("row").filter(has_text="MI-LATE-7")
    expect(late_row).to_contain_text("5 days overdue")
    expect(late_row).to_contain_text("Okafor")
    expect(late_row).to_contain_text("Fran Facilitator")
    soon = page.get_by_role("region", name=re.compile(r"^Due in the next 7 days"))
    expect(soon.get_by_role("row").filter(has_text="MI-SOON-8")).to_contain_text("2 days left")
    expect(overdue).not_to_contain_text("MI-SOON-8")
    expect_fits_screen(page)
    shoot(page, "dashboard-02-dashboard")

    page.get_by_role("link", name="Only my cases").click()
    expect(page).to_have_url(re.compile(r"/dashboard\?mine=1$"))
    expect(page.get_by_role("link", name="Only my cases")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("Nothing is overdue.")).to_be_visible()
    page.get_by_role("link", name="Whole team").click()

    page.get_by_role("link", name="MI-LATE-7").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Okafor family")
    expect(heading).to_contain_text("MI-LATE-7")
    expect_fits_screen(page)

    assert browser_errors == []
