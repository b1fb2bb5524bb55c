"""axe-core (vendored in tests/browser/vendor/, never served by the app) on every page, on a
phone and a desktop, and again after the live board's main moments: a strength arriving from
another screen, an Edit form opened, a rating given, the meeting ended.

axe is injected from the app's own origin: a Playwright route answers /__axe__/axe.min.js with
the vendored file, so the page's strict CSP (script-src 'self') stays on and is tested too.
No violation of WCAG 2.0/2.1 A or AA is allowed; of what axe asks a person to review
("incomplete"), only the entries of NEEDS_REVIEW, each with its reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests import factories
from tests.browser import live, riveras
from tests.browser.live import ServedApp
from tests.browser.pages import VIEWPORTS, open_section, show_staff_view
from tests.browser.test_live_board import ENDED_TEXT
from tests.browser.test_voices import fill_voice
from tests.voices import samples

pytestmark = pytest.mark.browser
served_app = live.served_app

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
AXE_PATH = "/__axe__/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ADMIN_EMAIL = "admin@agency.example"
SUPERVISOR_EMAIL = "supervisor@agency.example"
STRENGTH = "Leo walks his sister to school every morning."
# What axe may leave for a person to review: (rule, axe's reason) -> (the kind of element it
# is fine for, why). Anything else fails the test. The kinds are told apart by KIND_OF below.
NEEDS_REVIEW = {
    ("color-contrast", "bgOverlap"): {
        "svg-text": "a name or label drawn in the genogram or ecomap (SVG): axe sees the"
        " drawing's shapes under it and cannot tell the background; the drawing is dark ink"
        " on white or a light fill",
        "under-bar": "scrolled, at that moment, under the sticky bar or the phone's Sections bar"
        " (which covers it by design until it is scrolled into view); in view it is on the"
        " section's plain background, which axe checks on the other pages",
    },
    ("color-contrast", "shortTextContent"): {
        "svg-text": "a one- or two-character SVG label (an age in the genogram): too short for"
        " axe to judge, drawn in the same ink as the names",
    },
    ("color-contrast", "nonBmp"): {
        "aria-hidden": "a sign for the eye only (the figures' zoom signs, the fidelity ticks),"
        " hidden from screen readers, its meaning in words beside it",
    },
    ("color-contrast", "emptyValue"): {
        "any": "an empty text field: there is no text whose contrast to measure",
    },
    ("color-contrast", "elmPartiallyObscuring"): {
        "wall-box": "the wall's overview shows each section in a box of fixed size, and what"
        " does not fit is cut off at the box's edge by design (the facilitator brings a"
        " section into focus to show all of it); the text in view is checked",
    },
}
# Which kind of element an undecided node is (see NEEDS_REVIEW), computed in the page.
KIND_OF = """([selector, html]) => {
  const element = document.querySelector(selector);
  if (html.startsWith("<text")) return "svg-text";
  if (html.includes('aria-hidden="true"')) return "aria-hidden";
  if (!element) return "gone";
  if (document.body.classList.contains("wall") && element.closest("section.board-section"))
    return "wall-box";
  const box = element.getBoundingClientRect();
  const bars = [...document.querySelectorAll("body *")].filter(other => {
    const position = getComputedStyle(other).position;
    return (position === "fixed" || position === "sticky") && !other.contains(element);
  });
  const covered = bars.some(bar => {
    const b = bar.getBoundingClientRect();
    return b.width && b.height && box.top < b.bottom && box.bottom > b.top
      && box.left < b.right && box.right > b.left;
  });
  return covered ? "under-bar" : "plain";
}"""
SCREENSHOTS = Path("test-results") / "screenshots"


@pytest.fixture(scope="module")
def seeded_meeting(tmp_path_factory: pytest.TempPathFactory) -> live.SeededMeeting:
    """The Riveras' review meeting, an admin of the agency for the admin pages, and the team's
    supervisor, to whom the first meeting's plan is waiting for endorsement."""

    def build(facilitator):
        factories.make_user(team=None, role="admin", name="Ada Admin", email=ADMIN_EMAIL)
        factories.make_user(
            team=facilitator.team, role="supervisor", name="Sam Supervisor", email=SUPERVISOR_EMAIL
        )
        return riveras.review_meeting(facilitator)

    database = tmp_path_factory.mktemp("seeded") / "live.sqlite3"
    return live.seed_database(database, build)


