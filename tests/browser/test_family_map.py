"""The board's family map in a meeting: a phone draws on it, the projector shows it at once.

Each test gets its own server and database (see tests/browser/live.py): the Riveras' review
meeting (tests/browser/riveras.py), started by the facilitator, with Ana (parent) and Rosa
(relative) on phones (the download test needs only the projector). So a download shows the
family as seeded.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import expect_fits_screen, open_section
from tests.browser.test_live_board import (
    SETTLED,
    expect_not_reloaded,
    gather,
    mark_page,
    sign_in,
    start_meeting,
)

pytestmark = pytest.mark.browser
# The real-server fixtures, made available to this module's tests.
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

STRESS_RED = "#c62828"
OWN_PARENT = "A person can't be their own parent."
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---- What people see ----


def family_map(page: Page) -> Locator:
    """The board's family map section."""
    return page.locator("#section-family_map")


def drawn(page: Page, figure: str, kind: str, title: str | re.Pattern[str]) -> Locator:
    """The <g class=`kind`> of svg.`figure` (genogram, ecomap) whose <title> is `title`
    (a string: exactly; a pattern: matching it).
    """
    if isinstance(title, str):
        title = re.compile(f"^{re.escape(title)}$")
    return page.locator(f"svg.{figure} g.{kind}").filter(
        has=page.locator(":scope > title", has_text=title)
    )


def centre_y(group: Locator) -> float:
    """The vertical centre, on screen, of a person's genogram symbol (circle, square, diamond)."""
    box = group.locator("circle, rect, polygon").first.bounding_box()
    assert box is not None, "the symbol is not drawn"
    return box["y"] + box["height"] / 2


def widths(element: Locator) -> tuple[int, int]:
    """An element's scrollWidth and clientWidth: wider content than box means it scrolls."""
    return tuple(element.evaluate("el => [el.scrollWidth, el.clientWidth]"))


def count_swaps(page: Page) -> None:
    """Count from now on each time the family map section is replaced (an answer or a push),
    and note the form this page sends next.
    """
    page.evaluate(
        """() => {
          window.__familyMapSwaps = 0;
          window.__familyMapSent = null;
          if (window.__familyMapObserver) { return; }
          document.addEventListener("htmx:beforeRequest", (event) => {
            window.__familyMapSent = event.detail.elt;
          });
          const area = document.getElementById("section-family_map").parentElement;
          window.__familyMapObserver = new MutationObserver((records) => {
            for (const record of records) {
              for (const node of record.addedNodes) {
                if (node.id === "section-family_map") { window.__familyMapSwaps += 1; }
              }
            }
          });
          window.__familyMapObserver.observe(area, { childList: true });
        }"""
    )


def swaps(page: Page) -> int:
    """How many times the family map section was replaced since `count_swaps`."""
    return page.evaluate("window.__familyMapSwaps")


def wait_for_swaps(page: Page, count: int) -> None:
    """Wait until the family map section was replaced `count` times since `count_swaps`."""
    page.wait_for_function("count => window.__familyMapSwaps >= count", arg=count, timeout=SETTLED)


def wait_for_answer(page: Page) -> None:
    """Wait until the form this page sent since `count_swaps` has had its answer.

    The sender of a change gets the section as its answer and as the push every screen gets.
    When the push comes first, it replaces the form on its way, and htmx drops the answer (it
    was aimed at the section the push replaced). Either way, only once the answer is in or
    dropped is the new form safe to fill.
    """
    page.wait_for_function(
        "() => { const sent = window.__familyMapSent;"
        " return Boolean(sent) && !sent.classList.contains('htmx-request'); }",
        timeout=SETTLED,
    )


# ---- What people do ----


def open_form(page: Page, box_id: str) -> Locator:
    """Unfold one of the family map's "Add..." boxes; its form."""
    box = page.locator(f"#{box_id}")
    if box.get_attribute("open") is None:
        box.locator(":scope > summary").click()
    expect(box).to_have_attribute("open", "")
    return box.locator(":scope > form")


def open_words(page: Page) -> Locator:
    """Unfold "The family map in words"; its list of people."""
    box = page.locator("#family-words")
    if box.get_attribute("open") is None:
        box.locator(":scope > summary").click()
    expect(box).to_have_attribute("open", "")
    return box.locator("ul.family-people")


