"""Agreeing to a plan at the end of a meeting, and a supervisor endorsing it, in a real browser.

The live meetings (phones answering, the projector following, answers given in person) run on
the real eventlet server of tests/browser/live.py, seeded with a family of our own: Leo Reyes,
the focus child, and his birth parents Maria and Tom on the family map. The supervisor's review
needs no sockets and runs on the werkzeug server of tests/browser/conftest.py.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from fttm.auth.models import User
from fttm.board.commands import add_item
from fttm.board.models import Strength
from fttm.cases.timeframes import endorsement_due_on
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import admit, join_as_staff, join_meeting
from fttm.jurisdictions import profile
from fttm.meetings import commands as meetings
from fttm.meetings.models import Meeting
from fttm.plans import agreement
from fttm.plans.versions import version_of_meeting
from fttm.reviews.endorsement import decide
from fttm.templating import local_date
from tests import factories
from tests.browser import live
from tests.browser.live import LiveErrors, Screens, ServedApp
from tests.browser.pages import BrowserErrors, LiveServer, expect_fits_screen, open_section
from tests.browser.test_live_board import (
    ENDED_TEXT,
    SETTLED,
    admit_everyone,
    expect_connected,
    expect_not_reloaded,
    mark_page,
    sign_in,
    start_meeting,
)

pytestmark = pytest.mark.browser
# The real-server fixture; `seeded_meeting` and `screens` are this module's own, below.
served_app = live.served_app

SHOTS = Path(tempfile.gettempdir()) / "shots" / "agreement"
FACILITATOR_EMAIL = "fran.facilitator@agency.example"
SUPERVISOR_EMAIL = "sam.supervisor@agency.example"
BOARD_URL = re.compile(r"/meetings/\d+/board/$")
QUESTION = "Do you agree with the plan (version 1)?"
COMMENT_BOX = "Anything you want to say about the plan (optional)"
MARIA_SAYS = "I can do the school runs; I want Leo home by the summer."
MARIA_LATER = "On second thought, three visits a week is too many with my shifts."
NAN_SAYS = "Leo should stay with me until the new flat is ready."
TOM_AWAY = "Tom is working away in Alberta until June and had no phone signal."
WHY_RETURNED = "Give the school action a date and say who will do it."
WHY_ENDORSED = "A clear plan; the family's own words are in it."


# ---- A family of our own on the real server ----


def reyes_meeting(facilitator: User) -> Meeting:
    """The Reyes case, its family on the map and a strength on the board, and a meeting to hold."""
    case = factories.make_case(facilitator, family_name="Reyes")
    factories.make_reyes_family(case.id)
    db.session.add(Strength(case_id=case.id, text="Maria walks Leo to school every day."))
    db.session.commit()
    return factories.make_meeting(facilitator, case)


@pytest.fixture(scope="module")
def seeded_meeting(tmp_path_factory: pytest.TempPathFactory) -> live.SeededMeeting:
    """A migrated database with the Reyes case and a meeting to hold (served by `served_app`)."""
    database = tmp_path_factory.mktemp("agreement") / "live.sqlite3"
    return live.seed_database(
        database, reyes_meeting, facilitator="Fran Facilitator", email=FACILITATOR_EMAIL
    )


@pytest.fixture
def screens(browser: Browser) -> Iterator[Screens]:
    """Browser contexts for one test, closed at its end; screenshots go to SHOTS."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    opened = Screens(browser, LiveErrors(), SHOTS, [])
    try:
        yield opened
    finally:
        for context in opened.contexts:
            context.close()


# ---- What people see ----


def answer_line(page: Page, name: str) -> Locator:
    """One person's line in the staff's "Who agreed" list."""
    return page.locator("#agreements li.answer").filter(
        has=page.locator(".answer-who", has_text=re.compile(f"^{re.escape(name)} "))
    )


def my_answer(page: Page) -> Locator:
    """A phone's own answer, as its panel shows it."""
    return page.locator("#my-agreement .my-answer")


def question(page: Page) -> Locator:
    """The phone's "Do you agree with the plan?" choices."""
    return page.get_by_role("group", name=QUESTION)