def _serve_axe(route: Route) -> None:
    """Answer the page's request for axe with the vendored file."""
    route.fulfill(body=AXE.read_text(), content_type="text/javascript")


def screen(browser: Browser, kind: str, app: ServedApp) -> tuple[BrowserContext, Page]:
    """A browser context at the size of a phone or a desktop, able to load axe."""
    context = browser.new_context(**VIEWPORTS[kind])
    context.set_default_timeout(10_000)
    context.route(f"{app.url}{AXE_PATH}", _serve_axe)
    return context, context.new_page()


def axe_problems(page: Page, where: str) -> list[str]:
    """Run axe on the page as it is: its violations and unexplained review items, in words."""
    # From the top, nothing is scrolled under the sticky bar (what is, is explained below).
    page.evaluate("window.scrollTo(0, 0)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_PATH)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes:"
        " ['violations', 'incomplete']})",
        TAGS,
    )
    found = [
        f"{where}: {rule['id']} ({rule['impact']}): {rule['help']} at "
        + ", ".join(json.dumps(node["target"]) for node in rule["nodes"][:4])
        for rule in results["violations"]
    ]
    found += [
        f"{where}: needs review: {rule['id']} ({reason}): {rule['help']} at "
        + json.dumps(node["target"])
        for rule in results["incomplete"]
        for node in rule["nodes"]
        if not _explained(page, rule["id"], reason := _reason(node), node)
    ]
    return found


def _explained(page: Page, rule: str, reason: str, node: dict) -> bool:
    """Whether NEEDS_REVIEW explains this undecided node."""
    kinds = NEEDS_REVIEW.get((rule, reason), {})
    if "any" in kinds:
        return True
    return bool(kinds) and page.evaluate(KIND_OF, [node["target"][-1], node["html"]]) in kinds


def _reason(node: dict) -> str:
    """Why axe could not decide on a node: the message key of its first undecided check."""
    for check in node["any"] + node["all"] + node["none"]:
        if isinstance(check.get("data"), dict) and check["data"].get("messageKey"):
            return check["data"]["messageKey"]
    return "unknown"


def shoot(page: Page, name: str) -> None:
    """Keep a picture of what axe looked at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"axe-{name}.png"), caret="initial")


def sign_in(page: Page, app: ServedApp, email: str) -> None:
    """Sign in through the real form."""
    page.goto(f"{app.url}/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(app.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def first_meeting_id(app: ServedApp) -> int:
    """The Riveras' first meeting, ended, with its plan version and transcript."""
    return app.meeting_id - 1


def walt_joins(app, staff: Page, phone: Page, check) -> list[str]:
    """Walt types the code, joins and waits, and the facilitator lets him in: `check(page,
    name)` runs on the enter-code, join and waiting pages; his board is then connected."""
    problems = []
    phone.goto(f"{app.url}/join/")
    problems += check(phone, "enter the code")
    phone.goto(app.join_url)
    problems += check(phone, "join")
    phone.get_by_label("Your name").fill("Walt")
    phone.get_by_label("You are here as").select_option(label="Relative")
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_text("The facilitator will let you in shortly")).to_be_visible()
    problems += check(phone, "waiting room")
    open_section(staff, "participants")
    staff.get_by_role("button", name="Let in Walt").first.click()
    expect(phone).to_have_url(re.compile(r"/meetings/\d+/board/$"), timeout=10_000)
    expect(phone.locator("#connection")).to_have_attribute("data-state", "connected")
    return problems


