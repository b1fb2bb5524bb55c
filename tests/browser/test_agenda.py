"""A meeting moving through its agenda on the real server: the facilitator moves on from the
console and the status section, the wall follows (the phase, its section in focus, a calm timer),
and two phones are told "We're on: … go there" without moving anyone: a phone typing meanwhile
keeps its words and its focus, and "go there" is only a link it may choose.

Screenshots: test-results/screenshots/live-agenda-*-{wall,phone,console}.png.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import open_section
from tests.browser.test_live_board import (
    expect_connected,
    expect_not_reloaded,
    gather,
    mark_page,
    sign_in,
)

pytestmark = pytest.mark.browser
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

WALL_SIZE = {"width": 1366, "height": 768}
TYPED = "Rosa cooks for the children every Sunday and"


def expect_phase(page: Page, name: str) -> None:
    """The screen's status says the meeting is on the phase `name`."""
    expect(page.locator("#section-status .phase-name")).to_have_text(name)


def named(shown: str, hidden: str) -> re.Pattern:
    """A control's accessible name: the words on it, then the item it is about (visually
    hidden, after a space or a colon)."""
    return re.compile(rf"^{re.escape(shown)}\W*{re.escape(hidden)}$")


def go_to_phase(console: Page, name: str) -> None:
    """Choose the phase `name` from the status section's agenda, as a facilitator would: open the
    fold when it is closed, then press the phase. After the last move, the console's own answer
    and its push arrive in either order and the later one decides whether the fold is still
    open, so a fold seen open may close under the click: look again, a bounded number of times."""
    fold = console.locator("#section-status details.phase-agenda")
    button = fold.get_by_role("button", name=f"Go to phase: {name}")
    for _ in range(4):
        if fold.get_attribute("open") is None:
            fold.locator("summary").click()
        try:
            button.click(timeout=2_500)
            return
        except PlaywrightTimeoutError:
            continue
    button.click()  # the last try reports what was missing


def shoot_all(screens: Screens, step: str, wall: Page, phone: Page, console: Page) -> None:
    """The wall, a phone and the console at this step of the agenda."""
    screens.shoot(wall, f"agenda-{step}", "wall")
    screens.shoot(phone, f"agenda-{step}", "phone")
    screens.shoot(console, f"agenda-{step}", "console", at=console.locator("#section-status"))


def test_a_meeting_moves_through_its_agenda_with_the_wall_and_phones_following(
    served_app: ServedApp, screens: Screens
):
    meeting = gather(served_app, screens)
    console, ana, rosa = meeting.projector, meeting.ana.page, meeting.rosa.page
    wall = console.context.new_page()
    wall.set_viewport_size(WALL_SIZE)
    # The wall's computer clock is three hours fast: its timer counts from the server's time.
    wall.clock.set_system_time(datetime.now() + timedelta(hours=3))
    wall.goto(f"{served_app.url}/meetings/{served_app.meeting_id}/wall/")
    expect_connected(wall)
    for page in (console, ana, rosa, wall):
        mark_page(page)
        expect_phase(page, "Welcome and purpose")
    # The wall counts time in this phase against its suggestion, and the meeting's.
    expect(wall.locator(".phase-took")).to_have_text("0 of 5 min")
    expect(wall.locator(".phase-total")).to_have_text("Meeting: 0 min")
    expect(rosa.locator(".phase-timer")).to_be_hidden()  # a phone gets only its small line
    # Over its suggestion, the timer stays calm: the same colour, and the suggestion in words.
    took = wall.locator(".phase-took")
    colour = took.evaluate("element => getComputedStyle(element).color")
    took.evaluate(
        "element => { const timer = element.closest('[data-phase-timer]');"
        " timer.dataset.phaseStarted = new Date(Date.parse(timer.dataset.phaseStarted)"
        " - 12 * 60000).toISOString(); }"
    )
    expect(took).to_have_text("12 min (5 suggested)")
    assert took.evaluate("element => getComputedStyle(element).color") == colour
    assert took.evaluate("element => getComputedStyle(element).animationName") == "none"
    screens.shoot(wall, "agenda-1-over-time", "wall")
    shoot_all(screens, "1-welcome", wall, rosa, console)

    # Ana starts writing a strength; she is still typing when the phase moves.
    open_section(ana, "strengths")
    field = ana.locator("#section-strengths").get_by_label("Add a strength")
    field.click()
    field.press_sequentially(TYPED)

    # From the console: on to the next phase, then jump to "What's working well".
    console.locator(".console-phase").get_by_role("button", name="Next phase").click()
    for page in (console, ana, rosa, wall):
        expect_phase(page, "Ground rules")
    expect(wall.locator("body")).to_have_attribute("data-focus", "overview")
    go_to_phase(console, "What's working well")
    for page in (console, ana, rosa, wall):
        expect_phase(page, "What's working well")
    expect(wall.locator("body")).to_have_attribute("data-focus", "strengths")
    expect(wall.locator(".phase-took")).to_have_text("0 of 15 min")
    expect(rosa.locator("#section-status")).to_contain_text("We're on: What's working well")
    shoot_all(screens, "2-strengths", wall, rosa, console)

    # Ana was moved nowhere: her words and her focus are where she left them.
    expect(field).to_have_value(TYPED)
    expect(field).to_be_focused()
    field.press_sequentially(" Sunday lunch is at hers.")
    expect(field).to_have_value(TYPED + " Sunday lunch is at hers.")
    screens.shoot(ana, "agenda-2-typing", "phone", at=field)

    # The status section's own button: on to the safety plan, through the agenda.
    go_to_phase(console, "Safety plan")
    for page in (console, ana, rosa, wall):
        expect_phase(page, "Safety plan")
    expect(wall.locator("body")).to_have_attribute("data-focus", "safety_plan")
    expect(field).to_have_value(TYPED + " Sunday lunch is at hers.")
    expect(field).to_be_focused()
    go = rosa.get_by_role("link", name="Go there: Safety plan")
    expect(go).to_have_text("go there")
    shoot_all(screens, "3-safety-plan", wall, rosa, console)

    # Rosa chooses to go there: the phone shows the safety plan.
    go.click()
    expect(rosa.locator("section.board-section.area-safety_plan")).to_be_visible()
    expect(rosa.locator("section.board-section.area-strengths")).to_be_hidden()
    screens.shoot(rosa, "agenda-4-went-there", "phone")

    # Back one phase from the console.
    console.locator(".console-phase").get_by_role("button", name="Previous phase").click()
    for page in (console, ana, rosa, wall):
        expect_phase(page, "What needs to happen")
    expect(wall.locator("body")).to_have_attribute("data-focus", "plan")
    shoot_all(screens, "5-plan", wall, rosa, console)
    for page in (console, ana, rosa, wall):
        expect_not_reloaded(page)


