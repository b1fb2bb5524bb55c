"""Practice frameworks in the browser (issue 18), on the real eventlet server.

An Ontario case maps its family's situation in the Olmsted consultation framework: six mapping
sections (harm, danger, complicating factors, existing strengths, existing safety, gaps), each with
its title and guiding question, in English and in French. The wall, the facilitator's console and
two phones (one English, one French) see each other's items arrive in the right section; a
confidential harm statement stays on the staff console; the plan version lists the items under
the framework's sections, the family's copy under its family headings, and a second meeting's
version says what changed since the first. A Signs of Safety case moves to Olmsted from its page,
keeping every item (refused while a meeting runs). And the console of each framework's board is
pictured for the README (docs/boards/).

Seeded through the app's commands (tests/browser/live.py); screenshots in
test-results/screenshots/live-olmsted-*.png.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from fttm.auth.models import User
from fttm.board.commands import add_item
from fttm.core.viewers import Viewer
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.meetings.models import Meeting
from tests import factories
from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import open_section, show_staff_view
from tests.browser.test_agreement_and_review import end_the_meeting
from tests.browser.test_languages import join, open_phone
from tests.browser.test_live_board import (
    admit_everyone,
    expect_connected,
    sign_in,
)
from tests.browser.test_live_board import (
    start_meeting as start_served_meeting,
)
from tests.browser.test_wall import open_wall, steer

pytestmark = pytest.mark.browser
served_app, screens = live.served_app, live.screens

ROOT = Path(__file__).resolve().parents[2]
BOARDS = ROOT / "docs" / "boards"
TORONTO = ZoneInfo("America/Toronto")  # the Ontario profile's time zone
OLMSTED_NAME = "Consultation and Information Sharing Framework (Olmsted County)"
SIGNS_OF_SAFETY_NAME = "Signs of Safety"
RUNNING = "A meeting of this case is running: change the framework after it ends."

# ---- The Olmsted framework's sections, as config/frameworks/olmsted.toml words them ----


class Words(NamedTuple):
    """What a mapping section says on the board, in English and in French."""

    title: str
    title_fr: str
    question: str
    question_fr: str
    add_label: str
    add_label_fr: str


OLMSTED = {
    "harm": Words(
        "Harm statements",
        "Énoncés de préjudice",
        "What has happened to the child? What harm or maltreatment has there been?",
        "Qu'est-il arrivé à l'enfant? Quel préjudice ou mauvais traitement y a-t-il eu?",
        "Add what has happened",
        "Ajouter ce qui s'est passé",
    ),
    "danger": Words(
        "Danger statements",
        "Énoncés de danger",
        "What are we afraid will happen to the child if nothing changes?",
        "Qu'est-ce qu'on craint qu'il arrive à l'enfant si rien ne change?",
        "Add a danger statement",
        "Ajouter un énoncé de danger",
    ),
    "complicating": Words(
        "Complicating factors",
        "Facteurs de complication",
        "What makes the situation harder to deal with, without being harm itself?",
        "Qu'est-ce qui rend la situation plus difficile, sans être un préjudice en soi?",
        "Add a complicating factor",
        "Ajouter un facteur de complication",
    ),
    "strengths": Words(
        "Existing strengths",
        "Forces existantes",
        "What is going well? What resources and abilities does the family have?",
        "Qu'est-ce qui va bien? Quelles ressources et capacités la famille a-t-elle?",
        "Add a strength",
        "Ajouter une force",
    ),
    "safety": Words(
        "Existing safety",
        "Sécurité existante",
        "When has the child been kept safe from this danger, by whom, and how, again and again?",
        "Quand l'enfant a-t-il été protégé de ce danger, par qui et comment, de façon répétée?",
        "Add a time the child was kept safe",
        "Ajouter un moment où l'enfant a été protégé",
    ),
    "gaps": Words(
        "Gaps: what we don't know yet",
        "Lacunes : ce qu'on ne sait pas encore",
        "What don't we know yet that we need to know?",
        "Qu'est-ce qu'on ne sait pas encore et qu'on a besoin de savoir?",
        "Add something we don't know",
        "Ajouter une chose qu'on ne sait pas",
    ),
}
PLAN_TITLE = "Safety goals and next steps"
PLAN_TITLE_FR = "Objectifs de sécurité et prochaines étapes"
# The family's copy tells the sections in the framework's copy order, under its own headings.
COPY_HEADINGS = (
    "What's going well for your family",
    "How the children are already kept safe",
    "What has happened",
    "What we are afraid could happen",
    "What makes things harder",
    "What we still need to find out",
)
COPY_ORDER = ("strengths", "safety", "harm", "danger", "complicating", "gaps")
COPY_HEADINGS_FR = (
    "Ce qui va bien pour votre famille",
    "Comment les enfants sont déjà protégés",
    "Ce qui s'est passé",
    "Ce qu'on craint qu'il arrive",
    "Ce qui rend les choses plus difficiles",
    "Ce qu'il faut encore découvrir",
)

# ---- The Tremblays (Ontario): what each screen writes in their first meeting ----

# key: (who writes it, the words); Julie's phone is in English, Louise's in French.
WRITTEN = {
    "harm": ("julie", "Noah came to school in March with a bruise on his arm from being grabbed."),
    "danger": ("julie", "We are afraid Noah could be hurt again when his dad has been drinking."),
    "complicating": ("julie", "The family has moved twice this year and has no car."),
    "strengths": ("louise", "Mamie Louise garde Noah et Léa tous les samedis."),
    "safety": ("louise", "Quand Marc a bu, Julie amène les enfants chez Mamie Louise."),
    "gaps": ("louise", "On ne sait pas encore ce que l'école a remarqué chez Léa."),
}
CONFIDENTIAL_HARM = "Police report 24-0198 names Marc Tremblay in an assault in 2022."
GOAL = "Noah and Léa are safe at home with a sober adult every day."
# The second meeting: the complicating factor is reworded, and a time kept safe is added.
REWORDED = "The family has moved twice this year; a neighbour now drives them to appointments."
ADDED_SAFETY = "Julie called Louise to collect the children on the night of 12 April."

# ---- The Nguyens (Signs of Safety), whose case moves to Olmsted ----

NGUYEN_STRENGTH = "Grandpa Minh walks Kim to school and back every day."
NGUYEN_WORRY = "Kim was left alone overnight twice in May."
NGUYEN_SECRET = "The school's counsellor reported a disclosure about Kim's stepfather."

# ---- For the README: a board of each framework, as a facilitator sees it ----

README_SIGNS_OF_SAFETY = {
    "strengths": (
        "Ana has taken Maya and Leo to every doctor and dentist appointment this year.",
        "Grandma Rosa picks the children up from school three days a week.",
        "Marcus has stayed sober since January and goes to his group every Tuesday.",
    ),
    "worries": (
        "Handovers between Ana and Marcus have turned into shouting in front of the children.",
        "Leo has missed 11 school days this term and is falling behind in maths.",
    ),
}
README_OLMSTED = {
    "harm": ("Kayla, 4, was found alone in the flat on two evenings in September.",),
    "danger": (
        "We are worried Kayla could be hurt or frightened if she is left alone at night again.",
    ),
    "complicating": (
        "Dana works night shifts and her childcare fell through in August.",
        "The family has no phone credit most weeks.",
    ),
    "strengths": (
        "Dana keeps every appointment with Kayla's paediatrician.",
        "Kayla talks warmly about her aunt Bea and her cousins.",
    ),
    "safety": ("Aunt Bea has had Kayla to stay on Dana's work nights since October.",),
    "gaps": ("We don't yet know who else Dana could call when Bea is away.",),
}

# The Bouchards' (Ontario) one item, in "Existing safety": their meeting has ended.
BOUCHARD_SAFETY = "Ben's uncle sleeps over whenever his mother works nights."

# The ids of what the seed made besides the served meeting: filled in as the module is seeded.
SEEDED: dict[str, int] = {}


def staff_of(facilitator: User, meeting: Meeting) -> Viewer:
    """The facilitator taking part in a started meeting, as the commands see them."""
    start_meeting(facilitator, meeting)
    return Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)


def write_board(staff: Viewer, kinds: dict[str, str], items: dict[str, tuple[str, ...]]) -> None:
    """Write each section's items, as its quick-add form does (`kinds`: what each holds)."""
    for section, texts in items.items():
        for text in texts:
            add_item(staff, kinds[section], {"text": text, "section": section})


