"""A phone that was offline catches up on what it missed, and only that: the real eventlet server,
Chromium at a phone's 390 by 844, and every WebSocket frame the phone receives counted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, WebSocket, WebSocketRoute, expect

from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import open_section
from tests.browser.test_live_board import (
    BOARD_URL,
    add_strength,
    admit_everyone,
    expect_connected,
    fill_join_form,
    sign_in,
    start_meeting,
    strength_items,
)

pytestmark = pytest.mark.browser
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

STRENGTH = "Rosa picked the children up from school on time every day this week."
ACTION = "Rosa rings the school nurse on Monday about the inhaler"
PRESENCE = {"participants"}  # "who is here": pushed to every screen when a phone comes back
MEASURED = Path(__file__).resolve().parents[2] / "test-results" / "catch-up-bytes.json"


@dataclass
class Frames:
    """What a page's Socket.IO connection carries, in order, over long-polling (how it starts) and
    its WebSocket: the events it sends and receives, with the size in bytes of each received
    packet, and the answers (acks) it receives."""

    log: list[tuple[str, str, object, int]] = field(default_factory=list)
    sockets: int = 0

    def watch(self, page: Page) -> None:
        """Follow the page's Socket.IO traffic from now on."""
        page.on("websocket", self._opened)
        page.on("request", self._polled)
        page.on("requestfinished", self._answered)

    def _opened(self, socket: WebSocket) -> None:
        self.sockets += 1
        socket.on("framesent", lambda payload: self._packets("sent", payload))
        socket.on("framereceived", lambda payload: self._packets("received", payload))

    def _polled(self, request: Request) -> None:
        if "/socket.io/" in request.url and request.method == "POST":
            self._packets("sent", request.post_data or "")

    def _answered(self, request: Request) -> None:
        if "/socket.io/" in request.url and request.method == "GET":
            response = request.response()
            if response is not None and response.ok:
                self._packets("received", response.text())

    def _packets(self, way: str, payload) -> None:
        text = payload if isinstance(payload, str) else payload.decode()
        for packet in text.split("\x1e"):  # Engine.IO's separator between polled packets
            if packet.startswith(("42", "43")):  # Socket.IO events (42) and answers (43)
                body = json.loads(packet[packet.index("[") :])
                if packet.startswith("43"):
                    self.log.append((way, "ack", body[0], len(packet.encode())))
                else:
                    data = body[1] if len(body) > 1 else None
                    self.log.append((way, body[0], data, len(packet.encode())))

    def catch_ups(self) -> list[tuple[dict, int]]:
        """Every `board:update` received while a catch-up (`board:sync`) was being answered,
        with its size in bytes: what the catch-ups sent. "Who is here" alone is left out: every
        screen is pushed it when a phone comes back, and it may come meanwhile."""
        found, syncing = [], False
        for way, name, data, size in self.log:
            if way == "sent" and name == "board:sync":
                syncing = True
            elif way == "received" and name == "ack":
                syncing = False
            elif (
                syncing
                and name == "board:update"
                and set(data.get("sections", PRESENCE)) != PRESENCE
            ):
                found.append((data, size))
        return found

    def syncs(self) -> int:
        """How many catch-ups were asked for."""
        return sum(1 for way, name, *_rest in self.log if way == "sent" and name == "board:sync")


