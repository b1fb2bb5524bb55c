"""A facilitator opens a case and schedules its meeting; a family member joins with the code."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import segno
from playwright.sync_api import Browser, Page, expect

from fttm.auth.models import User
from fttm.extensions import db
from tests import factories
from tests.browser.pages import VIEWPORTS, BrowserErrors, LiveServer, expect_fits_screen

pytestmark = pytest.mark.browser

BICPM = "Best Interests case practice (21-day case plan)"
MELBOURNE = ZoneInfo("Australia/Melbourne")  # the bicpm profile's time zone
CODE_ALPHABET = "ACEFGHJKMNPRTWXY34679"
DISPLAYED_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{3}} [{CODE_ALPHABET}]{{3}}$")
SIGN_IN_URL = re.compile(r"/login(\?|$)")


def bicpm_plan_due(substantiated: date) -> date:
    """21 days after substantiation; a Saturday or Sunday moves back to the Friday before."""
    due = substantiated + timedelta(days=21)
    return due - timedelta(days=max(0, due.weekday() - 4))


def local_input(day: date, hour: int = 10) -> str:
    """The value a datetime-local input takes for `hour`:00 on `day`."""
    return f"{day.isoformat()}T{hour:02d}:00"


def qr_modules(svg_path: str) -> set[tuple[int, int]]:
    """The dark modules (column, row) of a QR code drawn as segno's horizontal strokes."""
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", svg_path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            dark.update((int(x) + step, int(y)) for step in range(int(float(first))))
            x += float(first)
    return dark


def shifted_to_origin(modules: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The same modules with the quiet zone taken off, so codes compare regardless of border."""
    left = min(column for column, _ in modules)
    top = min(row for _, row in modules)
    return {(column - left, row - top) for column, row in modules}


def sign_in(page: Page, server: LiveServer, shoot) -> None:
    """Open the site, get sent to sign in, and sign in as the facilitator."""
    page.goto(server.url + "/")
    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email", exact=True).fill(server.email)
    page.get_by_label("Password", exact=True).fill(server.password)
    shoot(page, "01-sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your team's cases")).to_be_visible()
    expect_fits_screen(page)
    shoot(page, "02-case-list")


def open_case(page: Page, shoot, substantiated: date) -> None:
    """Open the Okafor case under the 21-day profile, choosing a goal of that profile."""
    page.get_by_role("link", name="Open a case").click()
    expect(page.get_by_role("heading", name="Open a case")).to_be_visible()
    page.get_by_label("Case number").fill("BR-2026-001")
    page.get_by_label("Family name").fill("Okafor")
    page.get_by_label("Jurisdiction profile").select_option(label=BICPM)
    goal = page.get_by_label("Permanency goal")
    # htmx swaps in the goals of the profile just chosen; the default profile has no such goal.
    expect(goal.get_by_role("option", name="Family reunification", exact=True)).to_have_count(1)
    goal.select_option(label="Family reunification")
    page.get_by_label("Substantiation date").fill(substantiated.isoformat())
    expect_fits_screen(page)
    shoot(page, "03-case-form")
    page.get_by_role("button", name="Open case").click()


def expect_case_page(page: Page, shoot, substantiated: date) -> None:
    """The new case shows its family, its number and when its case plan is due."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Okafor family")
    expect(heading).to_contain_text("BR-2026-001")
    due = (
        page.get_by_role("region", name="What is due")
        .get_by_role("listitem")
        .filter(has_text="Case plan")
    )
    expect(due.locator("time")).to_have_attribute(
        "datetime", bicpm_plan_due(substantiated).isoformat()
    )
    expect(page.get_by_text("No meetings yet")).to_be_visible()
    expect_fits_screen(page)
    shoot(page, "04-case")


def try_meeting_in_the_past(page: Page, shoot) -> None:
    """Scheduling yesterday is refused, next to the field and in the summary; nothing is saved."""
    page.get_by_role("link", name="Schedule a meeting").click()
    # The time field itself says which time zone a typed time is in (read out with the field).
    expect(page.get_by_label("Date and time")).to_have_accessible_description(
        re.compile(r"local time \(Australia/Melbourne\)")
    )
    yesterday = datetime.now(MELBOURNE).date() - timedelta(days=1)
    page.get_by_label("Date and time").fill(local_input(yesterday))
    page.get_by_label("Location").fill("Family room 2")
    page.get_by_role("button", name="Schedule meeting").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("This time has already passed")
    expect(page.get_by_label("Date and time")).to_have_accessible_description(
        re.compile("This time has already passed")
    )
    expect_fits_screen(page)
    shoot(page, "05-meeting-form-error")
    page.get_by_role("link", name="Okafor · BR-2026-001").click()
    expect(page.get_by_text("No meetings yet")).to_be_visible()


def schedule_meeting(page: Page, shoot) -> None:
    """Schedule the initial case plan meeting a week from now."""
    page.get_by_role("link", name="Schedule a meeting").click()
    next_week = datetime.now(MELBOURNE).date() + timedelta(days=7)
    page.get_by_label("Date and time").fill(local_input(next_week))
    page.get_by_label("Purpose").select_option(label="Initial case plan")
    page.get_by_label("Location").fill("Family room 2")
    shoot(page, "06-meeting-form")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Initial case plan")


