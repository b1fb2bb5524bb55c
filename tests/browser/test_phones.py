"""The board on a phone, with a family the size of the demo's: a "Sections" menu under the thumb
reaches every section in two taps and marks the one in view; each action is a card whose fields
take its whole width; nothing makes a 320 px screen scroll sideways; the page is short with every
form folded; the family map's "Change" forms come when opened and keep working after a push.

Each test gets its own server and database (see tests/browser/live.py), seeded once for the
module with the Riveras at the demo's size: eight people, twelve lines, six ecomap connections,
four strengths, three worries, four actions and five safety steps.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from fttm.auth.models import User
from fttm.board.commands import add_item
from fttm.core.viewers import Viewer
from fttm.family_map.lines import add_connection, add_relationship
from fttm.family_map.people import add_person
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, set_option
from fttm.meetings.commands import start_meeting as start
from fttm.meetings.models import Meeting
from tests import factories
from tests.browser import live, riveras
from tests.browser.live import Screens, SeededMeeting, ServedApp, seed_database
from tests.browser.pages import open_section
from tests.browser.test_live_board import (
    BOARD_URL,
    SETTLED,
    expect_not_reloaded,
    fill_join_form,
    mark_page,
    sign_in,
)

pytestmark = pytest.mark.browser
served_app, screens = live.served_app, live.screens

SHOTS = Path("test-results") / "screenshots"
PHONE_HEIGHT_LIMIT = 3_000  # CSS px, at 390x844 with every form folded
SMALL_PHONE = {
    "viewport": {"width": 320, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SECTION_TITLES = {
    "strengths": "What's working well",
    "worries": "What are we worried about",
    "family_map": "Family map",
    "plan": "What needs to happen",
    "safety_plan": "Safety plan",
    "safety_scale": "Safety scale",
    "notes": "Notes",
    "participants": "Who is here",
}

# What the demo family has beyond the Riveras of riveras.py.
MORE_PEOPLE = (("ernesto", "Ernesto Delgado", "male", 66),)
MORE_LINES = (
    ("ernesto", "partner:widowed", "rosa"),
    ("ernesto", "parent:biological", "ana"),
    ("ana", "feeling:conflict", "marcus"),
    ("maya", "feeling:very_close", "rosa"),
)
CONNECTIONS = (
    ("maya", "school", "Lincoln Elementary School", "moderate", "both"),
    (None, "health", "Midtown Family Health Clinic", "strong", "to_family"),
    ("rosa", "faith", "St. Anne's Parish", "strong", "both"),
    ("ana", "service_providers", "Turning Point Recovery Services", "tenuous", "to_family"),
    ("marcus", "court", "Family Court (parenting time)", "stressful", "from_family"),
    (None, "agency", "Midtown Family Services", "stressful", "both"),
)
MORE_STRENGTHS = (
    "Maya loves reading and the after-school art club, and says so proudly.",
    "The family eats dinner together most evenings; everyone says home has felt calmer.",
)
MORE_WORRY = (
    "substance_use",
    "Ana has been drinking heavily on some weekends, and Maya and Leo have been at home "
    "without a sober adult.",
)
MORE_ACTIONS = (
    (
        "ana",
        "Ana will call Turning Point on 555 0100 to book an intake appointment within two weeks",
        "By phone from home; Sam will sit with her when she calls",
        14,
    ),
    ("sam", "Sam will send Ana the referral letter and a monthly bus pass", "By post", 5),
)
MORE_SAFETY_STEPS = (
    ("proactive", "sam", "Sam stays sober and is the adult in charge on Friday evenings.", None),
    ("proactive", "leo", "Grandma Rosa's number is saved on Leo's phone and on the fridge.", None),
    (
        "reactive",
        "rosa",
        "Leo or Sam calls Rosa, who comes to take Maya and Leo to her home for the night.",
        "If Ana has been drinking while she is looking after the children",
    ),
    ("reactive", "leo", "Leo calls the after-hours line on 555 0199.", "If no adult answers"),
)


def demo_sized_review(facilitator: User) -> Meeting:
    """The Riveras at the demo's size, their first meeting held; their review meeting under way,
    everyone with the code let in.
    """
    case = factories.make_case(facilitator, family_name="Rivera")
    first = factories.make_meeting(facilitator, case, days_ahead=1)
    start(facilitator, first)
    staff = Viewer(first, join_as_staff(facilitator, first), facilitator)
    year = date.today().year
    people = {}
    for key, name, sex, age in (*riveras.PEOPLE, *MORE_PEOPLE):
        fields = {"name": name, "sex": sex, "born": str(year - age)}
        if key == "maya":
            fields["is_focus_child"] = "1"
        people[key] = add_person(staff, fields).id
    for who, how, whom in (*riveras.LINES, *MORE_LINES):
        add_relationship(
            staff, {"person": str(people[who]), "relation": how, "other": str(people[whom])}
        )
    for who, category, system, strength, flow in CONNECTIONS:
        whose = str(people[who]) if who else ""
        connection = {"person_id": whose, "category": category, "system_name": system}
        add_connection(staff, connection | {"strength": strength, "flow": flow})
    for text in (*riveras.STRENGTHS, *MORE_STRENGTHS):
        add_item(staff, "strength", {"text": text})
    for domain, text in (*riveras.WORRIES, MORE_WORRY):
        add_item(staff, "worry", {"text": text, "need_domain": domain})
    goal = add_item(staff, "goal", {"text": riveras.GOAL})
    objective = add_item(staff, "objective", {"goal_id": str(goal.id), "text": riveras.OBJECTIVE})
    for who, what, where_how, days in (*riveras.ACTIONS, *MORE_ACTIONS):
        action = {"what": what, "who_person_id": str(people[who]), "where_how": where_how}
        action |= {"due_on": (date.today() + timedelta(days=days)).isoformat()}
        add_item(
            staff, "action", action | {"goal_id": str(goal.id), "objective_id": str(objective.id)}
        )
    steps = (("reactive", riveras.SAFETY_STEP[0], *riveras.SAFETY_STEP[1:]), *MORE_SAFETY_STEPS)
    for kind, who, text, trigger in steps:
        step = {"kind": kind, "text": text, "who_person_id": str(people[who])}
        add_item(staff, "safety_step", step | ({"trigger": trigger} if trigger else {}))
    end_meeting(facilitator, first)
    review = factories.make_meeting(facilitator, case, purpose="review_90_day")
    set_option(facilitator, review, "admit_everyone", True)
    return start(facilitator, review)


@pytest.fixture(scope="module")
def seeded_meeting(tmp_path_factory: pytest.TempPathFactory) -> SeededMeeting:
    """The demo-sized Riveras' review meeting, seeded once for this module."""
    database = tmp_path_factory.mktemp("phones") / "live.sqlite3"
    return seed_database(database, demo_sized_review)


