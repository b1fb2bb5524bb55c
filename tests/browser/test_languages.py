"""A French phone and an English phone in the same meeting, on the real eventlet server.

The facilitator's console is in English (the account's language); one phone's browser asks for
French (locale fr-CA), the other for English. Each sees the board in its own language, with what
people typed left as typed; switching language mid-meeting keeps words typed but not yet sent,
even in an edit fold whose form was loaded when it was opened. After the meeting, the French
phone answers the agreement and reads (and downloads) the family's copy of the plan in French.

Screenshots: test-results/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser import live, riveras
from tests.browser.live import SCREENS, Screens, ServedApp
from tests.browser.pages import open_section
from tests.browser.test_agreement_and_review import end_the_meeting, expect_listed
from tests.browser.test_live_board import (
    BOARD_URL,
    admit_everyone,
    sign_in,
    start_meeting,
    strength_items,
)
from tests.browser.test_wall import open_wall
from tests.helpers import expect_tagged_pdf

pytestmark = pytest.mark.browser
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

SHOTS = Path("test-results") / "screenshots"


def open_phone(screens: Screens, name: str, locale: str) -> tuple[BrowserContext, Page]:
    """A phone-sized context whose browser asks for `locale` first (and keeps downloads)."""
    context = screens.browser.new_context(**SCREENS["phone"], locale=locale, accept_downloads=True)
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


# ---- After the meeting: the family map, the agreement and the family's copy, in French ----

# The Riveras' first meeting made plan version 1; ending their review meeting makes version 2.
QUESTION_FR = "Êtes-vous d'accord avec le plan (version 2)?"
QUESTION_EN = "Do you agree with the plan (version 2)?"
MARIE_SAYS = "Je peux garder Maya et Leo le vendredi soir."
# What people typed, on the board and in the family map: it is shown as typed, in any language.
TYPED = (
    *riveras.STRENGTHS,
    *(text for _, text in riveras.WORRIES),
    riveras.GOAL,
    riveras.OBJECTIVE,
    *(words for action in riveras.ACTIONS for words in action[1:3]),
    *riveras.SAFETY_STEP[1:],
    riveras.SAFETY_STEP[2].removeprefix("If "),  # pages say their own "If" / « Si »
    *(name for _, name, _, _ in riveras.PEOPLE),
    *{part for _, name, _, _ in riveras.PEOPLE for part in name.split()},
)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def without(text: str, typed: tuple[str, ...] | list[str]) -> str:
    """`text` with the words people typed taken out, longest first (a name inside a sentence)."""
    for words in sorted(typed, key=len, reverse=True):
        text = text.replace(words, "")
    return text


def copy_region(page: Page, heading: str) -> Locator:
    """A part of the family's copy, named by its heading."""
    return page.get_by_role("region", name=heading, exact=True)