def expect_join_panel(page: Page, server: LiveServer, viewport: str, shoot) -> str:
    """The meeting page shows its code, its join link and a big QR code of that link."""
    join_code = page.locator(".join-code")
    expect(join_code).to_have_text(DISPLAYED_CODE)
    code = join_code.inner_text().replace(" ", "")
    url = f"{server.url}/join/{code}"
    link = page.get_by_role("link", name=url)
    expect(link).to_have_attribute("href", url)
    qr = page.locator("svg.qr-code")
    expect(qr).to_be_visible()
    expect(qr).to_have_accessible_name(re.compile("QR code"))
    width = qr.bounding_box()["width"]
    assert width >= 250, f"the QR code is only {width}px wide"
    if viewport == "phone":
        assert width <= VIEWPORTS["phone"]["viewport"]["width"]
    drawn = qr_modules(qr.locator("path[stroke]").get_attribute("d"))
    matrix = segno.make_qr(url, error="m").matrix
    encoded = {
        (column, row)
        for row, line in enumerate(matrix)
        for column, module in enumerate(line)
        if module
    }
    assert shifted_to_origin(drawn) == shifted_to_origin(encoded), "the QR code is not the link"
    expect_fits_screen(page)
    shoot(page, "07-meeting")
    return code


def show_full_screen(page: Page, viewport: str, shoot) -> None:
    """The full-screen view shows the same code larger, for the projector."""
    on_page = page.locator(".join-code")
    code = on_page.inner_text()
    size_on_page = float(on_page.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    page.get_by_role("link", name="Show join code full screen").click()
    expect(page.get_by_role("heading", name="Join the Okafor family meeting")).to_be_visible()
    big = page.locator(".join-code")
    expect(big).to_have_text(code)
    size = float(big.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert size > size_on_page, f"full screen code {size}px is not larger than {size_on_page}px"
    if viewport == "desktop":
        assert size >= 48, f"full screen code is only {size}px"
    expect(page.locator("svg.qr-code")).to_be_visible()
    expect_fits_screen(page)
    shoot(page, "08-join-screen")
    page.get_by_role("link", name="Back to the meeting page").click()


def open_join_link_on_a_phone(browser: Browser, errors: BrowserErrors, url: str, shoot) -> None:
    """A phone with no account opens the join link and is told the meeting hasn't opened."""
    phone = browser.new_context(**VIEWPORTS["phone"])
    errors.watch(phone)
    try:
        page = phone.new_page()
        page.goto(url)
        expect(page.get_by_role("heading", name="Family meeting")).to_be_visible()
        expect(page.get_by_text("This meeting hasn't opened yet")).to_be_visible()
        expect_fits_screen(page)
        shoot(page, "09-join-page-phone")
    finally:
        phone.close()


def sign_out(page: Page, case_url: str, shoot) -> None:
    """Signing out ends the session: the case is behind the sign-in page again."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    shoot(page, "10-signed-out")
    page.goto(case_url)
    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_facilitator_opens_a_case_and_schedules_the_first_meeting(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    viewport: str,
    shoot,
    browser_errors: BrowserErrors,
):
    """Sign in, open a case, schedule its meeting, share the code, sign out: no errors."""
    substantiated = datetime.now(MELBOURNE).date() - timedelta(days=5)
    sign_in(page, live_server, shoot)
    open_case(page, shoot, substantiated)
    expect_case_page(page, shoot, substantiated)
    case_url = page.url
    try_meeting_in_the_past(page, shoot)
    schedule_meeting(page, shoot)
    code = expect_join_panel(page, live_server, viewport, shoot)
    show_full_screen(page, viewport, shoot)
    open_join_link_on_a_phone(browser, browser_errors, f"{live_server.url}/join/{code}", shoot)
    sign_out(page, case_url, shoot)
    assert browser_errors == []


def test_family_member_types_the_meeting_code(
    page: Page, live_server: LiveServer, shoot, browser_errors: BrowserErrors
):
    """The code typed in lower case with its space finds the meeting; a wrong one is explained."""
    with live_server.app.app_context():
        facilitator = db.session.get(User, live_server.facilitator_id)
        meeting = factories.make_meeting(facilitator, factories.make_case(facilitator))
        code = meeting.join_code
        db.session.remove()

    page.goto(f"{live_server.url}/join")
    page.get_by_label("Meeting code").fill(f"{code[:3]} {code[3:]}".lower())
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/join/{code}")
    expect(page.get_by_text("This meeting hasn't opened yet")).to_be_visible()

    page.goto(f"{live_server.url}/join")
    page.get_by_label("Meeting code").fill("0000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("A meeting code has 6 letters and digits")).to_be_visible()
    expect(page.get_by_label("Meeting code")).to_have_accessible_description(
        re.compile("A meeting code has 6 letters and digits")
    )
    expect_fits_screen(page)
    shoot(page, "11-join-form-error")
    assert browser_errors == []
