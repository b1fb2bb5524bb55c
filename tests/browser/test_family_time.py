"""Private family time on the real server: the facilitator starts it from the console, Ana and
Rosa draft on their phones (390x844) and the wall shows their plan, while the console sees only
that the family is working and how many items it drafted: not one word, in its page or in
anything its socket or its requests receive. Rosa shares the plan; the console then shows every
item, in the name of whoever wrote it.

Screenshots: test-results/screenshots/live-family-time-*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response, WebSocket, expect

from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import open_section
from tests.browser.test_accessibility import AXE_PATH, _serve_axe, axe_problems
from tests.browser.test_live_board import add_strength, expect_connected, gather, strength_items

pytestmark = pytest.mark.browser
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

ANA_WORDS = "Ana walks the children to school every morning"
ROSA_WORDS = "Rosa has the children every weekend"
PLAN = "Our plan (private to the family until shared)"
WALL_SIZE = {"width": 1366, "height": 768}


class Recorder:
    """Every byte a screen receives: its socket's frames and its requests' answers."""

    def __init__(self, page: Page) -> None:
        self.received: list[str] = []
        page.on("websocket", self._socket)
        page.on("response", self._response)

    def _socket(self, socket: WebSocket) -> None:
        socket.on("framereceived", lambda frame: self.received.append(str(frame)))

    def _response(self, response: Response) -> None:
        if response.request.resource_type in ("document", "fetch", "xhr"):
            try:
                self.received.append(response.text())
            except PlaywrightError:  # a redirect or an aborted answer has no body
                return

    def text(self) -> str:
        return "\n".join(self.received)


def _panel(page: Page):
    return page.locator("#family-drafts")


def test_the_console_sees_nothing_of_the_draft_until_it_is_shared(
    served_app: ServedApp, screens: Screens
):
    """Two phones draft in private, the wall shows their plan, the console a count; once Rosa
    shares it, the console shows every item in its writer's name."""
    meeting = gather(served_app, screens)
    projector, ana, rosa = meeting.projector, meeting.ana.page, meeting.rosa.page
    recorder = Recorder(projector)
    projector.reload()  # from here on, every byte the console receives is recorded
    expect_connected(projector)
    wall = projector.context.new_page()
    wall.set_viewport_size(WALL_SIZE)
    wall.goto(f"{served_app.url}/meetings/{served_app.meeting_id}/wall/")
    expect(wall.locator("#connection")).to_have_attribute("data-state", "connected")

    projector.get_by_role("button", name="Start private family time").click()
    expect(projector.get_by_text("The family is working in private.")).to_be_visible()
    for page in (ana, rosa, wall):
        expect(_panel(page).get_by_role("heading", name=PLAN)).to_be_visible()

    open_section(ana, "strengths")
    add_strength(ana, ANA_WORDS)
    open_section(rosa, "strengths")
    add_strength(rosa, ROSA_WORDS)

    for page in (ana, rosa, wall):
        expect(_panel(page)).to_contain_text(ANA_WORDS)
        expect(_panel(page)).to_contain_text(ROSA_WORDS)
    expect(_panel(rosa).locator(".author")).to_have_text(["Ana", "Rosa"])
    expect(projector.locator(".family-drafts-count")).to_have_text("2 items drafted.")
    expect(ana.locator("#section-strengths").get_by_label("Add a strength")).to_have_value("")
    screens.shoot(ana, "family-time-01-drafts", "phone", at=_panel(ana))
    screens.shoot(rosa, "family-time-01-drafts", "phone-rosa", at=_panel(rosa))
    screens.shoot(wall, "family-time-01-drafts", "wall")
    screens.shoot(
        projector, "family-time-01-drafts", "projector", at=projector.locator("#section-status")
    )
    staff_bytes = recorder.text() + projector.content()
    for words in (ANA_WORDS, ROSA_WORDS):
        assert words not in staff_bytes
        expect(strength_items(projector, words)).to_have_count(0)
    assert "2 items drafted." in staff_bytes
    assert _panel(projector).count() == 0
    for context in (meeting.ana.context, projector.context):
        context.route(f"{served_app.url}{AXE_PATH}", _serve_axe)
    problems = axe_problems(ana, "phone with drafts") + axe_problems(wall, "wall with drafts")
    problems += axe_problems(projector, "console in private family time")
    assert problems == []

    rosa.once("dialog", lambda dialog: dialog.accept())
    _panel(rosa).get_by_role("button", name="Share our plan with the team").click()

    for page in (projector, ana, rosa):
        for words in (ANA_WORDS, ROSA_WORDS):
            expect(strength_items(page, words)).to_have_count(1)
    for words, writer in ((ANA_WORDS, "Ana"), (ROSA_WORDS, "Rosa")):
        item = projector.locator("#section-strengths li.item").filter(has_text=words)
        expect(item.locator(".author")).to_have_text(writer)
    expect(projector.get_by_text("The family is working in private.")).to_have_count(0)
    expect(_panel(ana)).to_be_hidden()
    expect(_panel(wall)).to_be_hidden()
    screens.shoot(
        projector, "family-time-02-shared", "projector", at=strength_items(projector, ANA_WORDS)
    )
    screens.shoot(ana, "family-time-02-shared", "phone", at=strength_items(ana, ANA_WORDS))
    assert ANA_WORDS in recorder.text()
    assert screens.errors == [], "\n".join(screens.errors)