def add_carmen(page: Page) -> None:
    """Add Rosa's mother Carmen, aged 84, through the "Add a person" form."""
    form = open_form(page, "add-person-box")
    form.get_by_label("Name", exact=True).fill("Carmen Delgado")
    form.get_by_label("Female").check()
    form.get_by_label("Born (year) or age").fill("84")
    form.get_by_label("How is this person related?").select_option(label="is the birth parent of")
    form.get_by_label("…to whom").select_option(label="Rosa Delgado")
    form.get_by_role("button", name="Add to the map").click()


def add_school(page: Page) -> None:
    """Give Maya a stressful connection to her new school, through the ecomap form."""
    form = open_form(page, "add-connection-box")
    form.get_by_label("Whose connection").select_option(label="Maya Rivera")
    form.get_by_label("Kind of system").select_option(label="School")
    form.get_by_label("Name (school, clinic, church, person…)").fill("Lincoln Middle School")
    form.get_by_label("Stressful").check()
    form.get_by_role("button", name="Add the connection").click()


# ---- Tests ----


def test_phone_adds_a_grandmother_and_a_school(served_app: ServedApp, screens: Screens):
    """Carmen and Maya's new school, added on Ana's phone, are drawn on every screen at once."""
    meeting = gather(served_app, screens)
    projector, ana = meeting.projector, meeting.ana.page
    for page in meeting.pages.values():
        mark_page(page)
        open_section(page, "family_map")  # a phone shows one section: everyone opens the map
        expect(drawn(page, "genogram", "person", "Rosa Delgado")).to_have_count(1)
        expect(drawn(page, "genogram", "person", "Carmen Delgado")).to_have_count(0)

    for change in (add_carmen, add_school):
        for page in meeting.pages.values():
            count_swaps(page)
        change(ana)
        # Every screen gets the push; Ana gets her answer too (or the push first, in its place).
        wait_for_answer(ana)
        for page in meeting.pages.values():
            wait_for_swaps(page, 1)

    for name, page in meeting.pages.items():
        carmen = drawn(page, "genogram", "person", "Carmen Delgado")
        expect(carmen, name).to_have_count(1)
        rosa = drawn(page, "genogram", "person", "Rosa Delgado")
        carmen_y, rosa_y = centre_y(carmen), centre_y(rosa)
        assert carmen_y < rosa_y, f"{name}: Carmen ({carmen_y}) is not above Rosa ({rosa_y})"

        school = drawn(page, "ecomap", "system", "Lincoln Middle School")
        expect(school, name).to_have_count(1)
        # A connection's title is the system's name, and maybe more ("…: stressful").
        line = drawn(page, "ecomap", "connection", re.compile(r"^Lincoln Middle School\b"))
        expect(line, name).to_have_count(1)
        expect(line.locator("polyline"), name).to_have_attribute("stroke", STRESS_RED)
        # Stressful is hatched: ticks across the line, in the same red.
        expect(line.locator("path"), name).to_have_attribute("stroke", STRESS_RED)

        people = open_words(page)
        carmen_id = carmen.get_attribute("data-person")
        expect(people.locator(f"#person-{carmen_id} .relations"), name).to_contain_text(
            "Mother of Rosa Delgado"
        )
        maya = people.locator(":scope > li").filter(
            has=page.locator(".person-line > strong", has_text=re.compile("^Maya Rivera$"))
        )
        school_line = maya.locator(".connection-line").filter(has_text="Lincoln Middle School")
        expect(school_line, name).to_contain_text("Stressful")
        expect_not_reloaded(page)

    for page in (ana, meeting.rosa.page):
        expect_fits_screen(page)
    # The projector's board bar stays on top while scrolling, so a picture of the whole (tall)
    # section would show it halfway down: one screenful for the pictures, one for the words.
    screens.shoot(projector, "fm-01-figures", "projector", at=projector.locator(".family-figures"))
    screens.shoot(projector, "fm-01-in-words", "projector", at=projector.locator("#family-words"))
    screens.shoot(ana, "fm-01-genogram", "phone", at=ana.locator("#figure-genogram"))
    screens.shoot(ana, "fm-01-ecomap", "phone", at=ana.locator("#figure-ecomap"))
    family_map(ana).screenshot(
        path=str(screens.folder / "live-fm-01-section-phone.png"), caret="initial"
    )
    assert screens.errors == [], "\n".join(screens.errors)