def test_the_facilitator_adjusts_the_agenda_before_the_meeting(
    served_app: ServedApp, screens: Screens
):
    """On the meeting page: skip a phase, move one up, change minutes, add one; a mistake is
    explained and the typed words stay; the board then follows the adjusted agenda."""
    _, page = screens.open("projector", "projector")
    sign_in(page, served_app)
    page.goto(f"{served_app.url}/meetings/{served_app.meeting_id}")
    agenda = page.locator("#agenda")
    agenda.get_by_role("button", name=named("Skip", "Ground rules")).click()
    expect(agenda.get_by_role("button", name=named("Bring back", "Ground rules"))).to_be_visible()
    agenda.get_by_role("button", name=named("Move up", "Family map")).click()
    agenda.get_by_label(named("Minutes", "for Safety plan")).fill("25")
    agenda.get_by_role("button", name=named("Save", "minutes: Safety plan")).click()
    expect(agenda.get_by_label(named("Minutes", "for Safety plan"))).to_have_value("25")
    # The browser itself refuses minutes out of range; blank words reach the server, which
    # says what is missing and keeps what was typed.
    agenda.get_by_label("Name", exact=True).fill("   ")
    agenda.get_by_label("Minutes", exact=True).fill("12")
    agenda.get_by_role("button", name="Add the phase").click()
    expect(page.get_by_role("alert")).to_contain_text("Name the phase")
    expect(agenda.get_by_label("Minutes", exact=True)).to_have_value("12")
    screens.shoot(page, "agenda-0-refused", "console", at=page.get_by_role("alert"))
    agenda.get_by_label("Name", exact=True).fill("Leo's wishes, through his teacher")
    agenda.get_by_label("Board section it is about").select_option(label="What's working well")
    agenda.get_by_role("button", name="Add the phase").click()
    names = agenda.locator(".agenda-phase-name strong")
    expect(names.nth(3)).to_have_text("Family map")
    expect(names.last).to_have_text("Leo's wishes, through his teacher")
    screens.shoot_whole(page, "agenda-0-adjusted", "console")

    page.get_by_role("link", name="Go to the live board").click()
    with screens.errors.excusing("projector", r"^400 for xhr .*/socket\.io/"):
        page.get_by_role("button", name="Start the meeting").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "presenting")
    expect_phase(page, "Welcome and purpose")
    page.locator(".console-phase").get_by_role("button", name="Next phase").click()
    expect_phase(page, "What's working well")  # ground rules skipped