def count_status_swaps(page: Page) -> None:
    """Count from now on each time a push replaces the status bar (where the panels live)."""
    page.evaluate(
        """() => {
          window.__statusSwaps = 0;
          if (window.__statusObserver) { return; }
          const area = document.getElementById("section-status").parentElement;
          window.__statusObserver = new MutationObserver((records) => {
            for (const record of records) {
              for (const node of record.addedNodes) {
                if (node.id === "section-status") { window.__statusSwaps += 1; }
              }
            }
          });
          window.__statusObserver.observe(area, { childList: true });
        }"""
    )


def status_swaps(page: Page) -> int:
    """How many times a push replaced the status bar since `count_status_swaps`."""
    return page.evaluate("window.__statusSwaps")


# ---- What people do ----


def join(app: ServedApp, screens: Screens, name: str, role: str, person: str | None) -> Page:
    """A family member opens the meeting's link on their phone and joins (everyone is let in),
    then says who they are in the family map.
    """
    _, phone = screens.open("phone", name.lower())
    phone.goto(app.join_url)
    phone.get_by_label("Your name").fill(name)
    phone.get_by_label("You are here as").select_option(label=role)
    phone.get_by_role("button", name="Join").click()
    expect(phone).to_have_url(BOARD_URL)
    expect_connected(phone)
    if person:
        # Once let in, a phone says who it is in the family map, from its own corner of the board
        # in "Who is here" (a phone opens it from "Sections").
        open_section(phone, "participants")
        corner = phone.locator("#who-i-am")
        corner.scroll_into_view_if_needed()
        corner.get_by_label("Who you are in the family map").select_option(label=person)
        corner.get_by_role("button", name="Save").click()
        expect(corner.get_by_text(f"You are {person} in the family map.")).to_be_visible()
    return phone


def end_the_meeting(projector: Page) -> None:
    """The facilitator ends the meeting, saying yes when asked to confirm."""
    projector.once("dialog", lambda dialog: dialog.accept())
    # Ending reloads the projector's page (so every section becomes read-only): wait for the
    # reload itself, not only for the words, which a push may show just before it.
    with projector.expect_navigation():
        projector.get_by_role("button", name="End the meeting").click()
    projector.wait_for_load_state()
    expect(projector.get_by_text(ENDED_TEXT)).to_be_visible()


def send_answer(phone: Page, choice: str, comment: str) -> None:
    """Choose "I agree" or "I don't agree", say something, and send it."""
    question(phone).get_by_label(choice).check()
    phone.get_by_label(COMMENT_BOX).fill(comment)
    phone.get_by_role("button", name="Send my answer").click()