def test_nobody_can_be_their_own_parent(served_app: ServedApp, screens: Screens):
    """The refusal shows above the section on the phone; the form and the board stay as they are."""
    meeting = gather(served_app, screens)
    projector, ana = meeting.projector, meeting.ana.page
    mark_page(projector)
    count_swaps(projector)
    before = family_map(projector).inner_html()

    open_section(ana, "family_map")
    form = open_form(ana, "add-relationship-box")
    who, how, whom = (form.get_by_label(words, exact=True) for words in ("Who", "How", "To whom"))
    who.select_option(label="Maya Rivera")
    how.select_option(label="is the birth parent of")
    whom.select_option(label="Maya Rivera")
    # The refusal is a 400 answer, swapped in on purpose: only that one is expected.
    with screens.errors.excusing("ana", r"^400 for xhr .*/family-map/relationships$"):
        form.get_by_role("button", name="Draw this line").click()
        message = ana.locator("#message-family_map")
        expect(message).to_have_text(OWN_PARENT)

    message_box, section_box = message.bounding_box(), family_map(ana).bounding_box()
    assert message_box and section_box
    assert message_box["y"] + message_box["height"] <= section_box["y"], "not above the section"
    expect(ana.locator("#add-relationship-box")).to_have_attribute("open", "")
    for select, words in (
        (who, "Maya Rivera"),
        (how, "is the birth parent of"),
        (whom, "Maya Rivera"),
    ):
        assert select.evaluate("s => s.selectedOptions[0].textContent") == words
    screens.shoot(ana, "fm-02-own-parent", "phone", at=message)

    projector.wait_for_timeout(1_000)  # ample for a push to arrive, had there been one
    assert swaps(projector) == 0, "the projector's family map was redrawn"
    assert family_map(projector).inner_html() == before
    expect(projector.locator("#message-family_map")).to_be_empty()
    expect_not_reloaded(projector)
    assert screens.errors == [], "\n".join(screens.errors)


def test_zooming_the_genogram_on_a_phone(served_app: ServedApp, screens: Screens):
    """Zoomed in, the genogram scrolls inside its box, not the page; a push keeps the zoom."""
    meeting = gather(served_app, screens)
    ana, rosa = meeting.ana.page, meeting.rosa.page
    for page in (ana, rosa):
        open_section(page, "family_map")
    box = ana.locator("#figure-genogram")
    scroller, picture = box.locator(".figure-scroll"), box.locator("svg.genogram")
    inner, outer = widths(scroller)
    assert inner <= outer, "the genogram does not fit its box before zooming"

    box.get_by_role("button", name="Zoom in").click()
    screen_width = ana.viewport_size["width"]
    zoomed = picture.bounding_box()
    assert zoomed and zoomed["width"] > screen_width, f"{zoomed} on a {screen_width}px screen"
    inner, outer = widths(scroller)
    assert inner > outer, "the zoomed genogram does not scroll in its box"
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert scroller.evaluate("el => el.scrollLeft") > 0
    expect_fits_screen(ana)
    screens.shoot(ana, "fm-03-zoomed", "phone", at=box)

    # Rosa adds a household meanwhile: Ana's redrawn genogram keeps her zoom.
    count_swaps(ana)
    form = open_form(rosa, "add-household-box")
    form.get_by_label(re.compile("^Household name")).fill("Carmen's home")
    form.get_by_role("button", name="Add the household").click()
    wait_for_swaps(ana, 1)
    redrawn = box.locator("svg.genogram").bounding_box()
    assert redrawn and redrawn["width"] == zoomed["width"], "a push undid the zoom"

    box.get_by_role("button", name="Fit").click()
    inner, outer = widths(scroller)
    assert inner <= outer, "Fit did not bring the genogram back into its box"
    fitted = picture.bounding_box()
    assert fitted and fitted["width"] <= screen_width
    expect_fits_screen(ana)
    assert screens.errors == [], "\n".join(screens.errors)