# ---- Who is looking ----


def staff_opens_the_board(app: ServedApp, screens: Screens) -> Page:
    """The facilitator signs in on the projector and opens the board of the running meeting."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, app)
    projector.goto(app.board_url)
    expect(projector.locator("#connection")).to_have_attribute("data-state", "connected")
    return projector


def phone_joins(app: ServedApp, screens: Screens, name: str, size: dict | None = None) -> Page:
    """A parent opens the join link on a phone (390x844, or `size`) and is let in."""
    if size is None:
        _, phone = screens.open("phone", name)
    else:
        context = screens.browser.new_context(**size)
        context.set_default_timeout(10_000)
        screens.errors.watch_screen(context, name)
        screens.contexts.append(context)
        phone = context.new_page()
    phone.goto(app.join_url)
    fill_join_form(phone, name, "Parent")
    expect(phone).to_have_url(BOARD_URL)
    expect(phone.locator("#connection")).to_have_attribute("data-state", "connected")
    return phone


def shoot(page: Page, name: str, *, whole: bool = False) -> None:
    """A screenshot for people to look at, in test-results/screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=whole, caret="initial")


# ---- What a phone shows ----


def menu(page: Page) -> Locator:
    """The board's section navigation."""
    return page.locator("#section-nav")


def heading_top_below_bar(page: Page, name: str) -> tuple[float, float]:
    """Where a section's heading is on screen, and where the sticky bar ends."""
    return tuple(
        page.evaluate(
            """name => [document.getElementById("heading-" + name).getBoundingClientRect().top,
                        document.querySelector(".board-bar").getBoundingClientRect().bottom]""",
            name,
        )
    )