def gather(app: ServedApp, screens: Screens) -> tuple[Page, Page, Page]:
    """The projector starts the meeting; Maria (a parent) and Nan (a relative) join by phone."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, app)
    start_meeting(projector, app, screens)
    admit_everyone(projector)
    maria = join(app, screens, "Maria", "Parent", "Maria Reyes")
    nan = join(app, screens, "Nan", "Relative", None)
    return projector, maria, nan


# ---- Agreement at the end of a live meeting ----


def expect_listed(projector: Page, name: str, response: str, comment: str) -> None:
    """The projector's "Who agreed" list shows this person's answer and comment, from a phone."""
    line = answer_line(projector, name)
    expect(line).to_have_count(1)
    expect(line.locator(".answer-response")).to_have_text(response)
    expect(line.locator(".answer-comment")).to_have_text(comment)
    expect(line).to_contain_text("on their phone")


def test_each_phone_answers_when_the_meeting_ends(served_app: ServedApp, screens: Screens):
    """Each phone is asked at once, answers, sees only its own answer, and can change it."""
    projector, maria, nan = gather(served_app, screens)
    for phone in (maria, nan):
        mark_page(phone)
    expect(question(maria)).to_have_count(0)

    end_the_meeting(projector)
    for phone in (maria, nan):
        expect(question(phone)).to_be_visible()
        expect(phone.get_by_role("radio", name="I agree")).not_to_be_checked()
        expect(phone.get_by_role("radio", name="I don't agree")).not_to_be_checked()
        expect_fits_screen(phone)
    screens.shoot(maria, "agree-01-asked", "phone", at=maria.locator("#my-agreement"))

    send_answer(maria, "I agree", MARIA_SAYS)
    expect(my_answer(maria)).to_contain_text("Your answer: Agreed")
    expect(my_answer(maria)).to_contain_text(MARIA_SAYS)
    expect_listed(projector, "Maria", "Agreed", MARIA_SAYS)  # live, without a reload
    expect(question(nan)).to_be_visible()
    send_answer(nan, "I don't agree", NAN_SAYS)
    expect(my_answer(nan)).to_contain_text("Your answer: Did not agree")
    expect(my_answer(nan)).to_contain_text(NAN_SAYS)
    expect_listed(projector, "Nan", "Did not agree", NAN_SAYS)
    expect(my_answer(maria)).to_contain_text("Your answer: Agreed")
    screens.shoot(nan, "agree-02-nan-answered", "phone", at=nan.locator("#my-agreement"))
    for phone, own, other in ((maria, MARIA_SAYS, NAN_SAYS), (nan, NAN_SAYS, MARIA_SAYS)):
        expect(phone.locator("#my-agreement")).to_contain_text(own)
        assert other not in phone.content(), "a phone shows someone else's comment"
        expect(phone.locator("#agreements")).to_have_count(0)

    expect_listed(projector, "Maria", "Agreed", MARIA_SAYS)
    expect_listed(projector, "Nan", "Did not agree", NAN_SAYS)
    expect(projector.locator("#agreements")).to_contain_text(
        "Still to record: why Tom Reyes did not take part."
    )
    screens.shoot(projector, "agree-02-answers", "projector", at=projector.locator("#agreements"))

    maria.get_by_text("Change your answer").click()
    send_answer(maria, "I don't agree", MARIA_LATER)
    expect(my_answer(maria)).to_contain_text("Your answer: Did not agree")
    expect(my_answer(maria)).to_contain_text(MARIA_LATER)
    expect(my_answer(maria)).not_to_contain_text(MARIA_SAYS)
    screens.shoot(maria, "agree-03-changed", "phone", at=maria.locator("#my-agreement"))
    expect_listed(projector, "Maria", "Did not agree", MARIA_LATER)
    expect(projector.locator("#agreements")).not_to_contain_text(MARIA_SAYS)
    for phone in (maria, nan):
        expect_not_reloaded(phone)
        expect_fits_screen(phone)
    expect_fits_screen(projector)
    assert screens.errors == [], "\n".join(screens.errors)


def test_the_projector_shows_answers_as_they_come(served_app: ServedApp, screens: Screens):
    """Without anyone touching the projector, its "Who agreed" list follows the phones."""
    projector, maria, nan = gather(served_app, screens)
    end_the_meeting(projector)
    mark_page(projector)
    send_answer(maria, "I agree", MARIA_SAYS)
    expect(my_answer(maria)).to_contain_text("Your answer: Agreed")
    expect(answer_line(projector, "Maria").locator(".answer-response")).to_have_text(
        "Agreed", timeout=SETTLED
    )
    expect(nan.locator("#my-agreement")).to_be_visible()
    maria.get_by_text("Change your answer").click()
    send_answer(maria, "I don't agree", MARIA_LATER)
    expect(answer_line(projector, "Maria").locator(".answer-comment")).to_have_text(
        MARIA_LATER, timeout=SETTLED
    )
    expect_not_reloaded(projector)
    assert screens.errors == [], "\n".join(screens.errors)


def test_another_answer_does_not_wipe_what_nan_is_filling_in(
    served_app: ServedApp, screens: Screens
):
    """Nan is half-way through her answer when Maria's arrives: Nan keeps her choice and words."""
    projector, maria, nan = gather(served_app, screens)
    end_the_meeting(projector)
    expect(question(maria)).to_be_visible()
    expect(question(nan)).to_be_visible()
    question(nan).get_by_label("I don't agree").check()
    nan.get_by_label(COMMENT_BOX).fill(NAN_SAYS)
    count_status_swaps(nan)

    send_answer(maria, "I agree", MARIA_SAYS)
    expect(my_answer(maria)).to_contain_text("Your answer: Agreed")
    expect_listed(projector, "Maria", "Agreed", MARIA_SAYS)  # the answer has been pushed
    assert status_swaps(nan) == 0, "an answer was pushed to the phones"
    expect(question(nan)).to_be_visible()
    screens.shoot(nan, "agree-04-after-a-push", "phone", at=nan.locator("#section-status"))
    expect(nan.get_by_role("radio", name="I don't agree")).to_be_checked()
    expect(nan.get_by_label(COMMENT_BOX)).to_have_value(NAN_SAYS)
    assert screens.errors == [], "\n".join(screens.errors)


