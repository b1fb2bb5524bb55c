"""The live board in a meeting: a projector and two phones on the real eventlet server.

Each test gets its own server and database (see tests/browser/live.py): the Riveras' review
meeting (tests/browser/riveras.py), started by the facilitator, with Ana (parent) and Rosa
(relative) on phones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect

from tests.browser import live, riveras
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import expect_fits_screen, open_section, show_staff_view

pytestmark = pytest.mark.browser
# The real-server fixtures, made available to this module's tests.
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

BOARD_URL = re.compile(r"/meetings/\d+/board/$")
WAITING_TEXT = "The facilitator will let you in shortly"
ENDED_TEXT = "This meeting has ended. The board is read-only."
SETTLED = 3_000  # ms: ample for a save and its push on loopback; known failures give up sooner
HANDOVER_WORRY = riveras.HANDOVER_WORRY  # one of the seeded family's worries


@dataclass
class Phone:
    """A family member's phone in the meeting."""

    name: str
    context: BrowserContext
    page: Page


@dataclass
class Meeting:
    """The seeded meeting under way: the projector and two phones on its board."""

    projector: Page
    ana: Phone
    rosa: Phone

    @property
    def pages(self) -> dict[str, Page]:
        """Every screen by name, for checks that hold on all of them."""
        return {"projector": self.projector, "ana": self.ana.page, "rosa": self.rosa.page}


# ---- What people see ----


def expect_connected(page: Page) -> None:
    """The board's connection indicator says the screen is live."""
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
    expect(page.locator("#connection")).to_have_text("Connected")


def waiting_person(page: Page, name: str) -> Locator:
    """The line of "Who is here" that shows `name` waiting to be let in."""
    return page.locator("#section-participants .person.waiting").filter(has_text=name)


def online_person(page: Page, name: str) -> Locator:
    """The line of "Who is here" that shows `name` in the meeting and online."""
    return page.locator("#section-participants .person.online").filter(has_text=name)


def cell(page: Page, action_id: int, field: str) -> Locator:
    """The control in one cell of the actions table."""
    return page.locator(f'[data-cell="action-{action_id}-{field}"]').locator(
        "textarea, input:not([type=hidden]), select"
    )


def cell_note(page: Page, action_id: int, note: str) -> Locator:
    """A note shown in a cell of the actions table: `.editing-by` or `.conflict`."""
    return page.locator(f'[data-cell="action-{action_id}-what"] {note}')


def first_action_id(page: Page) -> int:
    """The id of the first row of the seeded plan's actions table."""
    row_id = page.locator("#section-plan tr[id^='action-']").first.get_attribute("id")
    return int(row_id.removeprefix("action-"))


def strength_items(page: Page, text: str) -> Locator:
    """The strengths on a board with exactly this text."""
    return page.locator("#section-strengths li.item .item-text").filter(
        has_text=re.compile(f"^{re.escape(text)}$")
    )


def mark_page(page: Page) -> None:
    """Mark the loaded document, so a later check can tell it was not reloaded."""
    page.evaluate("window.__sameDocument = true")


def expect_not_reloaded(page: Page) -> None:
    """The document marked earlier is still the one shown."""
    assert page.evaluate("window.__sameDocument === true"), f"{page.url} was reloaded"


# ---- What people do ----