def gather(served_app: ServedApp, screens: Screens) -> tuple[Page, Page, Page]:
    """The facilitator starts the meeting at the projector and lets everyone in; Marie joins on
    a phone asking for French, Rosa on one asking for English."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, served_app)
    start_meeting(projector, served_app, screens)
    admit_everyone(projector)
    _, marie = open_phone(screens, "marie", "fr-CA")
    join(marie, served_app, "Marie", french=True)
    _, rosa = open_phone(screens, "rosa", "en-US")
    join(rosa, served_app, "Rosa", french=False)
    return projector, marie, rosa


def test_a_french_phone_reads_the_family_map_agrees_and_gets_its_copy_in_french(
    served_app: ServedApp, screens: Screens
) -> None:
    projector, marie, rosa = gather(served_app, screens)

    # The family map on the French phone: its chrome in French, the family's names as typed.
    open_section(marie, "family_map")
    fr_map = marie.locator("#section-family_map")
    expect(fr_map.get_by_role("heading", name="Carte familiale", level=2)).to_be_visible()
    expect(fr_map.locator("#figure-genogram .figure-title")).to_have_text("Génogramme")
    expect(fr_map.locator("#figure-ecomap .figure-title")).to_have_text("Écocarte")
    expect(fr_map.locator("svg.genogram > title")).to_have_text("Génogramme de la famille Rivera")
    expect(fr_map.locator("svg.ecomap > title")).to_have_text("Écocarte de la famille Rivera")
    legend = fr_map.locator("svg.genogram text").all_text_contents()
    for french in ("Légende", "Féminin", "Masculin", "Divorce", "Union de fait"):
        assert french in legend, legend
    for english in ("Legend", "Female", "Male", "Divorced", "Living together"):
        assert english not in legend, legend
    fr_map.locator("#family-words > summary").click()
    expect(fr_map.locator("#family-words-heading")).to_have_text(
        f"La carte familiale en mots : {len(riveras.PEOPLE)} personnes"
    )
    maya = fr_map.locator(".person-line").filter(has_text="Maya Rivera")
    expect(maya).to_contain_text("Féminin")
    expect(maya).to_contain_text("l'enfant au cœur de ce plan")
    expect(fr_map.locator(".person-line").filter(has_text="Rosa Delgado")).to_have_count(1)
    fr_text = without(fr_map.inner_text(), TYPED)
    for english in ("Family map", "Genogram", "Ecomap", "Add a person", "in words", "Female"):
        assert english not in fr_text, fr_text
    shoot(marie, "family-map-fr")

    # The English phone's family map stays in English.
    open_section(rosa, "family_map")
    en_map = rosa.locator("#section-family_map")
    expect(en_map.get_by_role("heading", name="Family map", level=2)).to_be_visible()
    expect(en_map.locator("#figure-genogram .figure-title")).to_have_text("Genogram")
    expect(en_map.locator("svg.genogram > title")).to_have_text("Genogram of the Rivera family")
    en_text = en_map.inner_text() + " ".join(en_map.locator("svg text").all_text_contents())
    for french in ("Carte familiale", "Génogramme", "Écocarte", "Ajouter", "Légende", "Féminin"):
        assert french not in en_text, en_text
    shoot(rosa, "family-map-en")

    # The meeting ends: each phone is asked in its own language; Marie agrees, in French.
    end_the_meeting(projector)
    question = marie.get_by_role("group", name=QUESTION_FR)
    expect(question).to_be_visible()
    expect(rosa.get_by_role("group", name=QUESTION_EN)).to_be_visible()
    expect(marie.get_by_role("group", name=QUESTION_EN)).to_have_count(0)
    question.get_by_label("Je suis d'accord").check()
    marie.get_by_label("Ce que vous voulez dire sur le plan (facultatif)").fill(MARIE_SAYS)
    shoot(marie, "agreement-fr")
    marie.get_by_role("button", name="Envoyer ma réponse").click()
    mine = marie.locator("#my-agreement .my-answer")
    expect(mine).to_contain_text("Votre réponse : D'accord")
    expect(mine).to_contain_text(MARIE_SAYS)
    # The projector lists it in the facilitator's language, the comment as Marie typed it.
    expect_listed(projector, "Marie", "Agreed", MARIE_SAYS)
    shoot(projector, "agreements-en")

    # Marie's copy of the plan, from the link her phone is given: in French.
    marie.get_by_role("link", name="Votre copie du plan").click()
    expect(marie).to_have_url(f"{served_app.url}/meetings/{served_app.meeting_id}/plan/family")
    expect(marie.locator("html")).to_have_attribute("lang", re.compile(r"^fr"))
    expect(marie.get_by_role("heading", name="Le plan de notre famille", level=1)).to_be_visible()
    strengths = copy_region(marie, "Ce qui va bien pour votre famille")
    for words in riveras.STRENGTHS:
        expect(strengths).to_contain_text(words)
    expect(copy_region(marie, "Ce qui nous inquiète")).to_contain_text(riveras.HANDOVER_WORRY)
    expect(copy_region(marie, "Ce qui doit se passer")).to_contain_text(riveras.ACTIONS[0][1])
    expect(copy_region(marie, "Garder tout le monde en sécurité")).to_contain_text(
        riveras.SAFETY_STEP[1]
    )
    expect(copy_region(marie, "Notre famille et les personnes autour de nous")).to_contain_text(
        "La carte familiale en mots"
    )
    agreed = copy_region(marie, "Qui est d'accord avec ce plan")
    expect(agreed).to_contain_text("D'accord")
    expect(agreed).to_contain_text(MARIE_SAYS)
    copy_text = without(marie.locator("main").inner_text(), [*TYPED, MARIE_SAYS, "Marie"])
    for english in (
        "Our family plan",
        "What's going well",
        "What we are worried about",
        "What needs to happen",
        "Keeping everyone safe",
        "Every day we will",
        "Who will do what",
        "Who agreed",
        "Agreed",
        "Download as PDF",
        "The long-term goal",
        "Not yet",
        "The family map in words",
        "Female",
        "born",
        *MONTHS,
    ):
        assert english not in copy_text, f"{english!r} on the French copy:\n{copy_text}"
    shoot(marie, "family-copy-fr")

    with marie.expect_download() as download_info:
        marie.get_by_role("link", name="Télécharger en PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"%PDF-")
    expect_tagged_pdf(body, "fr-CA")

    # Rosa's copy is in English.
    rosa.get_by_role("link", name="Your copy of the plan").click()
    expect(rosa.get_by_role("heading", name="Our family plan", level=1)).to_be_visible()
    expect(copy_region(rosa, "What's going well for your family")).to_contain_text(
        riveras.STRENGTHS[0]
    )
    expect(copy_region(rosa, "Who agreed to this plan")).to_contain_text("Agreed")
    rosa_copy = without(rosa.locator("main").inner_text(), [*TYPED, MARIE_SAYS])
    for french in ("Le plan de notre famille", "Ce qui va bien", "Télécharger", "D'accord"):
        assert french not in rosa_copy, rosa_copy
    shoot(rosa, "family-copy-en")
    assert screens.errors == [], "\n".join(screens.errors)


def test_switching_language_keeps_an_open_edit_fold_and_what_was_typed_in_it(
    served_app: ServedApp, screens: Screens
) -> None:
    projector, marie, rosa = gather(served_app, screens)

    # Marie adds a strength of her own, then opens its "Modifier": the form loads into the fold.
    written = "Marie prépare le souper le mercredi"
    changed = "Marie prépare le souper le mercredi et le jeudi"
    strengths = marie.locator("#section-strengths")
    strengths.get_by_label("Ajouter une force").fill(written)
    strengths.get_by_role("button", name="Ajouter", exact=True).click()
    expect(strength_items(marie, written)).to_have_count(1)
    expect(strength_items(rosa, written)).to_have_count(1)
    item_id = (
        marie.locator("#items-strengths > li.item").filter(has_text=written).get_attribute("id")
    )
    item = marie.locator(f"#{item_id}")
    fold = item.locator("details.lazy-edit")
    expect(fold.locator("> summary")).to_have_text("Modifier")
    fold.locator("> summary").click()
    field = fold.locator("form textarea")
    expect(field).to_have_value(written)
    expect(fold.get_by_role("button", name="Enregistrer")).to_be_visible()
    field.fill(changed)  # not saved
    shoot(marie, "edit-fold-fr")

    # To English: the page comes back with the same fold open, its form loaded, the words in it.
    marie.locator(".language-switch").get_by_role("button", name="English").click()
    expect(marie.get_by_role("heading", name="What's working well")).to_be_visible()
    expect(marie.locator("html")).to_have_attribute("lang", re.compile(r"^en"))
    item = marie.locator(f"#{item_id}")
    fold = item.locator("details.lazy-edit")
    expect(fold).to_have_attribute("open", "")
    expect(fold.locator("> summary")).to_have_text("Edit")
    field = fold.locator("form textarea")
    expect(field).to_have_value(changed)
    expect(fold.get_by_role("button", name="Save")).to_be_visible()
    expect(fold.get_by_role("button", name="Enregistrer")).to_have_count(0)
    expect(marie.locator("details.lazy-edit[open]")).to_have_count(1)
    # Nothing was saved by the switch: Rosa still sees the words as first written.
    expect(strength_items(rosa, written)).to_have_count(1)
    shoot(marie, "edit-fold-en")

    fold.get_by_role("button", name="Save").click()
    expect(strength_items(marie, changed)).to_have_count(1)
    expect(strength_items(rosa, changed)).to_have_count(1)
    expect(strength_items(rosa, written)).to_have_count(0)
    expect(strength_items(projector, changed)).to_have_count(1)
    assert screens.errors == [], "\n".join(screens.errors)