# ---- Answers given in person ----


def test_a_parent_who_did_not_take_part_needs_a_reason(served_app: ServedApp, screens: Screens):
    """Tom's absence without a reason is refused and nothing is saved; with one, it's listed."""
    _, projector = screens.open("projector", "projector")
    sign_in(projector, served_app)
    start_meeting(projector, served_app, screens)
    end_the_meeting(projector)
    panel = projector.locator("#agreements")
    expect(panel).to_contain_text(
        "Still to record: why Maria Reyes and Tom Reyes did not take part."
    )
    expect(answer_line(projector, "Tom Reyes")).to_contain_text("No answer yet")

    panel.get_by_text("Record an answer given in person").click()
    projector.get_by_label("Whose answer").select_option(label="Tom Reyes (Parent)")
    projector.get_by_role("radio", name="Did not take part").check()
    with screens.errors.excusing("projector", r"^400 for xhr .*/plan/agreements$"):
        projector.get_by_role("button", name="Record the answer").click()
        refusal = panel.locator(".error-summary")
        expect(refusal).to_have_text(
            "Say why they did not take part; the case plan must record it."
        )
        # Said once, in the page's one live region: the swapped panel is not one.
        expect(projector.locator("#announcer")).to_contain_text(
            "Say why they did not take part; the case plan must record it."
        )
        expect(panel.locator("[role=alert], [role=status], [aria-live]")).to_have_count(0)
    expect(answer_line(projector, "Tom Reyes")).to_contain_text("No answer yet")
    expect(panel).to_contain_text("why Maria Reyes and Tom Reyes did not take part")
    # The form keeps what was chosen, so only the reason is left to give.
    expect(projector.get_by_role("radio", name="Did not take part")).to_be_checked()
    screens.shoot(projector, "agree-05-no-reason", "projector", at=panel)

    projector.get_by_label("Their comment, or why they did not take part").fill(TOM_AWAY)
    projector.get_by_role("button", name="Record the answer").click()
    tom = answer_line(projector, "Tom Reyes")
    expect(tom.locator(".answer-response")).to_have_text("Did not take part")
    expect(tom.locator(".answer-comment")).to_have_text(TOM_AWAY)
    expect(tom).to_contain_text("reason recorded by staff")
    expect(panel).to_contain_text("Still to record: why Maria Reyes did not take part.")
    expect(panel.locator(".error-summary")).to_have_count(0)
    screens.shoot(projector, "agree-06-reason-recorded", "projector", at=panel)
    expect_fits_screen(projector)

    # The facilitator checks the plan's page on their own phone afterwards.
    _, handset = screens.open("phone", "facilitator-phone")
    sign_in(handset, served_app)
    handset.goto(f"{served_app.url}/meetings/{served_app.meeting_id}/plan")
    tom = answer_line(handset, "Tom Reyes")
    expect(tom.locator(".answer-response")).to_have_text("Did not take part")
    expect(tom.locator(".answer-comment")).to_have_text(TOM_AWAY)
    expect_fits_screen(handset)
    screens.shoot(handset, "agree-07-plan-page", "phone", at=handset.locator("#agreements"))
    assert screens.errors == [], "\n".join(screens.errors)