def seed(facilitator: User) -> Meeting:
    """Five cases: the Tremblays' first meeting (Ontario, Olmsted; the meeting served), the
    Nguyens' (Signs of Safety) first meeting ended and their next one scheduled, two meetings
    under way for the README's pictures, and the Bouchards' Olmsted meeting, ended."""
    tremblays = factories.make_case(
        facilitator, family_name="Tremblay", case_number="ON-2026-018", jurisdiction="ontario"
    )
    served = factories.make_meeting(facilitator, tremblays, days_ahead=1)

    nguyens = factories.make_case(facilitator, family_name="Nguyen", case_number="MI-2026-044")
    first = factories.make_meeting(facilitator, nguyens, days_ahead=1)
    staff = staff_of(facilitator, first)
    add_item(staff, "strength", {"text": NGUYEN_STRENGTH})
    add_item(staff, "worry", {"text": NGUYEN_WORRY, "need_domain": "safety"})
    add_item(staff, "worry", {"text": NGUYEN_SECRET, "confidential": "1"})
    end_meeting(facilitator, first)
    SEEDED["nguyen_case"] = nguyens.id
    SEEDED["nguyen_next"] = factories.make_meeting(facilitator, nguyens, purpose="review_90_day").id

    riveras = factories.make_case(facilitator, family_name="Rivera", case_number="MI-2026-007")
    meeting = factories.make_meeting(facilitator, riveras, days_ahead=1)
    kinds = {"strengths": "strength", "worries": "worry"}
    write_board(staff_of(facilitator, meeting), kinds, README_SIGNS_OF_SAFETY)
    SEEDED["readme_signs_of_safety"] = meeting.id

    walkers = factories.make_case(
        facilitator, family_name="Walker", case_number="ON-2026-031", jurisdiction="ontario"
    )
    meeting = factories.make_meeting(facilitator, walkers, days_ahead=1)
    kinds = {key: "strength" if key in ("strengths", "safety") else "worry" for key in OLMSTED}
    write_board(staff_of(facilitator, meeting), kinds, README_OLMSTED)
    SEEDED["readme_olmsted"] = meeting.id

    bouchards = factories.make_case(
        facilitator, family_name="Bouchard", case_number="ON-2026-052", jurisdiction="ontario"
    )
    meeting = factories.make_meeting(facilitator, bouchards, days_ahead=1)
    write_board(staff_of(facilitator, meeting), kinds, {"safety": (BOUCHARD_SAFETY,)})
    end_meeting(facilitator, meeting)
    SEEDED["bouchard_ended"] = meeting.id
    return served


