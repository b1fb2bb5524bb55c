"""The family's copy of the plan in a real browser: the facilitator records a copy given to a
parent, the parent's phone opens its own copy, and the PDF link downloads a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from fttm.auth.models import User
from fttm.board.commands import add_item
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map.people import add_person
from fttm.joining import tokens
from fttm.joining.commands import admit, join_as_staff, join_meeting
from fttm.jurisdictions import profile
from fttm.meetings.commands import end_meeting, start_meeting
from tests import factories
from tests.browser.pages import VIEWPORTS, BrowserErrors, LiveServer, expect_fits_screen

pytestmark = pytest.mark.browser

ACTION = "Call Turning Point on 9999 9999 to book an intake appointment"
STRENGTH = "Ana reads to Maya every night"
SECRET = "SECRET police report"


@dataclass(frozen=True)
class EndedMeeting:
    """The ended meeting's id, its case's today, and the parent's phone cookie."""

    meeting_id: int
    today: date
    cookie_name: str
    cookie_value: str


@pytest.fixture
def ended(live_server: LiveServer) -> EndedMeeting:
    """A meeting of the Rivera case, with Ana admitted on her phone, its plan written and ended."""
    with live_server.app.app_context():
        facilitator = db.session.get(User, live_server.facilitator_id)
        case = factories.make_case(facilitator, family_name="Rivera")
        meeting = factories.make_meeting(facilitator, case)
        start_meeting(facilitator, meeting)
        staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
        ana = add_person(staff, {"name": "Ana Rivera", "sex": "female", "born": "1990"})
        add_person(
            staff,
            {"name": "Maya Rivera", "sex": "female", "born": "2014", "is_focus_child": "1"}
            | {"relation": "child:biological", "other": str(ana.id)},
        )
        add_item(staff, "strength", {"text": STRENGTH})
        add_item(staff, "worry", {"text": SECRET, "confidential": "1"})
        due = (date.today() + timedelta(days=14)).isoformat()
        add_item(staff, "action", {"what": ACTION, "who_person_id": str(ana.id), "due_on": due})
        add_item(
            staff,
            "safety_step",
            {"kind": "reactive", "trigger": "Maya feels scared", "text": "She calls Aunt Rosa"},
        )
        phone = join_meeting(meeting, display_name="Ana", role="parent")
        admit(staff.participant, phone, ana.id)
        end_meeting(facilitator, meeting)
        result = EndedMeeting(
            meeting.id,
            profile(case.jurisdiction).today(),
            tokens.cookie_name(meeting.id),
            tokens.issue(phone),
        )
        db.session.remove()
    return result


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Email", exact=True).fill(server.email)
    page.get_by_label("Password", exact=True).fill(server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your team's cases")).to_be_visible()


def test_facilitator_records_a_copy_given_to_a_parent(
    page: Page,
    live_server: LiveServer,
    ended: EndedMeeting,
    browser_errors: BrowserErrors,
    shoot,
):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/meetings/{ended.meeting_id}/plan/family")
    expect(page.get_by_role("heading", name="Our family plan")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(ACTION)
    panel = page.get_by_role("region", name="Copies given")
    expect(panel).to_contain_text("Still to be given a copy: Ana Rivera and Maya Rivera.")

    panel.get_by_label("Ana Rivera (parent)").check()
    panel.get_by_label("How").select_option(label="In person")
    panel.get_by_label("Given on").fill(ended.today.isoformat())
    shoot(page, "family-copy-01-staff-form")
    panel.get_by_role("button", name="Record the copy").click()

    panel = page.get_by_role("region", name="Copies given")
    expect(panel.get_by_role("status")).to_have_text("Copy recorded.")
    expect(panel.locator(".copies-list li")).to_have_count(1)
    expect(panel.locator(".copies-list li")).to_contain_text("Ana Rivera — In person")
    expect(panel).to_contain_text("Still to be given a copy: Maya Rivera.")
    expect_fits_screen(page)
    shoot(page, "family-copy-02-staff-recorded")
    assert SECRET not in page.content()  # the family's copy, even when staff read it
    assert browser_errors == []


def test_the_parents_phone_opens_its_copy_and_downloads_the_pdf(
    browser: Browser,
    live_server: LiveServer,
    ended: EndedMeeting,
    viewport: str,
    shoot,
):
    context = browser.new_context(**VIEWPORTS[viewport], accept_downloads=True)
    errors = BrowserErrors()
    errors.watch(context)
    context.add_cookies(
        [{"name": ended.cookie_name, "value": ended.cookie_value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/meetings/{ended.meeting_id}/plan/family")

        expect(page.get_by_role("heading", name="Our family plan")).to_be_visible()
        strengths = page.get_by_role("region", name="What's going well for your family")
        expect(strengths).to_contain_text(STRENGTH)
        expect(page.get_by_role("region", name="What needs to happen")).to_contain_text(ACTION)
        safe = page.get_by_role("region", name="Keeping everyone safe")
        expect(safe).to_contain_text("If Maya feels scared, then She calls Aunt Rosa")
        expect(page.get_by_role("region", name="Copies given")).to_have_count(0)
        assert SECRET not in page.content()
        expect_fits_screen(page)
        shoot(page, "family-copy-03-phone-of-parent")

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download as PDF").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        assert Path(download.path()).read_bytes().startswith(b"%PDF-")
        assert errors == []
    finally:
        context.close()
