"""Pushes that cross on the way: an older rendering of a section never replaces a newer one.

On a server that waits for its database while rendering (PostgreSQL), two changes made at once can
reach a phone as pushes in the opposite order, and a sender's own answer can arrive after a push
that already shows its change. The phone's socket is routed through Playwright so the test can
deliver pushes in exactly that order; everything else comes from the real server.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route, WebSocketRoute, expect

from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import expect_fits_screen, open_section
from tests.browser.test_announcements import record_said, said
from tests.browser.test_live_board import (
    BOARD_URL,
    add_strength,
    admit_everyone,
    cell,
    expect_connected,
    fill_join_form,
    first_action_id,
    sign_in,
    start_meeting,
    strength_items,
)

pytestmark = pytest.mark.browser
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

SOCKET = re.compile(r"/socket\.io/")
AHEAD = 100_000  # a sequence number far ahead of anything the seeded meeting reaches


def strengths_html(real: str, *texts: str) -> str:
    """The phone's strengths section as the server rendered it, with these texts added on top."""
    items = "".join(
        f'<li class="item" id="strength-{900_000 + n}" data-author="">'
        f'<p class="item-text">{text}</p></li>'
        for n, text in enumerate(texts)
    )
    opening = '<ul class="items" id="items-strengths">'
    assert opening in real
    return real.replace(opening, f"{opening}{items}", 1)


def push_frame(seq: int, html: str, section: str) -> str:
    """A `board:update` as Socket.IO puts it on the websocket."""
    return "42" + json.dumps(["board:update", {"seq": seq, "sections": {section: html}}])


def item_frame(seq: int, section: str, element_id: str, html: str, into=None) -> str:
    """A `board:update` carrying one item alone, as Socket.IO puts it on the websocket."""
    item = {"section": section, "id": element_id, "html": html, "list": into}
    return "42" + json.dumps(["board:update", {"seq": seq, "items": [item]}])


class RoutedSocket:
    """The phone's websocket, passed through to the server, with a way to push to the page."""

    def __init__(self) -> None:
        self.route: WebSocketRoute | None = None
        self.upgraded = False

    def handle(self, route: WebSocketRoute) -> None:
        """Connect the page's socket to the real server; note when Engine.IO switches to it."""
        server = route.connect_to_server()
        self.route = route

        def from_page(message: str | bytes) -> None:
            if message == "5":  # Engine.IO "upgrade": this websocket now carries the events
                self.upgraded = True
            server.send(message)

        route.on_message(from_page)

    def push(self, page: Page, seq: int, html: str, section: str = "strengths") -> None:
        """Deliver a push to the page as if the server had sent it."""
        self.send(page, push_frame(seq, html, section))

    def push_item(self, page: Page, seq: int, section: str, element_id: str, html: str, into=None):
        """Deliver an item pushed alone to the page as if the server had sent it."""
        self.send(page, item_frame(seq, section, element_id, html, into))

    def send(self, page: Page, frame: str) -> None:
        """Put a frame on the page's websocket."""
        page.wait_for_function("true")  # let Playwright dispatch the route's events first
        assert self.route is not None and self.upgraded, "the phone's websocket is not in use"
        self.route.send(frame)


def join_phone(app: ServedApp, screens: Screens, socket: RoutedSocket) -> Page:
    """Ana joins by the link on a phone whose socket goes through `socket`."""
    context, phone = screens.open("phone", "ana")
    context.route_web_socket(SOCKET, socket.handle)
    phone.goto(app.join_url)
    fill_join_form(phone, "Ana", "Parent")
    expect(phone).to_have_url(BOARD_URL)
    expect_connected(phone)
    phone.wait_for_function("true")
    for _try in range(50):
        if socket.upgraded:
            break
        phone.wait_for_timeout(100)
    return phone