def expect_in_view(page: Page, name: str) -> None:
    """The section's heading is on screen, clear of the sticky bar; the section has the focus
    and the menu marks it.
    """
    heading = page.locator(f"#heading-{name}")
    expect(heading).to_be_in_viewport()
    top, bar = heading_top_below_bar(page, name)
    assert top >= bar - 1, f"{name}'s heading ({top}) is under the sticky bar ({bar})"
    expect(page.locator(f"section.area-{name}")).to_be_focused()
    link = menu(page).locator(f'a[data-section="{name}"]')
    expect(link).to_have_attribute("aria-current", "true")
    expect(menu(page).locator('a[aria-current="true"]')).to_have_count(1)


def sideways(page: Page) -> list[str]:
    """The page's width against the screen's, and any element reaching past the screen's edge."""
    return page.evaluate(
        """() => {
          const root = document.documentElement;
          const found = [];
          if (root.scrollWidth > root.clientWidth) {
            found.push(`page: ${root.scrollWidth} > ${root.clientWidth}`);
          }
          for (const el of document.querySelectorAll("body *")) {
            const box = el.getBoundingClientRect();
            if (!box.width || el.closest(".figure-scroll, .visually-hidden")) { continue; }
            const fold = el.closest("details:not([open])");
            if (fold && !el.closest("summary")) { continue; }  // folded: not shown
            if (box.right > root.clientWidth + 0.5) {
              const name = `${el.tagName.toLowerCase()}#${el.id}.${el.className}`;
              found.push(`${name}: ${box.left}..${box.right}`);
            }
          }
          return found.slice(0, 10);
        }"""
    )


# ---- Tests ----


def test_a_phone_jumps_between_sections_in_two_taps(served_app: ServedApp, screens: Screens):
    """ "Sections", then a section: the phone shows that section alone, focused and clear of the
    sticky bar, and the menu marks it.
    """
    ana = phone_joins(served_app, screens, "Ana")
    mark_page(ana)
    nav = menu(ana)
    links = nav.get_by_role("link")
    expect(links).to_have_count(0)  # folded: only the "Sections" button shows
    summary = nav.locator("summary")
    expect(summary).to_be_in_viewport()
    assert summary.bounding_box()["y"] > 844 / 2, "the menu is not under the thumb"
    for name in ("safety_plan", "family_map", "participants", "strengths"):
        summary.tap()  # one
        expect(nav.get_by_role("link")).to_have_count(len(SECTION_TITLES))
        for key, title in SECTION_TITLES.items():
            expect(nav.get_by_role("link", name=title, exact=True)).to_have_attribute(
                "href", f"#section-{key}"
            )
        if name == "safety_plan":
            shoot(ana, "phone-390-sections-menu")
        nav.get_by_role("link", name=SECTION_TITLES[name], exact=True).tap()  # two
        expect(nav).not_to_have_attribute("open", "")
        expect_in_view(ana, name)
        expect(summary).to_contain_text(SECTION_TITLES[name])
    shoot(ana, "phone-390-jumped-to-strengths")

    # One section at a time: the one chosen shows, the others do not; the address keeps it.
    for key in SECTION_TITLES:
        place = ana.locator(f"section.board-section.area-{key}")
        if key == "strengths":
            expect(place).to_be_visible()
        else:
            expect(place).to_be_hidden()
    assert ana.evaluate("window.location.hash") == "#section-strengths"
    expect_not_reloaded(ana)
    assert screens.errors == [], "\n".join(screens.errors)