@pytest.fixture(scope="module")
def seeded_meeting(tmp_path_factory: pytest.TempPathFactory) -> live.SeededMeeting:
    """The five cases, seeded once for this module (each test serves its own copy)."""
    database = tmp_path_factory.mktemp("olmsted") / "live.sqlite3"
    return live.seed_database(database, seed)


# ---- What people see ----


def items_of(page: Page, section: str) -> Locator:
    """The list of items of one section of a board."""
    return page.locator(f"#items-{section}")


def expect_olmsted_sections(page: Page, *, french: bool = False) -> None:
    """The six Olmsted sections in board order, each with its title and its question."""
    for key, words in OLMSTED.items():
        section = page.locator(f"#section-{key}")
        heading = section.locator(f"#heading-{key}")
        expect(heading).to_have_text(words.title_fr if french else words.title)
        question = section.locator(".framework-question")
        expect(question).to_have_text(words.question_fr if french else words.question)
    order = page.locator(".board-grid > .area-mapping h2").evaluate_all(
        "headings => headings.map((h) => h.id)"
    )
    assert order == [f"heading-{key}" for key in OLMSTED], order


def duplicate_ids(page: Page) -> list[str]:
    """The ids that more than one element of the page has."""
    return page.evaluate(
        """() => {
          const ids = [...document.querySelectorAll("[id]")].map((element) => element.id);
          return [...new Set(ids.filter((id, at) => ids.indexOf(id) !== at))];
        }"""
    )


def expect_item(page: Page, section: str, text: str) -> None:
    """`text` is an item of `section` on this screen (pushed, or there from the start)."""
    expect(items_of(page, section).locator("li.item").filter(has_text=text)).to_have_count(1)