def live_meeting(app: ServedApp, screens: Screens) -> tuple[Page, Page, RoutedSocket]:
    """The projector starts the meeting and lets everyone in; Ana joins on a routed phone."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, app)
    start_meeting(projector, app, screens)
    admit_everyone(projector)
    socket = RoutedSocket()
    return projector, join_phone(app, screens, socket), socket


def test_older_push_and_older_answer_never_replace_a_newer_rendering(
    served_app: ServedApp, screens: Screens
):
    """A phone keeps the newest rendering of a section, whatever order renderings arrive in."""
    projector, phone, socket = live_meeting(served_app, screens)

    real = phone.locator("#section-strengths").evaluate("section => section.outerHTML")
    # Two pushes cross: the newer one arrives first; the older one must not undo it.
    socket.push(phone, AHEAD, strengths_html(real, "Rosa drives the children to school"))
    expect(strength_items(phone, "Rosa drives the children to school")).to_have_count(1)
    socket.push(phone, AHEAD - 1, strengths_html(real, "An older list without Rosa's line"))
    phone.wait_for_function("true")
    expect(strength_items(phone, "Rosa drives the children to school")).to_have_count(1)
    expect(strength_items(phone, "An older list without Rosa's line")).to_have_count(0)

    # Ana saves a cell; while her save is on its way, a push rendered after it (showing her
    # words) arrives and is held back (her cell is busy). Her answer, older, must not replace it.
    action = first_action_id(phone)
    where = "At Rosa's kitchen table, with Sam there"
    plan = phone.locator("#section-plan").evaluate("section => section.outerHTML")
    opening = '<div id="section-plan" class="section-body">'
    assert opening in plan
    newer = plan.replace(opening, f'{opening}<p id="pushed-after-save">{where}</p>', 1)
    newer = re.sub(
        rf'(<textarea id="action-{action}-where_how"[^>]*>).*?(</textarea>)',
        lambda match: match[1] + where + match[2],
        newer,
        flags=re.S,
    )

    def answer_after_push(route: Route) -> None:
        answer = route.fetch()
        socket.push(phone, AHEAD + 1, newer, "plan")
        phone.wait_for_timeout(300)  # the push reaches the page before the answer does
        route.fulfill(response=answer)

    phone.route(re.compile(rf"/board/items/action/{action}$"), answer_after_push)
    open_section(phone, "plan")
    cell(phone, action, "where_how").fill(where)
    cell(phone, action, "where_how").press("Tab")
    expect(cell(projector, action, "where_how")).to_have_value(where)
    expect(phone.locator("#pushed-after-save")).to_have_count(1)
    expect(cell(phone, action, "where_how")).to_have_value(where)

    row = f"#action-{action}"
    screens.shoot(phone, "push-order", "phone", at=phone.locator(row))
    screens.shoot(projector, "push-order", "projector", at=projector.locator(row))
    for page in (phone, projector):
        expect_fits_screen(page)
    assert not screens.errors, screens.errors


def test_an_item_pushed_alone_survives_an_older_section_push(
    served_app: ServedApp, screens: Screens
):
    """An edit pushed as its item alone, then an older rendering of the whole section: the
    phone shows the edit; and an item older than the section shown is not put in.
    """
    _projector, phone, socket = live_meeting(served_app, screens)
    action = first_action_id(phone)
    row = phone.locator(f"#action-{action}")
    before = row.evaluate("row => row.outerHTML")
    old_what = cell(phone, action, "what").input_value()

    edited = re.sub(
        rf'(<textarea id="action-{action}-what"[^>]*>).*?(</textarea>)',
        lambda match: match[1] + "Call the school on Monday at 9" + match[2],
        before,
        flags=re.S,
    )
    assert edited != before
    page_seq = phone.evaluate("() => parseInt(document.body.dataset.seq, 10)")
    plan = phone.locator("#section-plan").evaluate("section => section.outerHTML")
    socket.push_item(phone, AHEAD, "plan", f"action-{action}", edited)
    expect(cell(phone, action, "what")).to_have_value("Call the school on Monday at 9")

    # The whole plan as rendered before that edit arrives late: the row keeps the edit.
    socket.push(
        phone, AHEAD - 1, plan.replace("</h2>", "</h2><p id='late-plan'>late</p>", 1), "plan"
    )
    expect(phone.locator("#late-plan")).to_have_count(1)
    expect(cell(phone, action, "what")).to_have_value("Call the school on Monday at 9")

    # A newer whole plan, then an item older than it: the item is not put in.
    socket.push(phone, AHEAD + 2, plan, "plan")
    expect(phone.locator("#late-plan")).to_have_count(0)
    expect(cell(phone, action, "what")).to_have_value(old_what)
    socket.push_item(phone, AHEAD + 1, "plan", f"action-{action}", edited)
    phone.wait_for_timeout(300)
    expect(cell(phone, action, "what")).to_have_value(old_what)
    assert page_seq < AHEAD

    # New strengths sent alone go into the list in the order they were added, whatever order
    # they arrive in.
    for number, text in ((900_002, "Sam cooks on Sundays"), (900_001, "Rosa reads at bedtime")):
        html = f'<li class="item" id="strength-{number}"><p class="item-text">{text}</p></li>'
        socket.push_item(
            phone, AHEAD + 3, "strengths", f"strength-{number}", html, "items-strengths"
        )
    expect(strength_items(phone, "Sam cooks on Sundays")).to_have_count(1)
    ids = phone.locator("#items-strengths > li[id]").evaluate_all("items => items.map(i => i.id)")
    assert ids[-2:] == ["strength-900001", "strength-900002"]

    screens.shoot(phone, "push-order-item", "phone", at=row)
    expect_fits_screen(phone)
    assert not screens.errors, screens.errors


def test_the_answer_to_a_delete_the_push_already_showed_is_still_said(
    served_app: ServedApp, screens: Screens
):
    """Ana deletes her strength; the push showing it gone reaches her phone before her answer
    does (it took the Delete button with it). Her screen reader still hears "Saved": her change
    is confirmed, whatever order the two arrive in."""
    _projector, phone, _socket = live_meeting(served_app, screens)
    record_said(phone)
    open_section(phone, "strengths")
    add_strength(phone, "Ana walks Maya to school")
    mine = phone.locator("#section-strengths li.item").filter(has_text="Ana walks Maya to school")
    expect(mine).to_have_count(1)
    expect(phone.locator("#announcer")).to_contain_text("Saved")

    def answer_after_push(route: Route) -> None:
        answer = route.fetch()
        # The server has committed the delete and pushed it: the item leaves the page first.
        phone.wait_for_function(
            "() => ![...document.querySelectorAll('#items-strengths li.item')]"
            ".some((item) => item.textContent.includes('Ana walks Maya to school'))"
        )
        route.fulfill(response=answer)

    phone.route(re.compile(r"/board/items/strength/\d+/delete$"), answer_after_push)
    phone.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("button", name="Delete").click()
    expect(mine).to_have_count(0)
    phone.wait_for_function("() => window.__said.filter((line) => line === 'Saved').length >= 2")
    assert said(phone).count("Saved") == 2, said(phone)
    assert not screens.errors, screens.errors