def test_every_page_passes_axe(browser: Browser, served_app: ServedApp, viewport: str):
    """Sign-in, the case pages and forms, the voices, the live board (console presenting, staff
    view, the join screen, an item's page of its own, the wall, the join page, the waiting room,
    a phone's board section by section and its corner of "Who is here"), the plan's agreement and
    plus/delta, the ended meeting's transcript, plan version and family copy, the review and admin
    pages, a removed phone's page, the error pages."""
    app, problems = served_app, []
    _, staff = screen(browser, viewport, app)
    staff.goto(f"{app.url}/login")
    problems += axe_problems(staff, "sign-in")
    sign_in(staff, app, app.email)
    past = first_meeting_id(app)
    for name, path in {
        "cases": "/cases/",
        "dashboard": "/dashboard",
        "case": "/cases/1",
        "new case": "/cases/new",
        "case form": "/cases/1/edit",
        "new meeting": "/cases/1/meetings/new",
        "meeting": f"/meetings/{app.meeting_id}",
        "meeting form": f"/meetings/{app.meeting_id}/edit",
        "transcript": f"/meetings/{past}/transcript",
        "plan version": f"/meetings/{past}/plan",
        "family copy": f"/meetings/{past}/plan/family",
        "reviews": "/reviews",
        "fidelity": "/fidelity",
        "meeting fidelity": f"/meetings/{past}/fidelity",
        "not found": "/cases/99999",
    }.items():
        staff.goto(f"{app.url}{path}")
        problems += axe_problems(staff, name)
    staff.goto(f"{app.url}/cases/new")
    staff.get_by_role("button", name="Open case").click()
    expect(staff.get_by_role("alert")).to_be_visible()
    problems += axe_problems(staff, "new case, sent with mistakes")
    problems += voice_pages(staff, app)

    staff.goto(app.board_url)
    problems += axe_problems(staff, "board before the meeting")
    staff.get_by_role("button", name="Start the meeting").click()
    expect(staff.locator("body")).to_have_attribute("data-screen", "presenting")
    problems += axe_problems(staff, "console presenting")
    shoot(staff, f"{viewport}-console-presenting")
    show_staff_view(staff)
    problems += axe_problems(staff, "staff board")
    # Edit without scripts: the item's form on a page of its own.
    edit_page = staff.locator("#section-strengths a.loading-note").first.get_attribute("href")
    staff.goto(f"{app.url}{edit_page}")
    expect(staff.get_by_role("button", name="Save")).to_be_visible()
    problems += axe_problems(staff, "an item's edit page")
    staff.goto(f"{app.url}/meetings/{app.meeting_id}/join-screen")
    problems += axe_problems(staff, "join screen")
    staff.goto(app.board_url)

    _, phone = screen(browser, viewport, app)
    problems += walt_joins(app, staff, phone, axe_problems)
    for section in ("strengths", "worries", "family_map", "plan", "safety_plan", "safety_scale"):
        open_section(phone, section)
        problems += axe_problems(phone, f"phone board: {section}")
    shoot(phone, f"{viewport}-phone-board")
    problems += who_is_here(phone)

    if viewport == "desktop":  # the wall is a projected screen, never a phone
        staff.goto(f"{app.url}/meetings/{app.meeting_id}/wall/")
        problems += axe_problems(staff, "wall")
        shoot(staff, f"{viewport}-wall")
    staff.goto(app.board_url)
    problems += axe_problems(staff, "console with a wall open")

    _, admin = screen(browser, viewport, app)
    sign_in(admin, app, ADMIN_EMAIL)
    for name, path in {"users": "/admin/users", "new user": "/admin/users/new"}.items():
        admin.goto(f"{app.url}{path}")
        problems += axe_problems(admin, name)
    admin.goto(f"{app.url}/admin/users")
    admin.get_by_role("link", name=riveras.FACILITATOR, exact=True).first.click()
    expect(admin.get_by_label("Name", exact=True)).to_have_value(riveras.FACILITATOR)
    problems += axe_problems(admin, "edit user")

    problems += after_the_meeting(staff, phone, app, edit_page)
    problems += refusals(browser, viewport, app)
    assert problems == [], "\n".join(problems)