def shoot(screens: Screens, page: Page, step: str, screen: str) -> None:
    """The whole page, as live-olmsted-<step>-<screen>.png."""
    screens.shoot_whole(page, f"olmsted-{step}", screen)


# ---- What people do ----


def add_in(page: Page, section: str, label: str, text: str, button: str = "Add") -> None:
    """Write `text` in a section's quick-add form (labelled `label`) and send it."""
    open_section(page, section)
    form = page.locator(f"#section-{section}")
    form.get_by_label(label, exact=True).fill(text)
    form.get_by_role("button", name=button, exact=True).click()


def open_board(console: Page, app: ServedApp, meeting_id: int) -> None:
    """Open a meeting's board on the console and show the staff view (it opens presenting)."""
    console.goto(f"{app.url}/meetings/{meeting_id}/board/")
    show_staff_view(console)
    expect_connected(console)


def schedule_and_start(console: Page, screens: Screens) -> None:
    """From the case's page: schedule a meeting for tomorrow, open its board and start it."""
    console.get_by_role("link", name="Schedule a meeting").click()
    tomorrow = datetime.now(TORONTO).date() + timedelta(days=1)
    console.get_by_label("Date and time").fill(f"{tomorrow.isoformat()}T10:00")
    console.get_by_label("Purpose").select_option(label="90-day review")
    console.get_by_label("Location").fill("Family room 2, Sudbury office")
    console.get_by_role("button", name="Schedule meeting").click()
    expect(console.get_by_role("heading", level=1)).to_have_text("90-day review")
    console.get_by_role("link", name="Go to the live board").click()
    # As in test_live_board.start_meeting: before the meeting opens the staff board's socket is
    # refused, and a retry's poll cut short by the reload that starting causes is answered 400.
    with screens.errors.excusing("projector", r"^400 for xhr .*/socket\.io/"):
        console.get_by_role("button", name="Start the meeting").click()
        expect(console.locator("body")).to_have_attribute("data-screen", "presenting")
        show_staff_view(console)
        expect(console.get_by_role("button", name="End the meeting")).to_be_visible()
        expect_connected(console)


def open_version(console: Page, number: int) -> None:
    """From an ended meeting's board, follow the link to its plan version."""
    console.get_by_role("link", name=re.compile(rf"^Plan version {number}\b")).click()
    expect(console.get_by_role("heading", name=f"Plan version {number}", level=1)).to_be_visible()


def change_framework(console: Page, name: str) -> None:
    """On the case's page, choose another practice framework and press the button."""
    card = console.get_by_role("region", name="Practice framework")
    card.get_by_label("Use another framework from the next meeting").select_option(label=name)
    card.get_by_role("button", name="Change the framework").click()