# ---- The supervisor's review (werkzeug server, desktop and phone) ----


@dataclass(frozen=True)
class Reviews:
    """The Reyes plan waiting for endorsement, and the Okafor plan returned to the facilitator."""

    waiting_meeting_id: int
    waiting_due: str  # as the queue shows it
    returned_meeting_id: int


def _ended_meeting(facilitator: User, family_name: str):
    """A live meeting of a new case with a strength on its board; its staff viewer."""
    case = factories.make_case(facilitator, family_name=family_name)
    meeting = factories.make_meeting(facilitator, case)
    meetings.start_meeting(facilitator, meeting)
    staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    add_item(staff, "strength", {"text": f"The {family_name} family came to every meeting."})
    return case, meeting, staff


@pytest.fixture
def reviews(live_server: LiveServer) -> Reviews:
    """Sam the supervisor; the Reyes plan answered on phones and in person; Okafor's returned."""
    app = live_server.app
    with app.app_context():
        facilitator = db.session.get(User, live_server.facilitator_id)
        supervisor = factories.make_user(
            team=facilitator.team, role="supervisor", name="Sam Supervisor", email=SUPERVISOR_EMAIL
        )
        case, meeting, staff = _ended_meeting(facilitator, "Reyes")
        people = factories.make_reyes_family(case.id)
        phones = {}
        for name, role, person in (("Maria", "parent", people["maria"]), ("Nan", "relative", None)):
            phone = join_meeting(meeting, display_name=name, role=role)
            phones[name] = admit(staff.participant, phone, person.id if person else None)
        meetings.end_meeting(facilitator, meeting)
        version = version_of_meeting(meeting.id)
        agreement.answer(Viewer(meeting, phones["Maria"]), version, "agreed", MARIA_SAYS)
        agreement.answer(Viewer(meeting, phones["Nan"]), version, "disagreed", NAN_SAYS)
        agreement.record_in_person(
            facilitator,
            version,
            who=f"person:{people['tom'].id}",
            response="did_not_take_part",
            comment=TOM_AWAY,
        )
        with app.test_request_context():
            due = local_date(endorsement_due_on(case, version, profile(case.jurisdiction)))

        _, other, _ = _ended_meeting(facilitator, "Okafor")
        meetings.end_meeting(facilitator, other)
        decide(supervisor, version_of_meeting(other.id), "returned", WHY_RETURNED)
        seeded = Reviews(meeting.id, due, other.id)
        db.session.remove()
    return seeded


def sign_in_as(page: Page, server: LiveServer, email: str) -> None:
    """Sign in through the login form."""
    page.goto(server.url + "/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def open_the_review_queue(page: Page) -> None:
    """Follow "Plans to review" in the main menu."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans to review").click()
    expect(page.get_by_role("heading", name="Plans to review", level=1)).to_be_visible()


def shoot(page: Page, viewport: str, step: str) -> None:
    """Save the whole page as /tmp/shots/agreement/review-<step>-<viewport>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"review-{step}-{viewport}.png"), full_page=True)


def region(page: Page, heading: str) -> Locator:
    """The page's section named by a heading that starts with `heading`."""
    return page.get_by_role("region", name=re.compile(f"^{re.escape(heading)}"))


