"""A French phone and an English phone in the same meeting, on the real eventlet server.

The facilitator's console is in English (the account's language); one phone's browser asks for
French (locale fr-CA), the other for English. Each sees the board in its own language, with what
people typed left as typed; switching language mid-meeting keeps words typed but not yet sent.

Screenshots: /work/notes/shots17/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import live
from tests.browser.live import SCREENS, Screens, ServedApp
from tests.browser.test_live_board import (
    BOARD_URL,
    admit_everyone,
    sign_in,
    start_meeting,
)
from tests.browser.test_wall import open_wall

pytestmark = pytest.mark.browser
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

SHOTS = Path("/work/notes/shots17")


def open_phone(screens: Screens, name: str, locale: str) -> tuple[BrowserContext, Page]:
    """A phone-sized context whose browser asks for `locale` first."""
    context = screens.browser.new_context(**SCREENS["phone"], locale=locale)
    context.set_default_timeout(10_000)
    screens.errors.watch_screen(context, name)
    screens.contexts.append(context)
    return context, context.new_page()


def join(page: Page, app: ServedApp, name: str, *, french: bool) -> None:
    """Open the link, say who one is, and get in (everyone with the code is admitted)."""
    page.goto(app.join_url)
    page.get_by_label("Votre nom" if french else "Your name").fill(name)
    page.get_by_label("Vous êtes ici en tant que" if french else "You are here as").select_option(
        index=1
    )
    page.get_by_role("button", name="Se joindre" if french else "Join", exact=True).click()
    expect(page).to_have_url(BOARD_URL)


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


def test_a_french_and_an_english_phone_each_see_the_board_in_their_language(
    served_app: ServedApp, screens: Screens
) -> None:
    _, projector = screens.open("projector", "projector")
    sign_in(projector, served_app)
    start_meeting(projector, served_app, screens)
    admit_everyone(projector)
    shoot(projector, "console-en")

    _, marie = open_phone(screens, "marie", "fr-CA")
    marie.goto(served_app.join_url)
    expect(marie.locator("html")).to_have_attribute("lang", re.compile(r"^fr"))
    shoot(marie, "join-fr")
    join(marie, served_app, "Marie", french=True)
    _, rosa = open_phone(screens, "rosa", "en-US")
    join(rosa, served_app, "Rosa", french=False)

    # Each phone's board speaks its own language; the console stays in the facilitator's.
    expect(marie.get_by_role("heading", name="Ce qui va bien")).to_be_visible()
    expect(marie.get_by_role("heading", name="What's working well")).to_have_count(0)
    expect(rosa.get_by_role("heading", name="What's working well")).to_be_visible()
    expect(rosa.get_by_role("heading", name="Ce qui va bien")).to_have_count(0)
    expect(projector.get_by_role("heading", name="What's working well")).to_be_visible()

    # What Rosa types reaches Marie as typed, with French chrome around it.
    words = "Rosa walks the kids to school every day"
    rosa_strengths = rosa.locator("#section-strengths")
    rosa_strengths.get_by_label("Add a strength").fill(words)
    rosa_strengths.get_by_role("button", name="Add", exact=True).click()
    marie_strengths = marie.locator("#section-strengths")
    expect(marie_strengths.get_by_text(words)).to_be_visible()
    expect(rosa_strengths.get_by_text(words)).to_be_visible()
    # No chrome of the other language on either phone (the words typed aside).
    marie_text = marie.locator("main").inner_text().replace(words, "")
    rosa_text = rosa.locator("main").inner_text()
    for english in ("Delete", "Edit", "Add a strength", "What's working well"):
        assert english not in marie_text, marie_text
    assert "Ce qui va bien" in marie_text, marie_text
    for french in ("Supprimer", "Modifier", "Ajouter", "Ce qui va bien"):
        assert french not in rosa_text, rosa_text
    shoot(marie, "board-fr")
    shoot(rosa, "board-en")

    # Switching language mid-meeting keeps words typed but not yet sent, then saving works.
    unsent = "Grand-maman garde les enfants le samedi"
    marie_strengths.get_by_label("Ajouter une force").fill(unsent)
    marie.locator(".language-switch").get_by_role("button", name="English").click()
    expect(marie.get_by_role("heading", name="What's working well")).to_be_visible()
    marie_strengths = marie.locator("#section-strengths")
    expect(marie_strengths.get_by_label("Add a strength")).to_have_value(unsent)
    marie_strengths.get_by_role("button", name="Add", exact=True).click()
    expect(rosa.locator("#section-strengths").get_by_text(unsent)).to_be_visible()

    # And back: the choice is remembered for Marie's participant across a fresh load.
    marie.locator(".language-switch").get_by_role("button", name="Français").click()
    expect(marie.get_by_role("heading", name="Ce qui va bien")).to_be_visible()
    marie.reload()
    expect(marie.get_by_role("heading", name="Ce qui va bien")).to_be_visible()

    # The wall speaks the facilitator's language while a French phone is in the room; the console's
    # "Language on the wall" makes it bilingual: French headings, the English ones beneath.
    wall, _ = open_wall(projector)
    expect(wall.get_by_text("What's working well").first).to_be_visible()
    expect(wall.get_by_text("Ce qui va bien")).to_have_count(0)
    steering = projector.locator("#wall-steering")
    steering.get_by_role("button", name="Français + English").click()
    expect(wall.get_by_text("Ce qui va bien").first).to_be_visible(timeout=15_000)
    expect(wall.locator(".also[lang=en]").first).to_be_visible()
    expect(wall.locator(".also[lang=en]", has_text="What's working well").first).to_be_attached()
    wall.wait_for_timeout(500)
    shoot(wall, "wall-bilingual")
    shoot(projector, "console-after-wall")

    # The facilitator switches the console to French: the staff board comes back in French.
    projector.locator(".language-switch").get_by_role("button", name="Français").click()
    expect(projector.get_by_role("heading", name="Ce qui va bien")).to_be_visible()
    shoot(projector, "console-fr")