def framework_moves(database: Path, case_id: int) -> list[tuple[dict, dict]]:
    """The case's framework changes in its transcript, (before, after) of each, read from the
    served copy of the database (live.served_app serves tmp_path / "live.sqlite3"): a move is
    in no meeting's transcript page, having no meeting."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT before, after FROM transcript_events"
            " WHERE case_id = ? AND kind = 'case.framework_changed' ORDER BY seq",
            (case_id,),
        ).fetchall()
    return [(json.loads(before), json.loads(after)) for before, after in rows]


# ---- Tests ----


def test_an_olmsted_meeting_runs_end_to_end(served_app: ServedApp, screens: Screens) -> None:
    """The wall, the console, an English and a French phone: six sections, an item in each,
    a confidential one kept to the console, then plan version 1, the family's copies, and a
    second meeting whose version 2 says what changed."""
    _, console = screens.open("projector", "projector")
    sign_in(console, served_app)
    start_served_meeting(console, served_app, screens)
    admit_everyone(console)
    wall, _ = open_wall(console)
    _, julie = open_phone(screens, "julie", "en-CA")
    join(julie, served_app, "Julie", french=False)
    _, louise = open_phone(screens, "louise", "fr-CA")
    join(louise, served_app, "Louise", french=True)
    phones = {"julie": julie, "louise": louise}

    # Every screen shows the six sections, with their titles and questions in its language.
    for page in (console, wall, julie):
        expect_olmsted_sections(page)
    expect_olmsted_sections(louise, french=True)
    expect(louise.locator("#section-nav a[data-section='plan']")).to_have_text(PLAN_TITLE_FR)
    expect(julie.locator("#section-nav a[data-section='plan']")).to_have_text(PLAN_TITLE)
    expect(wall.locator("#wall-focus-title")).to_have_attribute("data-title-plan", PLAN_TITLE)
    shoot(screens, console, "1-sections", "console")
    for page in (console, wall, julie, louise):
        assert duplicate_ids(page) == [], page.url
    shoot(screens, wall, "1-sections", "wall")
    shoot(screens, louise, "1-sections", "phone-fr")

    # One item in every section, each through its own form; it reaches every screen there.
    for key, (who, text) in WRITTEN.items():
        words = OLMSTED[key]
        french = who == "louise"
        label = words.add_label_fr if french else words.add_label
        add_in(phones[who], key, label, text, "Ajouter" if french else "Add")
        for page in (console, wall, julie, louise):
            expect_item(page, key, text)
    # The goal, from Julie's phone, in the plan section.
    add_in(julie, "plan", "Add a goal", GOAL, "Add goal")
    for page in (console, wall, louise):
        expect(page.locator("#section-plan .goal")).to_contain_text(GOAL)

    # The console writes a confidential harm statement: it stays on the console.
    harm = console.locator("#section-harm")
    harm.get_by_label("Add what has happened").fill(CONFIDENTIAL_HARM)
    harm.get_by_label("Confidential: staff only").check()
    harm.get_by_role("button", name="Add", exact=True).click()
    expect_item(console, "harm", CONFIDENTIAL_HARM)
    # A shared item written after it reaches the room, so the confidential one had its chance.
    later = "Léa says she hides in her room when her parents argue."
    add_in(console, "harm", "Add what has happened", later)
    for page in (wall, julie, louise):
        expect_item(page, "harm", later)
        assert CONFIDENTIAL_HARM not in page.content()
        expect(items_of(page, "harm").locator("li.item")).to_have_count(2)
    expect(items_of(console, "harm").locator("li.item")).to_have_count(3)
    # The console brings a section into focus on the wall: its items are there to read.
    steer(console, "Danger statements")
    expect(wall.locator("body")).to_have_attribute("data-focus", "danger")
    expect(wall.locator("#wall-focus-title")).to_have_text("Danger statements")
    expect(items_of(wall, "danger").get_by_text(WRITTEN["danger"][1])).to_be_visible()
    shoot(screens, wall, "2-written", "wall")
    shoot(screens, console, "2-written", "console")
    shoot(screens, julie, "2-written", "phone-en")
    shoot(screens, louise, "2-written", "phone-fr")

    # The meeting ends: plan version 1 lists each item under its section's title.
    end_the_meeting(console)
    open_version(console, 1)
    whole = console.get_by_role("region", name=re.compile(r"^Harm statements · Danger"))
    for key in ("harm", "danger", "complicating", "gaps"):
        line = whole.get_by_role("listitem").filter(has_text=WRITTEN[key][1])
        expect(line).to_contain_text(OLMSTED[key].title)
    expect(whole.get_by_role("listitem").filter(has_text=CONFIDENTIAL_HARM)).to_contain_text(
        "Confidential: staff only"
    )
    kept = console.get_by_role("region", name="Existing strengths · Existing safety")
    for key in ("strengths", "safety"):
        line = kept.get_by_role("listitem").filter(has_text=WRITTEN[key][1])
        expect(line).to_contain_text(OLMSTED[key].title)
    expect(console.get_by_role("region", name="Goals")).to_contain_text(GOAL)
    shoot(screens, console, "3-version-1", "console")

    # Julie's copy of the plan: the family's headings in the framework's order, nothing secret.
    julie.get_by_role("link", name="Your copy of the plan").click()
    expect(julie.get_by_role("heading", name="Our family plan", level=1)).to_be_visible()
    headings = julie.locator("article.family-plan section.plan-part > h2").all_inner_texts()
    assert headings[: len(COPY_HEADINGS)] == list(COPY_HEADINGS), headings
    assert headings[len(COPY_HEADINGS)] == PLAN_TITLE, headings
    for heading, key in zip(COPY_HEADINGS, COPY_ORDER, strict=True):
        # By its class: its heading's id, "part-safety" for "safety", is also the safety plan's.
        part = julie.locator(f"section.plan-part.part-{key}")
        expect(part.locator("h2")).to_have_text(heading)
        expect(part).to_contain_text(WRITTEN[key][1])
    assert CONFIDENTIAL_HARM not in julie.content()
    shoot(screens, julie, "4-family-copy", "phone-en")
    # Louise's, in French.
    louise.get_by_role("link", name="Votre copie du plan").click()
    expect(louise.get_by_role("heading", name="Le plan de notre famille", level=1)).to_be_visible()
    headings = louise.locator("article.family-plan section.plan-part > h2").all_inner_texts()
    assert headings[: len(COPY_HEADINGS_FR)] == list(COPY_HEADINGS_FR), headings
    assert headings[len(COPY_HEADINGS_FR)] == PLAN_TITLE_FR, headings
    assert CONFIDENTIAL_HARM not in louise.content()
    shoot(screens, louise, "4-family-copy", "phone-fr")

    # A second, short meeting of the case: one item reworded, one added; its version says so.
    console.locator(".breadcrumb").get_by_role("link", name=re.compile("Tremblay")).click()
    schedule_and_start(console, screens)
    item = (
        items_of(console, "complicating")
        .locator("li.item")
        .filter(has_text=WRITTEN["complicating"][1])
    )
    fold = item.locator("details.lazy-edit")
    fold.locator("> summary").click()
    fold.locator("form textarea").fill(REWORDED)
    fold.get_by_role("button", name="Save").click()
    expect_item(console, "complicating", REWORDED)
    add_in(console, "safety", "Add a time the child was kept safe", ADDED_SAFETY)
    expect_item(console, "safety", ADDED_SAFETY)
    end_the_meeting(console)
    open_version(console, 2)
    expect(console.get_by_role("heading", name="Since version 1", level=2)).to_be_visible()
    changes = console.locator("section.version-changes")
    worries = changes.filter(has=console.locator("#changes-worries"))
    expect(worries).to_contain_text(REWORDED)
    expect(worries).to_contain_text(f"Words was: {WRITTEN['complicating'][1]}")
    expect(worries).to_contain_text("Complicating factors")
    strengths = changes.filter(has=console.locator("#changes-strengths"))
    expect(strengths).to_contain_text("Added")
    expect(strengths).to_contain_text(ADDED_SAFETY)
    expect(strengths).to_contain_text("Existing safety")
    shoot(screens, console, "5-version-2", "console")
    assert screens.errors == [], "\n".join(screens.errors)


def test_a_case_moves_between_frameworks_keeping_every_item(
    served_app: ServedApp, screens: Screens, tmp_path: Path
) -> None:
    """From the case's page, a Signs of Safety case moves to Olmsted between meetings: its
    strength shows under "Existing strengths", its worries under "Danger statements", nothing
    lost; while its next meeting runs, a move is refused and the page says why."""
    _, console = screens.open("projector", "projector")
    sign_in(console, served_app)
    case_url = f"{served_app.url}/cases/{SEEDED['nguyen_case']}"
    console.goto(case_url)
    card = console.get_by_role("region", name="Practice framework")
    expect(card).to_contain_text(
        f"The board maps the family's situation with {SIGNS_OF_SAFETY_NAME}."
    )

    change_framework(console, OLMSTED_NAME)
    expect(console.get_by_text(f"The board now uses {OLMSTED_NAME}.")).to_be_visible()
    expect(card).to_contain_text(f"The board maps the family's situation with {OLMSTED_NAME}.")
    expect(card.get_by_label("Use another framework from the next meeting")).to_have_value(
        "olmsted"
    )
    moves = framework_moves(tmp_path / "live.sqlite3", SEEDED["nguyen_case"])
    assert moves == [({"framework": "signs_of_safety"}, {"framework": "olmsted"})], moves
    shoot(screens, console, "6-moved", "console")

    # The next meeting's board is Olmsted's; each item shows under the section nearest its own.
    console.goto(f"{served_app.url}/meetings/{SEEDED['nguyen_next']}/board/")
    with screens.errors.excusing("projector", r"^400 for xhr .*/socket\.io/"):
        console.get_by_role("button", name="Start the meeting").click()
        expect(console.locator("body")).to_have_attribute("data-screen", "presenting")
        show_staff_view(console)
        expect_connected(console)
    expect_olmsted_sections(console)
    expect_item(console, "strengths", NGUYEN_STRENGTH)
    expect_item(console, "danger", NGUYEN_WORRY)
    expect_item(console, "danger", NGUYEN_SECRET)
    # Nothing is left "From the earlier framework": every item found a section.
    expect(console.locator("#section-earlier")).to_have_attribute("data-empty", "")
    expect(console.locator("#section-earlier")).to_be_hidden()
    total = console.locator(".board-grid .area-mapping li.item")
    expect(total).to_have_count(3)
    shoot(screens, console, "7-next-board", "console")

    # While that meeting runs, the case can't move again: the page says why.
    console.goto(case_url)
    change_framework(console, SIGNS_OF_SAFETY_NAME)
    expect(console.get_by_role("alert")).to_contain_text(RUNNING)
    card = console.get_by_role("region", name="Practice framework")
    expect(card).to_contain_text(f"The board maps the family's situation with {OLMSTED_NAME}.")
    assert len(framework_moves(tmp_path / "live.sqlite3", SEEDED["nguyen_case"])) == 1
    shoot(screens, console, "8-refused", "console")
    assert screens.errors == [], "\n".join(screens.errors)


def picture_board(console: Page, path: Path) -> None:
    """Save the board's mapping sections, as the console shows them, as a PNG (with a margin of
    the page around them)."""
    grid = console.locator(".board-grid").bounding_box()
    mapping = console.locator(".board-grid > .area-mapping")
    first, last = mapping.first.bounding_box(), mapping.last.bounding_box()
    margin = 12
    clip = {
        "x": max(0, grid["x"] - margin),
        "y": first["y"] - margin,
        "width": min(grid["width"] + 2 * margin, console.viewport_size["width"]),
        "height": last["y"] + last["height"] - first["y"] + 2 * margin,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(path), clip=clip, full_page=True, caret="initial")


def test_both_boards_for_the_readme(served_app: ServedApp, screens: Screens) -> None:
    """docs/boards/signs-of-safety.png and docs/boards/olmsted.png: each framework's mapping
    sections on the facilitator's console (1366 px wide), with a few of a family's items."""
    _, console = screens.open("projector", "projector")
    sign_in(console, served_app)
    pictures = (
        ("readme_signs_of_safety", README_SIGNS_OF_SAFETY, "signs-of-safety.png"),
        ("readme_olmsted", README_OLMSTED, "olmsted.png"),
    )
    for seeded, items, name in pictures:
        open_board(console, served_app, SEEDED[seeded])
        for section, texts in items.items():
            for text in texts:
                expect_item(console, section, text)
        picture_board(console, BOARDS / name)
        assert (BOARDS / name).stat().st_size < 300_000
    assert screens.errors == [], "\n".join(screens.errors)


# ---- Two bugs found by these tests, fixed: the plan's title, and the copy's duplicate id ----


def test_the_board_titles_the_plan_section_as_the_framework_does(
    served_app: ServedApp, screens: Screens
) -> None:
    _, console = screens.open("projector", "projector")
    sign_in(console, served_app)
    open_board(console, served_app, SEEDED["readme_olmsted"])
    # The section menu already says it the framework's way; the section's own heading should too.
    expect(console.locator("#section-nav a[data-section='plan']")).to_have_text(PLAN_TITLE)
    expect(console.locator("#heading-plan")).to_have_text(PLAN_TITLE, timeout=2_000)


def test_the_family_copy_of_an_olmsted_plan_names_each_part_once(
    served_app: ServedApp, screens: Screens
) -> None:
    _, console = screens.open("projector", "projector")
    sign_in(console, served_app)
    console.goto(f"{served_app.url}/meetings/{SEEDED['bouchard_ended']}/plan/family")
    kept_safe = console.locator("section.plan-part.part-safety")
    expect(kept_safe).to_contain_text(BOUCHARD_SAFETY)
    expect(console.get_by_role("region", name="Keeping everyone safe", exact=True)).to_have_count(
        1, timeout=2_000
    )
    assert duplicate_ids(console) == []