def test_a_supervisor_endorses_a_plan_from_the_queue(
    page: Page,
    live_server: LiveServer,
    reviews: Reviews,
    viewport: str,
    browser_errors: BrowserErrors,
):
    """Sam finds the plan waiting, reads who agreed, can't return it without a word, endorses it."""
    plan_url = f"{live_server.url}/meetings/{reviews.waiting_meeting_id}/plan"
    sign_in_as(page, live_server, SUPERVISOR_EMAIL)
    open_the_review_queue(page)
    waiting = region(page, "Waiting for endorsement")
    entry = waiting.locator("li.review-entry").filter(has_text="Reyes")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(f"endorse by {reviews.waiting_due}")
    expect(waiting).not_to_contain_text("Okafor")
    expect(region(page, "Returned to the facilitator")).to_contain_text(WHY_RETURNED)
    expect_fits_screen(page)
    shoot(page, viewport, "01-queue")

    entry.get_by_role("link", name=re.compile(r"^Reyes · .* plan version 1$")).click()
    expect(page).to_have_url(plan_url)
    expect(page.get_by_role("heading", name="Plan version 1", level=1)).to_be_visible()
    expect(page.get_by_text("Waiting for a supervisor to endorse it.")).to_be_visible()
    for name, response, comment in (
        ("Maria", "Agreed", MARIA_SAYS),
        ("Nan", "Did not agree", NAN_SAYS),
        ("Tom Reyes", "Did not take part", TOM_AWAY),
    ):
        expect(answer_line(page, name).locator(".answer-response")).to_have_text(response)
        expect(answer_line(page, name).locator(".answer-comment")).to_have_text(comment)
    expect(page.locator("#agreements")).not_to_contain_text("Still to record")
    expect_fits_screen(page)
    shoot(page, viewport, "02-plan")

    page.get_by_label("Return it to the facilitator").check()
    page.get_by_role("button", name="Record my decision").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("The decision was not saved")
    expect(refusal).to_contain_text("Say what the facilitator should change.")
    expect(page.get_by_label("Return it to the facilitator")).to_be_checked()
    expect(page.get_by_text("Waiting for a supervisor to endorse it.")).to_be_visible()
    expect_fits_screen(page)
    shoot(page, viewport, "03-no-comment")

    page.get_by_label("Endorse the plan").check()
    page.get_by_label("Comments (needed when you return it)").fill(WHY_ENDORSED)
    page.get_by_role("button", name="Record my decision").click()
    expect(page).to_have_url(f"{live_server.url}/reviews")
    expect(page.locator("#messages")).to_have_text("You endorsed plan version 1.")
    waiting = region(page, "Waiting for endorsement")
    expect(waiting).to_contain_text("No plan is waiting for endorsement.")
    expect(waiting).not_to_contain_text("Reyes")
    expect_fits_screen(page)
    shoot(page, viewport, "04-endorsed-queue")

    page.goto(plan_url)
    decision = page.locator(".review-state .decision")
    expect(decision).to_contain_text("Endorsed")
    expect(decision).to_contain_text("by Sam Supervisor")
    expect(page.locator(".review-state .decision-comment")).to_have_text(WHY_ENDORSED)
    expect(page.get_by_role("button", name="Record my decision")).to_have_count(0)
    expect_fits_screen(page)
    shoot(page, viewport, "05-endorsed-plan")
    assert browser_errors == [], "\n".join(browser_errors)


def test_the_facilitator_reads_why_a_plan_came_back(
    page: Page,
    live_server: LiveServer,
    reviews: Reviews,
    viewport: str,
    browser_errors: BrowserErrors,
):
    """A returned plan shows the facilitator the supervisor's comment, and offers no decision."""
    sign_in_as(page, live_server, live_server.email)
    open_the_review_queue(page)
    returned = region(page, "Returned to the facilitator")
    entry = returned.locator("li.review-entry").filter(has_text="Okafor")
    expect(entry).to_contain_text(f"Returned by Sam Supervisor: {WHY_RETURNED}")
    entry.get_by_role("link", name=re.compile(r"^Okafor · ")).click()
    expect(page).to_have_url(f"{live_server.url}/meetings/{reviews.returned_meeting_id}/plan")

    decision = page.locator(".review-state .decision")
    expect(decision).to_contain_text("Returned to the facilitator")
    expect(decision).to_contain_text("by Sam Supervisor")
    expect(page.locator(".review-state .decision-comment")).to_have_text(WHY_RETURNED)
    expect(page.get_by_role("link", name="Schedule a meeting")).to_be_visible()
    expect(page.get_by_role("button", name="Record my decision")).to_have_count(0)
    expect(page.get_by_label("Endorse the plan")).to_have_count(0)
    expect_fits_screen(page)
    shoot(page, viewport, "06-returned-facilitator")
    assert browser_errors == [], "\n".join(browser_errors)