def test_desktop_shows_a_bar_of_sections_used_with_the_keyboard(
    served_app: ServedApp, screens: Screens
):
    """On the projector the sections are a bar of links in the sticky bar; Tab and Enter take
    the focus into the section chosen.
    """
    projector = staff_opens_the_board(served_app, screens)
    nav = menu(projector)
    expect(nav).to_have_attribute("open", "")
    expect(nav.locator("summary")).to_be_hidden()
    expect(nav.get_by_role("link")).to_have_count(len(SECTION_TITLES))
    bar = projector.locator(".board-bar").bounding_box()
    assert bar and bar["height"] < 200, f"the sticky bar is {bar} tall"
    link = nav.get_by_role("link", name=SECTION_TITLES["family_map"], exact=True)
    link.focus()
    projector.keyboard.press("Enter")
    expect_in_view(projector, "family_map")
    projector.keyboard.press("Tab")
    inside = projector.evaluate(
        "() => Boolean(document.activeElement.closest('section.area-family_map'))"
    )
    assert inside, "Tab after the jump left the section"
    shoot(projector, "desktop-section-bar")
    assert screens.errors == [], "\n".join(screens.errors)


def test_an_action_is_a_card_with_fields_the_card_s_width(served_app: ServedApp, screens: Screens):
    """What, Where/how and By when take the card's width; What shows three lines."""
    ana = phone_joins(served_app, screens, "Ana")
    open_section(ana, "plan")
    cards = ana.locator("#section-plan tr[id^='action-']")
    expect(cards).to_have_count(len(riveras.ACTIONS) + len(MORE_ACTIONS))
    # Measured in one go: a push (a phone joining changes every "Who" list) may replace them.
    cards_now = ana.evaluate(
        """() => Array.from(document.querySelectorAll("#section-plan tr[id^=action-]"), (card) => {
          const style = getComputedStyle(card);
          const inner = card.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
          const widths = {};
          for (const name of ["what", "where_how", "due_on"]) {
            widths[name] = card.querySelector(`[name="${name}"]`).getBoundingClientRect().width;
          }
          const what = card.querySelector("textarea[name='what']");
          const box = getComputedStyle(what);
          const lines = (what.clientHeight - parseFloat(box.paddingTop)
            - parseFloat(box.paddingBottom)) / parseFloat(box.lineHeight);
          return { id: card.id, inner, widths, lines };
        })"""
    )
    assert len(cards_now) == len(riveras.ACTIONS) + len(MORE_ACTIONS)
    for card in cards_now:
        for field, width in card["widths"].items():
            assert width >= 0.9 * card["inner"], f"{card['id']} {field}: {width} of {card['inner']}"
        assert card["lines"] >= 2.95, f"{card['id']}: What shows {card['lines']:.1f} lines"
    cards.first.scroll_into_view_if_needed()
    shoot(ana, "phone-390-action-card")
    assert screens.errors == [], "\n".join(screens.errors)


def test_the_phone_page_is_short_with_every_form_folded(served_app: ServedApp, screens: Screens):
    """Under 3,000 px at 390x844 as the page opens (every form folded), whichever section the
    phone shows (9,000 px when every section showed one under the other)."""
    ana = phone_joins(served_app, screens, "Ana")
    expect(ana.locator("#section-family_map details[open]")).to_have_count(0)
    for name in SECTION_TITLES:
        open_section(ana, name)
        height = ana.evaluate("document.documentElement.scrollHeight")
        assert height < PHONE_HEIGHT_LIMIT, f"with {name} shown the board is {height}px tall"
    open_section(ana, "plan")
    shoot(ana, "phone-390-whole-plan", whole=True)
    assert screens.errors == [], "\n".join(screens.errors)