def test_projector_downloads_the_genogram(served_app: ServedApp, screens: Screens):
    """The genogram's SVG and PNG links download the drawing as files."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, served_app)
    start_meeting(projector, served_app, screens)
    box = projector.locator("#figure-genogram")

    with projector.expect_download() as svg_download:
        box.get_by_role("link", name="SVG Genogram").click()
    assert svg_download.value.suggested_filename == f"genogram-meeting-{served_app.meeting_id}.svg"
    text = svg_download.value.path().read_text(encoding="utf-8")
    assert re.match(r"\s*<svg\b[^>]*\bxmlns=\"http://www.w3.org/2000/svg\"", text), text[:200]
    assert text.rstrip().endswith("</svg>")
    assert "<title>Maya Rivera</title>" in text
    assert "<script" not in text

    with projector.expect_download() as png_download:
        box.get_by_role("link", name="PNG Genogram").click()
    assert png_download.value.suggested_filename.endswith(".png")
    assert png_download.value.path().read_bytes().startswith(PNG_SIGNATURE)
    assert screens.errors == [], "\n".join(screens.errors)


def test_a_push_keeps_what_is_being_filled_in(served_app: ServedApp, screens: Screens):
    """Rosa's change reaches Ana's phone while Ana is half-way through two forms: none is lost."""
    meeting = gather(served_app, screens)
    ana, rosa = meeting.ana.page, meeting.rosa.page
    for page in (ana, rosa):
        open_section(page, "family_map")
    person = open_form(ana, "add-person-box")
    person.get_by_label("Name", exact=True).fill("Carmen Delgado")
    person.get_by_label("Female").check()
    person.get_by_label("How is this person related?").select_option(label="is the birth parent of")
    connection = open_form(ana, "add-connection-box")
    connection.get_by_label("Kind of system").select_option(label="School")
    connection.get_by_label("Stressful").check()

    count_swaps(ana)
    household = open_form(rosa, "add-household-box")
    household.get_by_label(re.compile("^Household name")).fill("Carmen's home")
    household.get_by_role("button", name="Add the household").click()
    wait_for_swaps(ana, 1)

    person, connection = (
        ana.locator("#add-person-box > form"),
        ana.locator("#add-connection-box > form"),
    )
    expect(person.get_by_label("Name", exact=True)).to_have_value("Carmen Delgado")
    expect(person.get_by_label("How is this person related?")).to_have_value("parent:biological")
    expect(connection.get_by_label("Kind of system")).to_have_value("school")
    # Checked now or never: the push is in, and nothing else will tick them again.
    assert person.get_by_label("Female").is_checked(), "the push reset Sex to its default"
    assert connection.get_by_label("Stressful").is_checked(), "the push cleared the strength"
    assert screens.errors == [], "\n".join(screens.errors)


def test_a_phone_without_scripts_changes_someone_and_a_line(
    served_app: ServedApp, screens: Screens
):
    """With JavaScript off (or not loaded yet), "Change" on the family map is a link to the form
    on a page of its own: Walt corrects Leo's name and the kind of a line, the board comes back
    at the family map, and the projector shows both. Nothing he typed goes into a URL."""
    meeting = gather(served_app, screens)
    context = screens.browser.new_context(**live.SCREENS["phone"], java_script_enabled=False)
    screens.contexts.append(context)
    page = context.new_page()
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    page.goto(served_app.join_url)
    page.get_by_label("Your name").fill("Walt")
    page.get_by_label("You are here as").select_option(label="Relative")
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/board/$"))

    people = open_words(page)
    fold = people.locator("details.lazy-edit").filter(
        has=page.get_by_text("Change Leo Rivera", exact=True)
    )
    fold.locator("> summary").click()
    fold.get_by_role("link", name="Change it on a page of its own").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Leo Rivera")
    page.get_by_label("Name").fill("Leonardo Rivera")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/board/#section-family_map$"))
    expect(family_map(page)).to_contain_text("Leonardo Rivera")
    expect(family_map(meeting.projector)).to_contain_text("Leonardo Rivera")
    people = open_words(page)

    line = (
        people.locator("details.lazy-edit")
        .filter(
            has=page.locator(
                "summary[aria-label^='Change the relationship between Ana Rivera and Sam Carter']"
            )
        )
        .first
    )
    line.locator("> summary").click()
    line.get_by_role("link", name="Change it on a page of its own").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the relationship between")
    screens.shoot(page, "family-map-no-scripts-line", "phone")
    page.get_by_label("Kind of line").select_option(label="Married")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/board/#section-family_map$"))
    expect(family_map(meeting.projector)).to_contain_text("Married to Sam Carter")
    for url in visited:
        assert "Walt" not in url and "name=" not in url and "born=" not in url, url
