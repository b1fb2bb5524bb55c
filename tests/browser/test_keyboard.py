"""The board with the keyboard only (Tab, Shift+Tab, Enter, Space, Escape): a phone walks its
board to add a strength and change it, and the facilitator's console lets a waiting phone in and
steers the wall. After each step the test says where the focus is (the focused element's name),
that it is visible (an outline) and that no sticky or fixed bar covers it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import live
from tests.browser.live import ServedApp
from tests.browser.pages import VIEWPORTS

pytestmark = pytest.mark.browser
seeded_meeting, served_app = live.seeded_meeting, live.served_app

STRENGTH = "Ana packs the children's school bags every evening."
CHANGED = "Ana packs the school bags and checks the homework every evening."
TABS = 120  # more than any page here has controls before the one sought

# The focused element: its name as a screen reader would give it (near enough: aria-label,
# then labelledby, its label, then its words), whether its focus is drawn, and what covers it.
FOCUS = """(within) => {
  const element = document.activeElement;
  if (!element || element === document.body) return {name: "<body>", drawn: false, covered: ""};
  if (within && !element.closest(within)) return {name: "(elsewhere)", drawn: false, covered: ""};
  const byIds = (ids) => ids.split(" ").map(id => document.getElementById(id)?.innerText || "")
    .join(" ");
  const label = element.labels && element.labels[0] ? element.labels[0].innerText : "";
  const name = (element.getAttribute("aria-label")
    || (element.getAttribute("aria-labelledby") ? byIds(element.getAttribute("aria-labelledby"))
        : "")
    || label || element.innerText || element.value || "").replace(/\\s+/g, " ").trim();
  const style = getComputedStyle(element);
  const drawn = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
  const box = element.getBoundingClientRect();
  // Covered: at the top, middle or bottom of the control, a sticky or fixed bar is what shows.
  let covered = "";
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  for (const y of [box.top + 2, box.top + box.height / 2, box.bottom - 2]) {
    if (y < 0 || y >= innerHeight) continue;
    const hit = document.elementFromPoint(x, y);
    const bar = hit && !element.contains(hit) && hit.closest(".board-bar, #section-nav");
    if (bar && ["sticky", "fixed"].includes(getComputedStyle(bar).position))
      covered = `${bar.className} at y=${Math.round(y)}: the focus at`
        + ` ${Math.round(box.top)}..${Math.round(box.bottom)} of ${innerHeight}`;
  }
  return {name, drawn, covered};
}"""


def focus_of(page: Page, within: str | None = None) -> dict:
    """Where the focus is: its name, whether it is drawn, what bar covers it (with `within`, a
    CSS selector: "(elsewhere)" unless the focus is inside it)."""
    return page.evaluate(FOCUS, within)


def expect_focus_shown(page: Page, name: str | re.Pattern[str], within: str | None = None) -> None:
    """The focus is on the control called `name`, drawn, and clear of the bars."""
    focus = focus_of(page, within)
    matches = name.search(focus["name"]) if isinstance(name, re.Pattern) else focus["name"] == name
    assert matches, f"the focus is on {focus['name']!r}, not {name!r}"
    assert focus["drawn"], f"the focus on {focus['name']!r} is not drawn"
    assert not focus["covered"], f"{focus['name']!r} is under the bar .{focus['covered']}"


def expect_focus_kept(page: Page, after: str) -> None:
    """After one's own action has swapped what was focused, focus lands somewhere, drawn and in
    sight, never on <body> (the page answers, then puts it back: a moment is allowed)."""
    for _ in range(20):
        focus = focus_of(page)
        if focus["name"] != "<body>":
            break
        page.wait_for_timeout(100)
    assert focus["name"] != "<body>", f"the focus fell to <body> after {after}"
    assert not focus["covered"], f"after {after}, {focus['name']!r} is under .{focus['covered']}"


def tab_to(
    page: Page, name: str | re.Pattern[str], *, back: bool = False, within: str | None = None
) -> None:
    """Press Tab (Shift+Tab with `back`) until the focus is on the control called `name`
    (inside `within`, a CSS selector, if given); no control on the way may be under a bar."""
    seen = []
    for _ in range(TABS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focus = focus_of(page)
        assert not focus["covered"], f"{focus['name']!r} is under the bar .{focus['covered']}"
        now = focus_of(page, within)["name"]
        seen.append(now)
        found = name.search(now) if isinstance(name, re.Pattern) else now == name
        if found:
            expect_focus_shown(page, name, within)
            return
    raise AssertionError(f"no {name!r} by {'Shift+' if back else ''}Tab; passed {seen[-15:]}")


def sign_in(page: Page, app: ServedApp) -> None:
    """The facilitator signs in, typing and pressing Enter."""
    page.goto(f"{app.url}/login")
    page.get_by_label("Email", exact=True).fill(app.email)
    page.get_by_label("Password", exact=True).fill(app.password)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/login"))


def join(page: Page, app: ServedApp, name: str) -> None:
    """A phone fills in the join form and sends it with Enter."""
    page.goto(app.join_url)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("You are here as").select_option(label="Parent")
    page.get_by_label("Your name").press("Enter")


def test_a_phone_and_the_console_with_the_keyboard_only(browser: Browser, served_app: ServedApp):
    """Walt waits; the facilitator Tabs to "Let in Walt" in the console's banner and presses
    Enter, then Tabs to the wall steering and shows the strengths on the wall with Space. Walt's
    phone, keyboard only: Sections (Enter), What's working well (Enter), the strength typed and
    added with Enter on Add, Shift+Tab back to its Edit, Enter, the words changed, Save (Enter);
    Escape closes the Sections menu it opened. The focus is named, drawn and in sight at each."""
    app = served_app
    console_context = browser.new_context(**VIEWPORTS["desktop"])
    console_context.set_default_timeout(10_000)
    console = console_context.new_page()
    sign_in(console, app)
    console.goto(app.board_url)
    console.get_by_role("button", name="Start the meeting").click()
    expect(console.locator("body")).to_have_attribute("data-screen", "presenting")

    phone_context = browser.new_context(**VIEWPORTS["phone"])
    phone_context.set_default_timeout(10_000)
    phone = phone_context.new_page()
    join(phone, app, "Walt")
    expect(phone.get_by_text("The facilitator will let you in shortly")).to_be_visible()

    tab_to(console, "Stop presenting: show the staff view")
    console.once("dialog", lambda dialog: dialog.accept())
    console.keyboard.press("Enter")
    expect(console.locator("body")).to_have_attribute("data-screen", "console")
    tab_to(console, "Let in Walt")
    console.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"/meetings/\d+/board/$"), timeout=10_000)
    expect_focus_kept(console, "Let in")
    # Walt's line and the banner are gone: focus lands on the section that answered, "Who is here".
    expect(console.locator("#section-participants h2:focus")).to_have_count(1)
    tab_to(console, "What's working well", within="#wall-steering")
    console.keyboard.press("Space")
    steer = console.locator("#wall-steering").get_by_role("button", name="What's working well")
    expect(steer).to_have_attribute("aria-pressed", "true")
    expect_focus_kept(console, "steering")

    expect(phone.locator("#connection")).to_have_attribute("data-state", "connected")
    tab_to(phone, re.compile(r"^Sections"))
    phone.keyboard.press("Enter")
    expect(phone.locator("#section-nav")).to_have_attribute("open", "")
    phone.keyboard.press("Escape")
    expect(phone.locator("#section-nav")).not_to_have_attribute("open", "")
    expect_focus_shown(phone, re.compile(r"^Sections"))
    phone.keyboard.press("Enter")
    tab_to(phone, "What's working well")
    phone.keyboard.press("Enter")
    strengths = phone.locator("section.board-section.area-strengths")
    expect(strengths).to_be_visible()

    tab_to(phone, "Add a strength")
    phone.keyboard.type(STRENGTH)
    tab_to(phone, "Add")
    phone.keyboard.press("Enter")
    mine = strengths.locator("li.item").filter(has_text=STRENGTH)
    expect(mine).to_have_count(1)
    expect_focus_kept(phone, "adding")

    edit = re.compile(r"^Edit strength: Ana packs the children")
    tab_to(phone, edit)
    phone.keyboard.press("Enter")
    field = mine.get_by_label("Strength", exact=True)
    expect(field).to_be_visible()
    tab_to(phone, "Strength")
    phone.keyboard.press("ControlOrMeta+a")
    phone.keyboard.type(CHANGED)
    tab_to(phone, "Save")
    phone.keyboard.press("Enter")
    expect(strengths.locator("li.item .item-text").filter(has_text=CHANGED)).to_have_count(1)
    expect_focus_kept(phone, "saving")
    phone.screenshot(path="test-results/screenshots/keyboard-phone-saved.png", caret="initial")
    # Back up the page with Shift+Tab: no control on the way is under a bar.
    tab_to(phone, "Add a strength", back=True)
    console_context.close()
    phone_context.close()
