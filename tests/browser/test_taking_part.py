"""Staff who only look at a running meeting, and changes whose key is refused, as people see them.

A colleague of the facilitator opens the live board: looking adds nobody, and the board offers
"Take part in this meeting". A change sent with the key of another change, or with a broken
key, is refused with a message above its section, and nothing is saved. On a desktop and on a
390x844 phone; screenshots in test-results/screenshots/<viewport>-taking-part-*.png.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, Route, expect

from fttm.auth.models import User
from fttm.board.models import Strength
from fttm.extensions import db
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import start_meeting
from fttm.meetings.models import Participant
from tests import factories
from tests.browser.pages import BrowserErrors, LiveServer, expect_fits_screen, show_staff_view
from tests.browser.test_live_board import expect_connected

pytestmark = pytest.mark.browser

COLLEAGUE = "cal.colleague@agency.example"
TAKE_PART = "Take part in this meeting"
REUSED = "This change reused the key of a different change, so it was not saved."
BROKEN = "This change carried a broken Idempotency-Key, so it was not saved."


@pytest.fixture
def running(live_server: LiveServer) -> int:
    """A live meeting run by the facilitator, and a colleague of the team who has not joined."""
    with live_server.app.app_context():
        facilitator = db.session.get(User, live_server.facilitator_id)
        factories.make_user(
            team=facilitator.team, role="facilitator", name="Cal Colleague", email=COLLEAGUE
        )
        meeting = factories.make_meeting(facilitator, factories.make_case(facilitator))
        start_meeting(facilitator, meeting)
        join_as_staff(facilitator, meeting)
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def _sign_in(page: Page, live_server: LiveServer) -> None:
    """Sign in as the colleague."""
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email", exact=True).fill(COLLEAGUE)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def _query(live_server: LiveServer, statement):
    """One value read from the served app's database."""
    with live_server.app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
    return value


def _add_strength(page: Page, text: str) -> None:
    """Type a strength into the quick-add form and send it."""
    section = page.locator("#section-strengths")
    section.get_by_label("Add a strength").fill(text)
    section.get_by_role("button", name="Add").click()


def test_a_colleague_looks_then_takes_part(
    page: Page, live_server: LiveServer, running: int, shoot, browser_errors: BrowserErrors
):
    """Looking adds nobody; one button makes them part of the meeting."""
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/meetings/{running}/board/")
    show_staff_view(page)  # a live meeting's console presents to the room until told not to
    expect_connected(page)
    banner = page.locator(".take-part")
    expect(banner.get_by_role("button", name=TAKE_PART)).to_be_visible()
    participants = sa.select(sa.func.count()).where(Participant.meeting_id == running)
    assert _query(live_server, participants) == 1  # the facilitator alone
    expect_fits_screen(page)
    shoot(page, "taking-part-looking")

    banner.get_by_role("button", name=TAKE_PART).click()

    expect(page.get_by_role("button", name=TAKE_PART)).to_have_count(0)
    expect(page.locator("#section-participants")).to_contain_text("Cal Colleague")
    assert _query(live_server, participants) == 2
    shoot(page, "taking-part-joined")
    assert browser_errors == []


def test_a_change_with_a_refused_key_is_explained_and_saves_nothing(
    page: Page, live_server: LiveServer, running: int, shoot, browser_errors: BrowserErrors
):
    """The same key with other words: "reused the key"; a broken key: "broken key"."""
    keys = iter(["shared-key-00000001", "shared-key-00000001", "a broken key"])

    def with_key(route: Route) -> None:
        headers = {**route.request.headers, "idempotency-key": next(keys)}
        route.continue_(headers=headers)

    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/meetings/{running}/board/")
    show_staff_view(page)
    expect_connected(page)
    page.route(re.compile(r"/board/items/strength$"), with_key)
    message = page.locator("#message-strengths")

    _add_strength(page, "Leo reads every night")
    expect(page.locator("#items-strengths")).to_contain_text("Leo reads every night")
    _add_strength(page, "Leo sings in the choir")
    expect(message).to_contain_text(REUSED)
    shoot(page, "taking-part-reused-key")
    _add_strength(page, "Leo plays football")
    expect(message).to_contain_text(BROKEN)

    texts = _query(live_server, sa.select(sa.func.group_concat(Strength.text)))
    assert texts == "Leo reads every night"
    expect(page.locator("#items-strengths")).not_to_contain_text("choir")
    browser_errors[:] = [e for e in browser_errors if not re.search(r"\b(400|422)\b", e)]
    assert browser_errors == []