def voice_pages(staff: Page, app: ServedApp) -> list[str]:
    """The meeting's voices, with none, then with a child's drawing added; and its edit page."""
    staff.goto(f"{app.url}/meetings/{app.meeting_id}/voices/")
    problems = axe_problems(staff, "voices")
    form = staff.locator("form.voice-form")
    fill_voice(form, picture=samples.drawing_png_with_gps(), name="houses.png", mime="image/png")
    form.get_by_role("button", name="Add this voice").click()
    expect(staff.get_by_text("The voice was added.")).to_be_visible()
    problems += axe_problems(staff, "voices, one added")
    staff.get_by_role("link", name="Change or remove the voice of Leo").click()
    expect(staff.get_by_label("Their name")).to_have_value("Leo")
    return problems + axe_problems(staff, "a voice's edit page")


def who_is_here(phone: Page) -> list[str]:
    """A phone's "Who is here", with its own corner: who it is in the family map, then said."""
    open_section(phone, "participants")
    corner = phone.locator("#who-i-am")
    corner.scroll_into_view_if_needed()
    expect(corner.get_by_label("Who you are in the family map")).to_be_visible()
    problems = axe_problems(phone, "phone board: participants")
    corner.get_by_label("Who you are in the family map").select_option(label="Rosa Delgado")
    corner.get_by_role("button", name="Save").click()
    expect(corner.get_by_text("You are Rosa Delgado in the family map.")).to_be_visible()
    return problems + axe_problems(phone, "phone board: participants, who I am said")


def after_the_meeting(staff: Page, phone: Page, app: ServedApp, edit_page: str) -> list[str]:
    """The facilitator ends the meeting: the phone is asked whether it agrees with the plan and
    for its plus/delta, and answers; the console lists the answers; an item's edit page is now
    refused (403); the facilitator removes the phone, which then shows that it was removed."""
    staff.goto(app.board_url)
    staff.once("dialog", lambda dialog: dialog.accept())
    with staff.expect_navigation():
        staff.get_by_role("button", name="End the meeting").click()
    expect(staff.get_by_text(ENDED_TEXT)).to_be_visible()
    # The ended board may reload once: check the page it settles on.
    expect(phone.get_by_text(ENDED_TEXT)).to_be_visible()
    phone.wait_for_load_state("load")
    expect(phone.locator("#connection")).to_have_attribute("data-state", "connected")
    agreement, plus_delta = phone.locator("#my-agreement"), phone.locator("#my-plus-delta")
    expect(agreement.get_by_role("radio", name="I agree")).to_be_visible()
    expect(plus_delta.get_by_role("button", name="Send to the facilitator")).to_be_visible()
    problems = axe_problems(phone, "the plan's agreement and plus/delta, asked")
    agreement.get_by_role("radio", name="I agree").check()
    agreement.get_by_role("button", name="Send my answer").click()
    expect(phone.locator("#my-agreement .my-answer")).to_contain_text("Your answer: Agreed")
    plus_delta.get_by_label("Plus: what helped in this meeting?").fill("Being asked first.")
    plus_delta.get_by_role("button", name="Send to the facilitator").click()
    expect(phone.get_by_text("Thank you. The facilitator will read it.")).to_be_visible()
    problems += axe_problems(phone, "the plan's agreement and plus/delta, answered")

    expect(staff.locator("#agreements")).to_contain_text("Walt")
    problems += axe_problems(staff, "the ended meeting's console, with who agreed")
    staff.goto(f"{app.url}/meetings/{app.meeting_id}/fidelity")
    problems += axe_problems(staff, "meeting fidelity, with plus/delta")
    refused = staff.goto(f"{app.url}{edit_page}")
    assert refused is not None and refused.status == 403
    problems += axe_problems(staff, "refused (403)")

    staff.goto(app.board_url)
    open_section(staff, "participants")
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="Remove Walt").click()
    expect(staff.get_by_role("button", name="Remove Walt")).to_have_count(0)
    phone.goto(app.board_url)
    expect(phone.get_by_role("heading", name="You were removed from this meeting")).to_be_visible()
    return problems + axe_problems(phone, "a removed phone")