def test_a_phone_back_online_is_sent_only_the_strengths_it_missed(
    served_app: ServedApp, screens: Screens
):
    """Rosa's phone goes offline; the facilitator adds a strength; back online, the phone shows
    it, and its catch-up brought the strengths section alone. Reconnecting again, up to date, it
    is sent nothing."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, served_app)
    start_meeting(projector, served_app, screens)
    admit_everyone(projector)
    rosa_context, rosa = screens.open("phone", "rosa")
    frames = Frames()
    frames.watch(rosa)
    rosa.goto(served_app.join_url)
    fill_join_form(rosa, "Rosa", "Relative")
    expect(rosa).to_have_url(BOARD_URL)
    expect_connected(rosa)
    open_section(rosa, "strengths")

    first = frames.catch_ups()
    assert frames.syncs() == 1 and first == []  # the page was up to date

    screens.set_offline(rosa_context, "rosa", True)
    expect(rosa.locator("#connection")).to_have_attribute("data-state", "offline")
    sockets = frames.sockets
    add_strength(projector, STRENGTH)
    expect(strength_items(projector, STRENGTH)).to_have_count(1)
    expect(strength_items(rosa, STRENGTH)).to_have_count(0)
    screens.set_offline(rosa_context, "rosa", False)
    expect_connected(rosa)
    expect(strength_items(rosa, STRENGTH)).to_have_count(1)
    screens.back_online("rosa")
    screens.shoot(rosa, "catch-up-strength", "phone", at=strength_items(rosa, STRENGTH))
    assert frames.sockets > sockets, "the phone's socket never dropped"
    missed = frames.catch_ups()[len(first) :]
    assert [sorted(update["sections"]) for update, _size in missed] == [["strengths"]]

    # Up to date: the socket drops and comes back, and its catch-up is sent nothing.
    sockets, syncs = frames.sockets, frames.syncs()
    screens.set_offline(rosa_context, "rosa", True)
    expect(rosa.locator("#connection")).to_have_attribute("data-state", "offline")
    screens.set_offline(rosa_context, "rosa", False)
    expect_connected(rosa)
    screens.back_online("rosa")
    rosa.wait_for_timeout(1_000)  # ample for a catch-up's answer on loopback
    up_to_date = frames.catch_ups()[len(first) + len(missed) :]
    _measured(first=first, missed=missed, up_to_date=up_to_date)
    assert frames.sockets > sockets and frames.syncs() == syncs + 1
    assert up_to_date == [], "an up-to-date phone was sent sections again"
    assert screens.errors == [], "\n".join(screens.errors)


def _measured(**catch_ups: list[tuple[dict, int]]) -> None:
    """Write what each catch-up sent (sections, bytes) to test-results/catch-up-bytes.json."""
    MEASURED.parent.mkdir(exist_ok=True)
    sent = {
        step: {
            "sections": [sorted(u["sections"]) for u, _n in got],
            "bytes": sum(n for _u, n in got),
        }
        for step, got in catch_ups.items()
    }
    MEASURED.write_text(json.dumps(sent, indent=1))


class PushesLost:
    """Carries a page's Socket.IO WebSocket through, but drops the pushes of a section while
    asked to, as if lost on the way."""

    def __init__(self, page: Page) -> None:
        self.dropping: str | None = None
        page.route_web_socket(re.compile(r".*/socket\.io/.*"), self._route)

    def _route(self, socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        server.on_message(lambda message: self._from_server(socket, message))
        socket.on_message(server.send)

    def _from_server(self, socket: WebSocketRoute, message) -> None:
        text = message if isinstance(message, str) else message.decode()
        pushed = text.startswith("42") and '"board:update"' in text
        if not (pushed and self.dropping and f"section-{self.dropping}" in text):
            socket.send(message)


def test_a_phone_that_added_an_action_is_not_sent_the_plan_again(
    served_app: ServedApp, screens: Screens
):
    """Rosa adds an action: the plan comes back in her answer (its push is lost). Her phone
    drops off and comes back: it holds the plan as it is, and its catch-up sends no section."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, served_app)
    start_meeting(projector, served_app, screens)
    admit_everyone(projector)
    rosa_context, rosa = screens.open("phone", "rosa")
    pushes, frames = PushesLost(rosa), Frames()
    frames.watch(rosa)
    rosa.goto(served_app.join_url)
    fill_join_form(rosa, "Rosa", "Relative")
    expect(rosa).to_have_url(BOARD_URL)
    expect_connected(rosa)
    open_section(rosa, "plan")

    pushes.dropping = "plan"
    rosa.get_by_label("Add an action: what exactly will be done?").fill(ACTION)
    rosa.get_by_role("button", name="Add action").click()
    expect(rosa.locator("#section-plan textarea", has_text=ACTION)).to_have_count(1)
    expect(projector.locator("#section-plan textarea", has_text=ACTION)).to_have_count(1)
    rosa.wait_for_timeout(500)  # the push of the plan came, and was dropped
    pushes.dropping = None
    before = len(frames.catch_ups())

    screens.set_offline(rosa_context, "rosa", True)
    expect(rosa.locator("#connection")).to_have_attribute("data-state", "offline")
    screens.set_offline(rosa_context, "rosa", False)
    expect_connected(rosa)
    screens.back_online("rosa")
    rosa.wait_for_timeout(1_000)  # ample for a catch-up's answer on loopback
    screens.shoot(rosa, "catch-up-own-action", "phone", at=rosa.locator("#section-plan"))

    expect(rosa.locator("#section-plan textarea", has_text=ACTION)).to_have_count(1)
    missed = frames.catch_ups()[before:]
    assert missed == [], "the phone was sent again the plan its own answer brought"
    assert screens.errors == [], "\n".join(screens.errors)
