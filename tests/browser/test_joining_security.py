"""Joining, as a family member sees it once it is made safe: a guesser is told to wait, a phone
is shown no family name before it is let in, and once in it says who it is in the family map.

On a desktop and on a 390x844 phone. Screenshots: test-results/screenshots/<viewport>-join-*.png
and live-join-*-<viewport>.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from fttm.auth.models import User
from fttm.extensions import db
from fttm.meetings.commands import open_meeting
from tests import factories
from tests.browser import live, riveras
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import BrowserErrors, LiveServer, expect_fits_screen, open_section
from tests.browser.test_live_board import (
    BOARD_URL,
    WAITING_TEXT,
    expect_connected,
    fill_join_form,
    sign_in,
    start_meeting,
    waiting_person,
)
from tests.helpers import wrong_codes

pytestmark = pytest.mark.browser
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

TOO_MANY = "Too many tries. Wait 15 minutes, then try again."
UNKNOWN = "No meeting has this code. Check it with the facilitator."
FAMILY = riveras.SURNAMES  # none may reach a phone before it is let in


def _type_code(page: Page, code: str) -> None:
    """Type a code on /join and continue, as a person does."""
    page.get_by_label("Meeting code").fill(f"{code[:3]} {code[3:]}")
    page.get_by_role("button", name="Continue").click()


def test_a_guesser_is_told_to_wait(
    page: Page, live_server: LiveServer, shoot, browser_errors: BrowserErrors
):
    """Eight wrong codes are each explained; the ninth, and then even the right code's link,
    get "Too many tries. Wait 15 minutes", tied to the code field for screen readers."""
    with live_server.app.app_context():
        facilitator = db.session.get(User, live_server.facilitator_id)
        meeting = factories.make_meeting(facilitator, factories.make_case(facilitator))
        code = open_meeting(facilitator, meeting).join_code
        db.session.remove()
    field = page.get_by_label("Meeting code")

    page.goto(f"{live_server.url}/join/")
    for wrong in wrong_codes(8, other_than=code):
        _type_code(page, wrong)
        expect(page.get_by_text(UNKNOWN)).to_be_visible()
    shoot(page, "join-wrong-code")
    _type_code(page, wrong_codes(9, other_than=code)[-1])

    expect(page.get_by_text(TOO_MANY)).to_be_visible()
    expect(field).to_have_accessible_description(re.compile(re.escape(TOO_MANY)))
    expect(field).to_have_attribute("aria-invalid", "true")
    expect_fits_screen(page)
    shoot(page, "join-too-many-tries")
    page.goto(f"{live_server.url}/join/{code}")
    expect(page.get_by_text(TOO_MANY)).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_count(0)
    assert browser_errors == []


def _names_no_family(page: Page) -> None:
    """The page's whole HTML names nobody of the seeded family."""
    html = page.content()
    for surname in FAMILY:
        assert surname not in html, f"{surname} shown on {page.url}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_admitted_phone_says_who_it_is(served_app: ServedApp, screens: Screens, device: str):
    """Ana joins by the link: the join form and the waiting room name nobody of the family; the
    facilitator lets her in; on her board she chooses herself in the family map and sees it."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, served_app)
    start_meeting(projector, served_app, screens)
    _, ana = screens.open("projector" if device == "desktop" else "phone", "ana")

    ana.goto(served_app.join_url)
    expect(ana.get_by_role("heading", name="Join the family meeting")).to_be_visible()
    expect(ana.get_by_label("Who you are in the family map")).to_have_count(0)
    _names_no_family(ana)
    screens.shoot(ana, "join-form", device)
    fill_join_form(ana, "Ana", "Parent")
    expect(ana.get_by_text(WAITING_TEXT)).to_be_visible()
    _names_no_family(ana)

    waiting = waiting_person(projector, "Ana")
    expect(waiting.get_by_label("In the family map (optional)")).to_be_visible()
    screens.shoot(projector, "join-let-in", "desktop", at=waiting)
    waiting.get_by_role("button", name="Let in").click()
    expect(ana).to_have_url(BOARD_URL, timeout=10_000)
    expect_connected(ana)

    # Her corner is in "Who is here" (a phone opens it from "Sections").
    open_section(ana, "participants")
    corner = ana.locator("#who-i-am")
    corner.scroll_into_view_if_needed()
    choice = corner.get_by_label("Who you are in the family map")
    expect(choice).to_be_visible()
    choice.select_option(label="Ana Rivera")
    corner.get_by_role("button", name="Save").click()

    expect(corner.get_by_text("You are Ana Rivera in the family map.")).to_be_visible()
    expect(corner.locator(".notice")).to_have_text("Saved.")
    expect(ana.locator("#announcer")).to_contain_text("Saved")  # said once, by the one live region
    expect_fits_screen(ana)
    screens.shoot(ana, "join-who-i-am", device, at=corner)
    ana.reload()
    open_section(ana, "participants")
    ana.locator("#who-i-am").scroll_into_view_if_needed()
    expect(ana.locator("#who-i-am").get_by_label("Who you are in the family map")).to_have_value(
        re.compile(r"^\d+$")
    )
    expect(ana.locator("#who-i-am")).to_contain_text("You are Ana Rivera in the family map.")
    assert screens.errors == [], "\n".join(screens.errors)