def refusals(browser: Browser, viewport: str, app: ServedApp) -> list[str]:
    """The refusals people meet on their own: a form sent after its session ended (400), too
    many wrong passwords and too many wrong join codes (429). Last: the codes' wait holds this
    address for the rest of the test."""
    _, page = screen(browser, viewport, app)
    page.goto(f"{app.url}/login")
    page.context.clear_cookies()
    page.get_by_label("Email", exact=True).fill(app.email)
    page.get_by_label("Password", exact=True).fill(app.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="This form has expired")).to_be_visible()
    problems = axe_problems(page, "a form expired (400)")

    for _attempt in range(6):
        page.goto(f"{app.url}/login")
        page.get_by_label("Email", exact=True).fill("nobody@agency.example")
        page.get_by_label("Password", exact=True).fill("a wrong guess")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_be_visible()  # answered, before the next try
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts")
    problems += axe_problems(page, "too many sign-ins (429)")

    answer = None
    for _attempt in range(9):
        answer = page.goto(f"{app.url}/join/ZZZ999")
    assert answer is not None and answer.status == 429
    return problems + axe_problems(page, "too many join codes (429)")


def test_the_live_board_passes_axe_after_each_moment(
    browser: Browser, served_app: ServedApp, viewport: str
):
    """A phone in the live meeting, checked after another screen's strength arrives, after it
    opens Edit on its own strength, after it rates, and after the facilitator ends the meeting."""
    app, problems = served_app, []
    _, staff = screen(browser, "desktop", app)
    sign_in(staff, app, app.email)
    staff.goto(app.board_url)
    staff.get_by_role("button", name="Start the meeting").click()
    expect(staff.locator("body")).to_have_attribute("data-screen", "presenting")
    show_staff_view(staff)
    staff.get_by_role("button", name="Admit everyone with the code").click()
    expect(staff.get_by_role("button", name="Admit everyone with the code")).to_have_attribute(
        "aria-pressed", "true"
    )
    _, phone = screen(browser, viewport, app)
    phone.goto(app.join_url)
    phone.get_by_label("Your name").fill("Ana")
    phone.get_by_label("You are here as").select_option(label="Parent")
    phone.get_by_role("button", name="Join").click()
    expect(phone).to_have_url(re.compile(r"/meetings/\d+/board/$"))
    expect(phone.locator("#connection")).to_have_attribute("data-state", "connected")

    open_section(phone, "strengths")
    staff.locator("#section-strengths").get_by_label("Add a strength").fill(STRENGTH)
    staff.locator("#section-strengths").get_by_role("button", name="Add", exact=True).click()
    expect(phone.locator("#section-strengths").get_by_text(STRENGTH)).to_be_visible()
    problems += axe_problems(phone, "a strength arrived")

    mine = "Ana reads to Maya every night."
    phone.locator("#section-strengths").get_by_label("Add a strength").fill(mine)
    phone.locator("#section-strengths").get_by_role("button", name="Add", exact=True).click()
    item = phone.locator("#section-strengths li.item").filter(has_text=mine)
    item.get_by_role("group").or_(item.locator("summary")).first.click()
    expect(item.get_by_role("button", name="Save")).to_be_visible()
    problems += axe_problems(phone, "an Edit form open")
    shoot(phone, f"{viewport}-edit-open")

    open_section(phone, "safety_scale")
    phone.get_by_role("button", name="7", exact=True).click()
    expect(phone.locator("#my-rating")).to_contain_text("You rated 7")
    problems += axe_problems(phone, "rated")

    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="End the meeting").click()
    expect(phone.get_by_text("This meeting has ended.")).to_be_visible()
    # The ended board may reload once: check the page it settles on.
    phone.wait_for_load_state("load")
    expect(phone.locator("#connection")).to_have_attribute("data-state", "connected")
    problems += axe_problems(phone, "the meeting ended")
    staff.goto(app.board_url)
    problems += axe_problems(staff, "the ended meeting's console")

    assert problems == [], "\n".join(problems)