def sign_in(page: Page, app: ServedApp) -> None:
    """Sign in as the seeded meeting's facilitator."""
    page.goto(f"{app.url}/login")
    page.get_by_label("Email", exact=True).fill(app.email)
    page.get_by_label("Password", exact=True).fill(app.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def start_meeting(projector: Page, app: ServedApp, screens: Screens) -> None:
    """Open the seeded meeting's board and start it; the page reloads presenting to the room
    (no wall is open), and the facilitator turns that off: the staff view shows the join code."""
    # Known app bug: before the meeting opens, the server refuses the staff board's socket
    # (the facilitator has no participant yet), so the page shows "Reconnecting…" and retries
    # every 3 s; a retry's poll cut short by the reload that starting causes is answered 400.
    with screens.errors.excusing("projector", r"^400 for xhr .*/socket\.io/"):
        projector.goto(app.board_url)
        expect(projector.get_by_role("button", name="Open for joining")).to_be_visible()
        projector.get_by_role("button", name="Start the meeting").click()
        expect(projector.locator("body")).to_have_attribute("data-screen", "presenting")
        show_staff_view(projector)
        expect(projector.get_by_role("button", name="End the meeting")).to_be_visible()
        expect_connected(projector)
    expect(projector.locator(".join-code")).to_have_text(app.join_code)
    expect(projector.get_by_role("link", name=app.join_url)).to_be_visible()
    expect(projector.locator("svg.qr-code")).to_be_visible()
    expect_connected(projector)


def admit_everyone(projector: Page) -> None:
    """Switch on "Admit everyone with the code"."""
    button = projector.get_by_role("button", name="Admit everyone with the code")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")


def fill_join_form(page: Page, name: str, role: str) -> None:
    """Say who one is, and ask to join (who one is in the family map comes once let in)."""
    page.get_by_label("Your name").fill(name)
    page.get_by_label("You are here as").select_option(label=role)
    page.get_by_role("button", name="Join").click()


def add_strength(page: Page, text: str) -> None:
    """Type a strength into the quick-add form and send it."""
    section = page.locator("#section-strengths")
    section.get_by_label("Add a strength").fill(text)
    section.get_by_role("button", name="Add", exact=True).click()


def gather(app: ServedApp, screens: Screens, *, admit_by_hand: bool = False) -> Meeting:
    """The facilitator starts the meeting; Ana types the code, Rosa opens the link; both get in.

    With `admit_by_hand` the facilitator lets Ana in from the waiting room, then switches on
    "Admit everyone with the code" for Rosa; otherwise it is on before anyone comes.
    """
    _, projector = screens.open("projector", "projector")
    sign_in(projector, app)
    start_meeting(projector, app, screens)
    if admit_by_hand:
        screens.shoot(projector, "01-started", "projector")
    else:
        admit_everyone(projector)

    ana_context, ana = screens.open("phone", "ana")
    ana.goto(f"{app.url}/join/")
    ana.get_by_label("Meeting code").fill(app.join_code)
    ana.get_by_role("button", name="Continue").click()
    expect(ana.get_by_role("heading", name="Join the family meeting")).to_be_visible()
    if admit_by_hand:
        screens.shoot(ana, "02-join-form", "phone")
    fill_join_form(ana, "Ana", "Parent")
    if admit_by_hand:
        expect(ana.get_by_text(WAITING_TEXT)).to_be_visible()
        screens.shoot(ana, "03-waiting", "phone")
        expect(waiting_person(projector, "Ana")).to_be_visible()
        participants = projector.locator("#section-participants")
        screens.shoot(projector, "03-waiting", "projector", at=participants)
        ana_waiting = waiting_person(projector, "Ana")
        ana_waiting.get_by_label("In the family map (optional)").select_option(label="Ana Rivera")
        ana_waiting.get_by_role("button", name="Let in").click()
        expect(waiting_person(projector, "Ana")).to_have_count(0)
        admit_everyone(projector)
    # The waiting page asks every 3 s whether its person was let in.
    expect(ana).to_have_url(BOARD_URL, timeout=10_000)

    rosa_context, rosa = screens.open("phone", "rosa")
    rosa.goto(app.join_url)
    fill_join_form(rosa, "Rosa", "Relative")
    expect(rosa).to_have_url(BOARD_URL)

    meeting = Meeting(projector, Phone("Ana", ana_context, ana), Phone("Rosa", rosa_context, rosa))
    for page in meeting.pages.values():
        expect_connected(page)
    for name in ("Ana", "Rosa"):
        expect(online_person(projector, name)).to_contain_text("online")
    return meeting


# ---- Tests ----


def test_three_screens_share_one_board(served_app: ServedApp, screens: Screens):
    """Joined by code and by link, two phones and the projector see each other's changes live."""
    meeting = gather(served_app, screens, admit_by_hand=True)
    projector, ana, rosa = meeting.projector, meeting.ana.page, meeting.rosa.page
    for page in meeting.pages.values():
        mark_page(page)
        # "Who is here" is the same on every screen (a phone opens it from "Sections").
        open_section(page, "participants")
        for name in ("Ana", "Rosa", riveras.FACILITATOR):
            expect(online_person(page, name)).to_be_visible()
    screens.shoot_whole(projector, "04-everyone-here", "projector")
    screens.shoot(ana, "04-board", "phone")
    for page in (ana, rosa):
        expect_fits_screen(page)

    strength = "Ana and Rosa talk on the phone every evening about how the children's day went."
    open_section(ana, "strengths")
    add_strength(ana, strength)
    for page in meeting.pages.values():
        expect(strength_items(page, strength)).to_have_count(1)
    expect(ana.locator("#section-strengths").get_by_label("Add a strength")).to_have_value("")
    screens.shoot(rosa, "05-strength-added", "phone", at=strength_items(rosa, strength))

    action = first_action_id(projector)
    where = "At Rosa's kitchen table, with Sam there for support"
    due = (date.today() + timedelta(days=10)).isoformat()
    ana_cell, rosa_cell = cell(ana, action, "where_how"), cell(rosa, action, "due_on")
    for page in (ana, rosa):
        open_section(page, "plan")
    ana_cell.fill(where)
    rosa_cell.fill(due)  # a date field saves as soon as it changes
    ana_cell.press("Tab")
    for name, page in meeting.pages.items():
        expect(cell(page, action, "where_how"), name).to_have_value(where)
        expect(cell(page, action, "due_on"), name).to_have_value(due)
        expect_not_reloaded(page)
    row = f"#action-{action}"
    screens.shoot(projector, "06-two-cells", "projector", at=projector.locator(row))
    screens.shoot(rosa, "06-two-cells", "phone", at=rosa.locator(row))

    for page in meeting.pages.values():
        page.reload()
        expect(cell(page, action, "where_how")).to_have_value(where)
        expect(cell(page, action, "due_on")).to_have_value(due)
        expect(strength_items(page, strength)).to_have_count(1)
    assert screens.errors == [], "\n".join(screens.errors)


def test_typing_goes_on_while_another_cell_of_the_row_changes(
    served_app: ServedApp, screens: Screens
):
    """Ana is mid-sentence when Rosa changes the status: Ana's whole sentence is saved."""
    meeting = gather(served_app, screens)
    ana, rosa = meeting.ana.page, meeting.rosa.page
    action = first_action_id(ana)
    for page in (ana, rosa):
        open_section(page, "plan")
    where = cell(ana, action, "where_how")
    where.fill("")
    where.press_sequentially("At Rosa's ")
    cell(rosa, action, "status").select_option("in_progress")
    expect(cell(ana, action, "status")).to_have_value("in_progress")
    where.press_sequentially("kitchen table")
    where.press("Tab")
    screens.shoot(ana, "13-typing-across-a-push", "phone", at=ana.locator(f"#action-{action}"))
    for page in meeting.pages.values():
        expect(cell(page, action, "where_how")).to_have_value(
            "At Rosa's kitchen table", timeout=SETTLED
        )
        expect(cell(page, action, "status")).to_have_value("in_progress")
    expect(ana.locator(f"#action-{action} .conflict")).to_have_count(0)
    assert screens.errors == [], "\n".join(screens.errors)


def test_same_cell_edited_on_two_phones(served_app: ServedApp, screens: Screens):
    """The later save gets a conflict showing both texts; the first save is never overwritten."""
    meeting = gather(served_app, screens)
    projector, ana, rosa = meeting.projector, meeting.ana.page, meeting.rosa.page
    action = first_action_id(projector)
    anas = "Ana will call Turning Point on Monday morning to book her intake"
    rosas = "Rosa will drive Ana to the Turning Point intake"
    for page in (ana, rosa):
        open_section(page, "plan")

    cell(ana, action, "what").focus()
    expect(cell_note(rosa, action, ".editing-by")).to_have_text("Ana is editing")
    expect(cell_note(projector, action, ".editing-by")).to_have_text("Ana is editing")
    cell(rosa, action, "what").fill(rosas)
    screens.shoot(rosa, "07-is-editing", "phone", at=rosa.locator(f"#action-{action}"))

    cell(ana, action, "what").fill(anas)
    cell(ana, action, "what").press("Tab")
    expect(cell(projector, action, "what")).to_have_value(anas)
    # Ana's save was pushed to Rosa while she was typing: her words are still in the box.
    expect(cell(rosa, action, "what")).to_have_value(rosas)
    expect(cell(rosa, action, "what")).to_be_focused()

    cell(rosa, action, "what").press("Tab")
    screens.shoot(rosa, "08-conflict", "phone", at=rosa.locator(f"#action-{action}"))
    expect(cell_note(rosa, action, ".conflict")).to_contain_text(rosas, timeout=SETTLED)
    expect(cell(rosa, action, "what")).to_have_value(anas)
    for page in meeting.pages.values():
        expect(cell(page, action, "what")).to_have_value(anas)
        page.reload()
        expect(cell(page, action, "what")).to_have_value(anas)
    assert screens.errors == [], "\n".join(screens.errors)


def test_projector_board_is_laid_out_for_the_screen(served_app: ServedApp, screens: Screens):
    """On the facilitator's console and on the wall they project, the actions table is a real
    table and nothing scrolls sideways."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, served_app)
    start_meeting(projector, served_app, screens)
    with projector.expect_popup() as opened:
        projector.get_by_role("link", name="Open the wall in a new window").click()
    wall = opened.value
    expect(wall.locator("body")).to_have_attribute("data-screen", "wall")
    for name, page in (("projector", projector), ("wall", wall)):
        table = page.locator("#section-plan table.actions-table").first
        expect(table).to_be_visible()
        screens.shoot(page, "14-layout", name, at=table)
        assert table.evaluate("table => getComputedStyle(table).display") == "table"
        expect_fits_screen(page)
    assert screens.errors == [], "\n".join(screens.errors)


def test_phone_goes_offline_and_comes_back(served_app: ServedApp, screens: Screens):
    """A strength added offline waits, shows as not yet saved, then is saved exactly once."""
    meeting = gather(served_app, screens)
    projector, ana = meeting.projector, meeting.ana
    strength = "Ana asked for help when she needed it, and said so in the meeting."

    screens.set_offline(ana.context, "ana", True)
    expect(ana.page.locator("#connection")).to_have_attribute(
        "data-state", re.compile("offline|reconnecting")
    )
    add_strength(ana.page, strength)
    expect(ana.page.locator("#pending")).to_be_visible()
    expect(ana.page.locator("#pending")).to_have_text("Not yet saved: 1")
    screens.shoot(ana.page, "09-offline", "phone")
    expect(strength_items(projector, strength)).to_have_count(0)

    screens.set_offline(ana.context, "ana", False)
    expect(ana.page.locator("#pending")).to_be_hidden()
    screens.back_online("ana")
    expect_connected(ana.page)
    for page in meeting.pages.values():
        expect(strength_items(page, strength)).to_have_count(1)
    expect(ana.page.locator("#section-strengths").get_by_label("Add a strength")).to_have_value("")
    screens.shoot(ana.page, "10-back-online", "phone")
    # The retry is in; a fresh page counts what the server kept.
    projector.reload()
    expect(strength_items(projector, strength)).to_have_count(1)
    assert screens.errors == [], "\n".join(screens.errors)


def test_retried_strength_is_not_put_back_in_the_box(served_app: ServedApp, screens: Screens):
    """Even when the push of a retried strength beats its own answer, the box is left empty."""
    meeting = gather(served_app, screens)
    ana = meeting.ana
    strength = "Sam drove the children to school every day this week."
    screens.set_offline(ana.context, "ana", True)
    add_strength(ana.page, strength)
    expect(ana.page.locator("#pending")).to_have_text("Not yet saved: 1")

    def answer_late(route: Route) -> None:
        """Let the server save the strength, but hand its answer to the phone a second later."""
        response = route.fetch()
        ana.page.wait_for_timeout(1_000)
        route.fulfill(response=response)

    ana.page.route("**/board/items/strength", answer_late)
    screens.set_offline(ana.context, "ana", False)
    expect(ana.page.locator("#pending")).to_be_hidden()
    screens.back_online("ana")
    for page in meeting.pages.values():
        expect(strength_items(page, strength)).to_have_count(1)
    box = ana.page.locator("#section-strengths").get_by_label("Add a strength")
    screens.shoot(ana.page, "15-retried", "phone", at=box)
    expect(box).to_have_value("", timeout=SETTLED)
    assert screens.errors == [], "\n".join(screens.errors)


def test_new_action_whose_push_beats_its_answer_leaves_the_box_empty(
    served_app: ServedApp, screens: Screens
):
    """The push of Ana's new action replaces the plan section while her answer is on its way
    (htmx then drops the answer, aimed at the section the push replaced): the push alone must
    leave her box empty, not put her sent words back, and list the action once.
    """
    meeting = gather(served_app, screens)
    ana = meeting.ana.page
    what = "Ana calls the housing office on Monday about the boiler"

    def answer_late(route: Route) -> None:
        """Let the server save the action (and push it), but answer the phone a second later."""
        response = route.fetch()
        ana.wait_for_timeout(1_000)
        route.fulfill(response=response)

    ana.route("**/board/items/action", answer_late)
    open_section(ana, "plan")
    box = ana.get_by_label("Add an action: what exactly will be done?")
    box.fill(what)
    ana.get_by_role("button", name="Add action").click()
    for page in meeting.pages.values():
        expect(page.locator("#section-plan textarea", has_text=what)).to_have_count(1)
    ana.wait_for_timeout(1_500)  # the late answer has come and gone
    expect(box).to_have_value("")
    expect(ana.locator("#section-plan textarea", has_text=what)).to_have_count(1)
    assert screens.errors == [], "\n".join(screens.errors)


def test_confidential_worry_leaves_the_phones(served_app: ServedApp, screens: Screens):
    """Marked confidential, a worry stays on the projector, flagged, and is gone from phones."""
    meeting = gather(served_app, screens)
    projector = meeting.projector
    for page in meeting.pages.values():
        open_section(page, "worries")
        expect(page.locator("#section-worries")).to_contain_text(HANDOVER_WORRY)
        mark_page(page)

    worries = projector.locator("#section-worries li.item")
    worries.filter(has_text=HANDOVER_WORRY).get_by_role("button", name="Make confidential").click()
    worry = worries.filter(has_text=HANDOVER_WORRY)
    expect(worry).to_have_class(re.compile(r"\bconfidential\b"))
    expect(worry.locator(".flag-confidential")).to_have_text("Confidential: staff only")
    expect(worry.get_by_role("button", name="Share with everyone")).to_be_visible()
    screens.shoot(projector, "11-confidential", "projector", at=worry)
    for phone in (meeting.ana, meeting.rosa):
        expect(phone.page.locator("#section-worries")).not_to_contain_text(HANDOVER_WORRY)
        assert HANDOVER_WORRY not in phone.page.content()
        expect_not_reloaded(phone.page)
    screens.shoot(
        meeting.ana.page,
        "11-confidential",
        "phone",
        at=meeting.ana.page.locator("#section-worries"),
    )
    for phone in (meeting.ana, meeting.rosa):
        phone.page.reload()
        # A reloaded phone shows its first section again: the person opens the worries.
        open_section(phone.page, "worries")
        expect(phone.page.locator("#section-worries")).to_be_visible()
        assert HANDOVER_WORRY not in phone.page.content()
    assert screens.errors == [], "\n".join(screens.errors)


def test_ending_the_meeting_makes_phones_read_only(served_app: ServedApp, screens: Screens):
    """When the facilitator ends the meeting, phones stop offering changes at once."""
    meeting = gather(served_app, screens)
    projector = meeting.projector
    phones = (meeting.ana.page, meeting.rosa.page)
    for page in phones:
        expect(page.locator("form.quick-add")).not_to_have_count(0)
        mark_page(page)
    # Ana opens "Who is here", where her phone offers to say who she is in the family map.
    open_section(meeting.ana.page, "participants")
    who_i_am = meeting.ana.page.locator("#who-i-am")
    expect(who_i_am.get_by_label("Who you are in the family map")).to_be_visible()

    projector.once("dialog", lambda dialog: dialog.accept())
    projector.get_by_role("button", name="End the meeting").click()
    expect(projector.get_by_text(ENDED_TEXT)).to_be_visible()
    for page in phones:
        expect(page.get_by_text(ENDED_TEXT)).to_be_visible(timeout=3_000)
        expect(page.locator("form.quick-add")).to_have_count(0)
        editable = page.locator("[data-cell] textarea, [data-cell] input, [data-cell] select")
        expect(editable).to_have_count(0)
        expect(page.locator(".board-grid form")).to_have_count(0)
        expect_not_reloaded(page)
    screens.shoot(projector, "12-ended", "projector")
    rosa = meeting.rosa.page
    screens.shoot(rosa, "12-ended", "phone", at=rosa.locator("#section-plan table").first)
    assert screens.errors == [], "\n".join(screens.errors)
