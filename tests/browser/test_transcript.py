"""A supervisor reads a meeting's transcript: filters it by who, searches it, and slides the
board back in time until something added late in the meeting is not there yet.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fttm.auth.models import User
from fttm.extensions import db
from tests import factories
from tests.browser.pages import BrowserErrors, LiveServer, expect_fits_screen
from tests.transcript.scripted import run_meeting

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/transcript")  # noqa: S108 - where the team looks at screenshots
LATE = "Nan cooks on Sundays"


@pytest.fixture
def held(live_server: LiveServer) -> tuple[int, str]:
    """The scripted meeting, held by the server's facilitator; the team's supervisor's email."""
    with live_server.app.app_context():
        facilitator = db.session.get(User, live_server.facilitator_id)
        supervisor = factories.make_user(
            team=facilitator.team,
            role="supervisor",
            name="Sam Supervisor",
            email="sam.supervisor@agency.example",
        )
        script = run_meeting(facilitator, factories.make_case(facilitator, family_name="Lopez"))
        meeting_id, email = script.meeting.id, supervisor.email
        db.session.remove()
    return meeting_id, email


def snap(page: Page, viewport: str, step: str) -> None:
    """Keep a screenshot to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{viewport}-{step}.png"), full_page=True, caret="initial")


def events(page: Page):
    """The sentences of the transcript's list as shown."""
    return page.locator("#transcript-list .transcript-sentence")


def test_supervisor_filters_searches_and_replays(
    page: Page, live_server: LiveServer, held, viewport: str, browser_errors: BrowserErrors
):
    meeting_id, email = held
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(live_server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your team's cases")).to_be_visible()

    page.goto(f"{live_server.url}/meetings/{meeting_id}/transcript")
    expect(page.get_by_role("heading", name="Transcript of the meeting")).to_be_visible()
    total = events(page).count()
    assert total > 30
    expect_fits_screen(page)
    snap(page, viewport, "01-transcript")

    # Only what Maria did.
    page.get_by_label("Person").select_option(label="Maria (Parent)")
    expect(page.locator("#transcript-list .result-count")).to_contain_text(f"of {total} events")
    sentences = events(page).all_inner_texts()
    assert sentences and all(s.startswith("Maria (Parent)") for s in sentences)
    assert "participant=p" in page.url  # the filtered view can be bookmarked
    snap(page, viewport, "02-maria")

    # Search within Maria's changes, then across everyone's.
    page.get_by_label("Search the words").fill("PICKUP")
    expect(events(page).first).to_contain_text("pickup")
    assert all("pickup" in s.lower() for s in events(page).all_inner_texts())
    page.get_by_label("Person").select_option(label="Everyone")
    page.get_by_label("Search the words").fill("boiler")
    expect(events(page)).to_have_count(3)
    expect_fits_screen(page)

    # The board at the end has the strength Nan added late; slide back to the start: not yet.
    board = page.locator("#board-at")
    expect(board).to_contain_text(LATE)
    slider = page.get_by_role("slider", name="Moment of the meeting")
    slider.focus()
    page.keyboard.press("Home")
    expect(board).not_to_contain_text(LATE)
    expect(board.locator(".board-at")).to_have_attribute("data-seq", slider.get_attribute("min"))
    snap(page, viewport, "03-start")

    # Step forward with the buttons (keyboard and phone users): the slider follows.
    page.get_by_role("button", name="Next").click()
    expected = str(int(slider.get_attribute("min")) + 1)
    expect(board.locator(".board-at")).to_have_attribute("data-seq", expected)
    expect(page.locator("#replay-seq")).to_have_value(expected)
    expect(page.locator("#replay-moment")).to_contain_text(re.compile(r"\d\d:\d\d"))

    # Jump to the end again: the late strength is back, marked items still marked.
    page.locator("#replay-seq").focus()
    page.keyboard.press("End")
    expect(board).to_contain_text(LATE)
    expect(board).to_contain_text("(confidential)")
    expect_fits_screen(page)
    snap(page, viewport, "04-end")

    expect(page.get_by_role("heading", name="Who has read this transcript")).to_be_visible()
    expect(page.locator(".transcript-reads")).to_contain_text("Sam Supervisor")
    assert browser_errors == []