# Zoomed screens, by what a person does: a laptop at 200% (1280x800 and 1366x768 seen through
# half the CSS pixels), a phone held sideways at 320 px, and 320x256 (WCAG's reflow size, or a
# small phone with its keyboard up).
ZOOMED = {
    "laptop 200%": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
    "wide laptop 200%": {"viewport": {"width": 683, "height": 384}, "device_scale_factor": 2},
    "320 wide": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 2},
    "320x256": {"viewport": {"width": 320, "height": 256}, "device_scale_factor": 2},
}
# Every control on the page that lies partly outside the screen's width, or of a scrolling page.
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const cut = [];
  const controls = document.querySelectorAll("button, summary, a, input, select, textarea");
  for (const control of controls) {
    if (control.closest(".figure-scroll")) continue;  // scrolls on purpose, in its own box
    if (control.matches(".visually-hidden, .skip-link")) continue;
    const box = control.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.left < -1 || box.right > width + 1)
      cut.push(`${control.tagName.toLowerCase()} "${(control.innerText || control.name).trim()}"`
        + ` at ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
  }
  if (document.documentElement.scrollWidth > width + 1)
    cut.push(`the page is ${document.documentElement.scrollWidth}px wide on ${width}px`);
  return cut;
}"""


# The fixed and sticky bars on the screen, each with the height it takes of it: a sticky bar all
# of its height (what it covers once stuck), a fixed one its part on the screen. A sticky bar
# inside another is in that one's height; a fixed one inside another is out of it, so counted.
BARS = """() => {
  const pinned = element => ["sticky", "fixed"].includes(getComputedStyle(element).position);
  const bars = [];
  for (const element of document.querySelectorAll("body *")) {
    if (!pinned(element) || !element.checkVisibility({visibilityProperty: true})) continue;
    let outer = element.parentElement;
    while (outer && !pinned(outer)) outer = outer.parentElement;
    const sticky = getComputedStyle(element).position === "sticky";
    if (outer && sticky) continue;
    const box = element.getBoundingClientRect();
    const height = sticky ? box.height
      : Math.min(box.bottom, innerHeight) - Math.max(box.top, 0);
    const name = element.id ? `#${element.id}` : `.${element.classList[0]}`;
    if (box.width && height > 0) bars.push([name, Math.round(height)]);
  }
  return {bars, height: innerHeight};
}"""


def reflow_problems(page: Page, where: str) -> list[str]:
    """What keeps `where` from reflowing: a control cut off at the screen's edge or a page to
    scroll sideways (CUT_OFF), or sticky and fixed bars taking together more than a quarter of
    the screen's height."""
    problems = [f"{where}: {cut}" for cut in page.evaluate(CUT_OFF)]
    pinned = page.evaluate(BARS)
    taken = sum(height for _, height in pinned["bars"])
    if taken > pinned["height"] / 4:
        bars = ", ".join(f"{name} {height}px" for name, height in pinned["bars"])
        problems.append(f"{where}: the bars take {taken} of {pinned['height']} px: {bars}")
    return problems


def zoomed(browser: Browser, size: str) -> tuple[BrowserContext, Page]:
    """A browser context of one of the ZOOMED sizes, and its page."""
    context = browser.new_context(**ZOOMED[size])
    context.set_default_timeout(10_000)
    return context, context.new_page()


def shot_name(size: str, what: str) -> str:
    """A screenshot's name for `what` at `size`: zoom-320x256-phone-board."""
    return f"zoom-{size.replace(' ', '-').replace('%', '')}-{what}"