def test_nothing_scrolls_sideways_on_a_320_px_phone(served_app: ServedApp, screens: Screens):
    """The whole board fits 320 px as it opens and with every fold open and every "Change"
    form loaded; only the pictures scroll, inside their own boxes.
    """
    ana = phone_joins(served_app, screens, "Ana", SMALL_PHONE)
    for name in SECTION_TITLES:
        open_section(ana, name)
        wide = sideways(ana)
        assert wide == [], f"{name}: " + "\n".join(wide)
    shoot(ana, "phone-320-whole-board", whole=True)
    menu(ana).locator("summary").tap()
    expect(menu(ana).get_by_role("link")).to_have_count(len(SECTION_TITLES))
    wide = sideways(ana)
    assert wide == [], "\n".join(wide)
    shoot(ana, "phone-320-sections-menu")
    menu(ana).locator("summary").tap()

    folds = ana.locator("main details")
    ana.evaluate(
        "() => document.querySelectorAll('main details').forEach((d) => { d.open = true; })"
    )
    expect(ana.locator(".loading-note")).to_have_count(0, timeout=SETTLED * 3)
    assert folds.count() > 20
    for name in SECTION_TITLES:
        open_section(ana, name)
        wide = sideways(ana)
        assert wide == [], f"{name}: " + "\n".join(wide)
    open_section(ana, "family_map")
    picture = ana.locator("#figure-genogram .figure-scroll")
    picture.scroll_into_view_if_needed()
    assert picture.evaluate("el => el.clientWidth <= document.documentElement.clientWidth")
    shoot(ana, "phone-320-everything-open", whole=True)
    assert screens.errors == [], "\n".join(screens.errors)


def test_a_change_form_comes_when_opened_and_works_after_a_push(
    served_app: ServedApp, screens: Screens
):
    """Ana opens "Change Maya Rivera": the form comes then. A push replaces the section while it
    is open: it is open again, reloaded, and her change is saved without a reload.
    """
    ana = phone_joins(served_app, screens, "Ana")
    rosa = phone_joins(served_app, screens, "Rosa")
    mark_page(ana)
    open_section(ana, "family_map")
    words = ana.locator("#family-words")
    words.locator(":scope > summary").tap()
    maya = ana.locator(".family-people > li").filter(
        has=ana.locator(".person-line > strong", has_text=re.compile("^Maya Rivera$"))
    )
    expect(maya.locator("input[name='name']")).to_have_count(0)
    maya.locator("summary", has_text="Change Maya Rivera").tap()
    name = maya.get_by_label("Name", exact=True)
    expect(name).to_have_value("Maya Rivera")
    maya.scroll_into_view_if_needed()
    shoot(ana, "phone-390-change-form")

    # Rosa adds a household: the push replaces Ana's family map section.
    open_section(rosa, "family_map")
    household = rosa.locator("#add-household-box")
    household.locator(":scope > summary").tap()
    household.get_by_label(re.compile("^Household name")).fill("The Delgado house")
    household.get_by_role("button", name="Add the household").tap()
    expect(ana.locator("#section-family_map")).to_contain_text("The Delgado house", timeout=SETTLED)

    maya = ana.locator(".family-people > li").filter(
        has=ana.locator(".person-line > strong", has_text=re.compile("^Maya Rivera$"))
    )
    name = maya.get_by_label("Name", exact=True)
    expect(name).to_have_value("Maya Rivera")  # open again, its form loaded again
    maya.get_by_label("Note").fill("Loves the art club")
    maya.get_by_role("button", name="Save").tap()
    for page in (ana, rosa):
        expect(page.locator("#section-family_map")).to_contain_text(
            "Loves the art club", timeout=SETTLED
        )
    expect_not_reloaded(ana)
    assert screens.errors == [], "\n".join(screens.errors)