@pytest.mark.parametrize("size", list(ZOOMED))
def test_zoomed_pages_reflow_and_the_sticky_bar_yields(
    browser: Browser, served_app: ServedApp, size: str
):
    """At 200% zoom and at 320 px the case pages, the staff board and the console cut off no
    control (the actions table becomes cards), and the sticky bar takes at most a quarter of a
    short screen (below 30rem high it scrolls away with the page). The other pages, and a
    phone's board: the two tests below."""
    app, problems = served_app, []
    context, staff = zoomed(browser, size)
    sign_in(staff, app, app.email)
    for name, path in {"cases": "/cases/", "case": "/cases/1", "dashboard": "/dashboard"}.items():
        staff.goto(f"{app.url}{path}")
        problems += reflow_problems(staff, name)
    staff.goto(app.board_url)
    staff.get_by_role("button", name="Start the meeting").click()
    expect(staff.locator("body")).to_have_attribute("data-screen", "presenting")
    problems += reflow_problems(staff, "console presenting")
    show_staff_view(staff)
    open_section(staff, "plan")
    problems += reflow_problems(staff, "staff board")
    shoot(staff, shot_name(size, "staff-plan"))
    narrow = staff.evaluate(
        "() => [...document.querySelectorAll('#section-plan table :is(textarea, select, input)')]"
        ".filter(field => field.type !== 'hidden' && field.offsetWidth < 96)"
        ".map(field => `${field.id}: ${field.offsetWidth}px`)"
    )
    problems += [f"staff board: the actions table squeezes {field}" for field in narrow]
    staff.locator("#section-plan table").first.scroll_into_view_if_needed()
    shoot(staff, shot_name(size, "staff-actions"))
    context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", list(ZOOMED))
def test_zoomed_staff_pages_reflow(browser: Browser, served_app: ServedApp, size: str):
    """At 200% zoom and at 320 px every other staff page cuts off no control and scrolls
    nothing sideways: the meeting and its forms, the ended meeting's transcript, plan version,
    family copy and fidelity, the team's fidelity, the review queue and a review (as the
    supervisor sees it, with the decision form), and the admin's users."""
    app, problems = served_app, []
    past = first_meeting_id(app)
    pages = {
        app.email: {
            "case form": "/cases/1/edit",
            "meeting": f"/meetings/{app.meeting_id}",
            "meeting form": f"/meetings/{app.meeting_id}/edit",
            "transcript": f"/meetings/{past}/transcript",
            "plan version": f"/meetings/{past}/plan",
            "family copy": f"/meetings/{past}/plan/family",
            "fidelity": "/fidelity",
            "meeting fidelity": f"/meetings/{past}/fidelity",
        },
        SUPERVISOR_EMAIL: {"reviews": "/reviews", "a review": f"/meetings/{past}/plan"},
        ADMIN_EMAIL: {"users": "/admin/users", "new user": "/admin/users/new"},
    }
    # What must be on a page for its check to mean anything: the plan waiting for the
    # supervisor, and the form with which she decides on it.
    shows = {"reviews": "Rivera", "a review": "Record my decision"}
    for email, paths in pages.items():
        context, page = zoomed(browser, size)
        sign_in(page, app, email)
        for name, path in paths.items():
            response = page.goto(f"{app.url}{path}")
            assert response is not None and response.ok, f"{name}: {path} answered {response}"
            if name in shows:
                expect(page.locator("main")).to_contain_text(shows[name])
            problems += reflow_problems(page, name)
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", list(ZOOMED))
def test_a_zoomed_phone_reflows_and_its_bars_yield(
    browser: Browser, served_app: ServedApp, size: str
):
    """At 200% zoom and at 320 px a phone's pages cut off no control and scroll nothing sideways:
    the code and join pages, the waiting room, and the board section by section; and the
    sticky bar with the Sections bar at the bottom take at most a quarter of the screen."""
    app, problems = served_app, []
    staff_context, staff = screen(browser, "desktop", app)
    sign_in(staff, app, app.email)
    staff.goto(app.board_url)
    staff.get_by_role("button", name="Start the meeting").click()
    expect(staff.locator("body")).to_have_attribute("data-screen", "presenting")
    show_staff_view(staff)

    context, phone = zoomed(browser, size)
    problems += walt_joins(app, staff, phone, reflow_problems)
    sections = phone.locator("#section-nav a").evaluate_all(
        "links => links.map(a => a.dataset.section)"
    )
    assert sections, "the phone's board has no Sections links"
    for section in sections:
        open_section(phone, section)
        problems += reflow_problems(phone, f"phone board: {section}")
    shoot(phone, shot_name(size, "phone-board"))
    context.close()
    staff_context.close()
    assert problems == [], "\n".join(problems)
