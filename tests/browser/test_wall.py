"""The wall, the console and two phones in one meeting, on the real eventlet server.

The Okafors' meeting is under way (seeded through the app's commands): a family map of thirty
people (and one more, confidential), a confidential strength, a staff note and two safety
ratings. The facilitator's laptop has the console; the wall (what is projected, 1366x768) opens
from it in a window of its own; phones of 390x844 join by the link. Nothing staff-only may reach
the wall or a presenting console, in the page or in anything they receive.

Screenshots of the wall: test-results/screenshots/browser-wall-*.png.
"""

from __future__ import annotations

import html
import re
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Response, WebSocket, expect
from playwright.sync_api import Error as PlaywrightError

from fttm.auth.models import User
from fttm.board.commands import add_item, rate_safety
from fttm.core.viewers import Viewer
from fttm.family_map.lines import add_connection, add_relationship
from fttm.family_map.people import add_person
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import start_meeting
from fttm.meetings.models import Meeting
from tests import factories
from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import open_section, show_staff_view
from tests.browser.test_live_board import (
    BOARD_URL,
    WAITING_TEXT,
    add_strength,
    expect_connected,
    expect_not_reloaded,
    fill_join_form,
    mark_page,
    sign_in,
    strength_items,
)

pytestmark = pytest.mark.browser
served_app, screens = live.served_app, live.screens

WALL_SIZE = {"width": 1366, "height": 768}
SHOTS = Path("test-results") / "screenshots"
STOP_PRESENTING = "Stop presenting: show the staff view"
ROOM_MAY_SEE = "If this screen is projected, the room can see confidential items"

# ---- The Okafors: thirty people in four generations, as the family map's forms draw them ----

# (key, name, sex, born); Ama is the focus child. Every word is short enough to be drawn whole.
PEOPLE = (
    ("walter", "Walter Okafor", "male", 1948),
    ("grace", "Grace Okafor", "female", 1951),
    ("tomas", "Tomas Reyes", "male", 1950),
    ("lucia", "Lucia Reyes", "female", 1952),
    ("james", "James Okafor", "male", 1974),
    ("ruth", "Ruth Okafor", "female", 1977),
    ("daniel", "Daniel Okafor", "male", 1980),
    ("maria", "Maria Reyes", "female", 1976),
    ("carlos", "Carlos Reyes", "male", 1978),
    ("elena", "Elena Reyes", "female", 1982),
    ("tanya", "Tanya Brooks", "female", 1979),
    ("peter", "Peter Lind", "male", 1975),
    ("sofia", "Sofia Marsh", "female", 1983),
    ("nadia", "Nadia Khan", "female", 1980),
    ("owen", "Owen Price", "male", 1981),
    ("kofi", "Kofi Okafor", "male", 2005),
    ("ama", "Ama Okafor", "female", 2008),
    ("leo", "Leo Okafor", "male", 2011),
    ("zoe", "Zoe Okafor", "female", 2019),
    ("anna", "Anna Lind", "female", 2000),
    ("erik", "Erik Lind", "male", 2004),
    ("mia", "Mia Okafor", "female", 2012),
    ("omar", "Omar Reyes", "male", 2003),
    ("lina", "Lina Reyes", "female", 2006),
    ("sami", "Sami Reyes", "male", 2010),
    ("ivy", "Ivy Price", "female", 2009),
    ("noah", "Noah Price", "male", 2013),
    ("jack", "Jack Moore", "male", 1999),
    ("ella", "Ella Moore", "female", 2022),
    ("finn", "Finn Moore", "male", 2024),
)
# (who, how, to whom), as the "Draw a line" form puts it.
LINES = (
    ("walter", "partner:married", "grace"),
    ("tomas", "partner:married", "lucia"),
    *(
        (parent, "parent:biological", child)
        for parent in ("walter", "grace")
        for child in ("james", "ruth", "daniel")
    ),
    *(
        (parent, "parent:biological", child)
        for parent in ("tomas", "lucia")
        for child in ("maria", "carlos", "elena")
    ),
    ("james", "partner:divorced", "maria"),
    ("james", "partner:cohabiting", "tanya"),
    ("peter", "partner:married", "ruth"),
    ("daniel", "partner:cohabiting", "sofia"),
    ("carlos", "partner:married", "nadia"),
    ("owen", "partner:divorced", "elena"),
    *(
        (parent, "parent:biological", child)
        for parent in ("james", "maria")
        for child in ("kofi", "ama", "leo")
    ),
    *((parent, "parent:biological", "zoe") for parent in ("james", "tanya")),
    *(
        (parent, "parent:biological", child)
        for parent in ("peter", "ruth")
        for child in ("anna", "erik")
    ),
    *((parent, "parent:biological", "mia") for parent in ("daniel", "sofia")),
    *(
        (parent, "parent:biological", child)
        for parent in ("carlos", "nadia")
        for child in ("omar", "lina", "sami")
    ),
    *(
        (parent, "parent:biological", child)
        for parent in ("owen", "elena")
        for child in ("ivy", "noah")
    ),
    ("jack", "partner:cohabiting", "anna"),
    *(
        (parent, "parent:biological", child)
        for parent in ("jack", "anna")
        for child in ("ella", "finn")
    ),
    ("james", "feeling:conflict", "maria"),
    ("ama", "feeling:close", "lucia"),
)
# (category, system, strength)
CONNECTIONS = (
    ("school", "Riverside Middle School", "strong"),
    ("health", "Eastside Health Clinic", "moderate"),
    ("faith", "St Mark's Church", "strong"),
    ("court", "Family Court", "stressful"),
)
SHARED_STRENGTH = "Grandma Grace cooks dinner for the whole family every Sunday."
WORRY = "Ama has missed nine school days since the summer."
# What only staff may see: the room's screens must never get any of it.
CONFIDENTIAL_STRENGTH = "Probation says James has kept every appointment since May."
STAFF_NOTE = "Supervisor asked us to read the CPS history before the review."
CONFIDENTIAL_PERSON = "Ray Okafor"
SEEDED_RATINGS = (("Grace", "relative", "4"), ("Carlos", "relative", "7"))
STAFF_ONLY = (
    CONFIDENTIAL_STRENGTH,
    STAFF_NOTE,
    CONFIDENTIAL_PERSON,
    "Who gave which rating",
    "who-rated",
    "Confidential: staff only",
    *(f"{name}: {score}" for name, _role, score in SEEDED_RATINGS),
)


def okafors_meeting(facilitator: User) -> Meeting:
    """The Okafors' first meeting, started: their family map and board, two ratings given."""
    case = factories.make_case(facilitator, family_name="Okafor")
    meeting = factories.make_meeting(facilitator, case, days_ahead=1)
    start_meeting(facilitator, meeting)
    staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    people = {}
    for key, name, sex, born in PEOPLE:
        fields = {"name": name, "sex": sex, "born": str(born)}
        if key == "ama":
            fields["is_focus_child"] = "1"
        people[key] = add_person(staff, fields).id
    for who, how, whom in LINES:
        add_relationship(
            staff, {"person": str(people[who]), "relation": how, "other": str(people[whom])}
        )
    add_person(
        staff,
        {
            "name": CONFIDENTIAL_PERSON,
            "sex": "male",
            "born": "1970",
            "confidential": "1",
            "relation": "child:biological",
            "other": str(people["walter"]),
        },
    )
    for category, system, strength in CONNECTIONS:
        add_connection(staff, {"category": category, "system_name": system, "strength": strength})
    add_item(staff, "strength", {"text": SHARED_STRENGTH})
    add_item(staff, "strength", {"text": CONFIDENTIAL_STRENGTH, "confidential": "1"})
    add_item(staff, "worry", {"text": WORRY, "need_domain": "education"})
    add_item(staff, "note", {"text": STAFF_NOTE, "confidential": "1"})
    for name, role, score in SEEDED_RATINGS:
        rate_safety(factories.make_phone(staff, name, role), score)
    return meeting


@pytest.fixture(scope="module")
def seeded_meeting(tmp_path_factory: pytest.TempPathFactory) -> live.SeededMeeting:
    """The Okafors' meeting, under way, seeded once for this module."""
    database = tmp_path_factory.mktemp("wall") / "live.sqlite3"
    return live.seed_database(database, okafors_meeting)


# ---- What a screen received ----


@dataclass
class Traffic:
    """Everything a page received: its socket frames and its answers to pages, htmx and fetch
    requests (socket.io's long polling among them)."""

    frames: list[str] = field(default_factory=list)
    answers: list[Response] = field(default_factory=list)

    @classmethod
    def of(cls, page: Page) -> Traffic:
        """Start recording what `page` receives (before it opens anything)."""
        traffic = cls()
        page.on("websocket", traffic._watch_socket)
        page.on("response", traffic._keep_answer)
        return traffic

    def _watch_socket(self, socket: WebSocket) -> None:
        socket.on("framereceived", self._keep_frame)

    def _keep_frame(self, payload: str | bytes) -> None:
        self.frames.append(
            payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        )

    def _keep_answer(self, response: Response) -> None:
        if response.request.resource_type in ("document", "xhr", "fetch"):
            self.answers.append(response)

    def text(self) -> str:
        """Every frame and answer body, as one text."""
        bodies = []
        for answer in self.answers:
            with suppress(PlaywrightError):  # a poll cut short by a reload has no body
                bodies.append(answer.text())
        return "\n".join([*self.frames, *bodies])


def found_in(text: str, words: tuple[str, ...]) -> list[str]:
    """Which of `words` `text` holds, as it is or once its HTML and JSON escapes are read."""
    read = html.unescape(text.replace('\\"', '"'))
    return [one for one in words if one in text or one in read]


# ---- What people see ----

CONTROLS_SHOWN = """(selector) => [...document.querySelectorAll(selector)]
  .filter((element) => element.checkVisibility({ opacityProperty: true, visibilityProperty: true }))
  .map((element) => element.outerHTML.slice(0, 100))"""
CONTROLS = "button, input:not([type=hidden]), select, textarea, summary, form"
BOARD_CONTROLS = ", ".join(f"{part} :is({CONTROLS})" for part in (".board-grid", ".board-status"))
# What changes the board; a presenting console may keep the folds that only show more of it.
BOARD_CHANGES = BOARD_CONTROLS.replace(", summary", "")
# Every piece of text a reader sees outside the drawings, with its size: nothing is too small.
SMALL_TEXT = """(least) => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element || element.closest("svg, script, style")) continue;
    if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const box = element.getBoundingClientRect();
    if (box.width < 2 || box.height < 2 || box.top >= innerHeight) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < least) small.push(size + "px: " + node.textContent.trim().slice(0, 50));
  }
  return small;
}"""
# Each person on the wall's genogram: their name's lines, drawn how large, and where.
DRAWN_NAMES = """() => {
  const svg = document.querySelector("#wall-drawing svg");
  const join = document.querySelector("#wall-join .join-panel");
  const box = svg.getBoundingClientRect();
  const people = [...svg.querySelectorAll("g.person")].map((person) => {
    const lines = [...person.querySelectorAll("text")]
      .filter((text) => !/^\\d+$/.test(text.textContent.trim()));  // not the age
    return {
      name: person.querySelector("title").textContent,
      lines: lines.map((text) => {
        const rect = text.getBoundingClientRect();
        return {
          text: text.textContent,
          px: parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a,
          left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom,
        };
      }),
    };
  });
  const panel = join ? join.getBoundingClientRect() : null;
  return {
    width: box.width, height: box.height, people: people,
    panel: panel && { left: panel.left, right: panel.right, top: panel.top, bottom: panel.bottom },
  };
}"""


def controls_shown(page: Page, selector: str) -> list[str]:
    """The controls matching `selector` that a reader of `page` can see."""
    return page.evaluate(CONTROLS_SHOWN, selector)


def drawing_box(wall: Page) -> str:
    """The viewBox of the wall's drawing: what part of it the wall shows."""
    return wall.locator("#wall-drawing svg").get_attribute("viewBox")


def _overlap(one: dict, other: dict) -> bool:
    """Whether two boxes on the screen overlap."""
    return not (
        one["right"] <= other["left"]
        or one["left"] >= other["right"]
        or one["bottom"] <= other["top"]
        or one["top"] >= other["bottom"]
    )


def unreadable_names(drawn: dict) -> dict[str, list[str]]:
    """The names on the wall's genogram that the room cannot read, by why: drawn under 14px,
    not drawn whole, off the wall, or under the join panel."""
    wall = {"left": 0, "top": 0, "right": WALL_SIZE["width"], "bottom": WALL_SIZE["height"]}
    found: dict[str, list[str]] = {}
    for person in drawn["people"]:
        if " ".join(line["text"] for line in person["lines"]) != person["name"]:
            found.setdefault("not whole", []).append(person["name"])
        for line in person["lines"]:
            if line["px"] < 14:
                found.setdefault("under 14px", []).append(f"{line['text']}: {line['px']:.1f}px")
            inside = all(
                wall["left"] <= line[side] <= wall["right"] for side in ("left", "right")
            ) and all(wall["top"] <= line[side] <= wall["bottom"] for side in ("top", "bottom"))
            if not inside:
                found.setdefault("off the wall", []).append(line["text"])
            if drawn["panel"] and _overlap(line, drawn["panel"]):
                found.setdefault("under the join panel", []).append(line["text"])
    return found


def expect_focus(wall: Page, focus: str) -> None:
    """The wall brought `focus` (a section, or "overview") into view."""
    expect(wall.locator("body")).to_have_attribute("data-focus", focus)


def shoot_wall(wall: Page, name: str) -> None:
    """Save the wall as test-results/screenshots/browser-wall-<name>.png, at its CSS size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    wall.screenshot(path=str(SHOTS / f"browser-wall-{name}.png"), scale="css", caret="initial")


# ---- What people do ----


def open_console(screens: Screens, app: ServedApp, name: str) -> tuple[BrowserContext, Page]:
    """A facilitator's laptop, signed in, with nothing opened yet."""
    context, page = screens.open("projector", name)
    sign_in(page, app)
    return context, page


def open_wall(console: Page) -> tuple[Page, Traffic]:
    """Click "Open the wall in a new window" on the console; the wall's window is the
    projector's size, and all it receives is recorded from its first byte."""
    recorded: list[Traffic] = []

    def record(page: Page) -> None:
        recorded.append(Traffic.of(page))

    console.context.on("page", record)
    with console.expect_popup() as popup:
        console.get_by_role("link", name="Open the wall in a new window").click()
    wall = popup.value
    console.context.remove_listener("page", record)
    wall.set_viewport_size(WALL_SIZE)
    expect(wall.locator("body")).to_have_attribute("data-screen", "wall")
    expect(wall.locator("#connection")).to_have_attribute("data-state", "connected")
    return wall, recorded[0]


def steer(console: Page, button: str) -> None:
    """Press a button under "On the wall" on the console."""
    console.locator("#wall-steering").get_by_role("button", name=button, exact=True).click()


def join_from_phone(screens: Screens, app: ServedApp, name: str, role: str) -> Page:
    """A phone opens the join link and asks to join; it waits to be let in."""
    _, phone = screens.open("phone", name.lower())
    phone.goto(app.join_url)
    fill_join_form(phone, name, role)
    expect(phone.get_by_text(WAITING_TEXT)).to_be_visible()
    return phone


def let_in(console: Page, phone: Page, name: str) -> None:
    """The facilitator lets `name` in from the banner at the top of the staff console."""
    console.locator("#waiting-banner").get_by_role("button", name=f"Let in {name}").click()
    expect(phone).to_have_url(BOARD_URL, timeout=10_000)  # the waiting page asks every 3 s
    expect_connected(phone)


def rate(phone: Page, score: str) -> None:
    """Give a safety rating on the phone."""
    open_section(phone, "safety_scale")
    phone.locator("#section-safety_scale").get_by_role("button", name=score, exact=True).click()
    expect(phone.locator("#my-rating")).to_contain_text(f"You rated {score}.")


# ---- Tests ----


def test_nothing_staff_only_reaches_the_wall_or_a_presenting_console(
    served_app: ServedApp, screens: Screens
):
    """A confidential strength, a staff note, a confidential person and who gave which rating:
    none of it is in the page or the traffic of the presenting console or of the wall, even as
    the staff add more of it and phones rate, while the staff console shows all of it."""
    _, laptop = screens.open("projector", "laptop")
    laptop_traffic = Traffic.of(laptop)
    sign_in(laptop, served_app)
    laptop.goto(served_app.board_url)
    expect(laptop.locator("body")).to_have_attribute("data-screen", "presenting")
    expect_connected(laptop)

    _, staff = open_console(screens, served_app, "co-facilitator")
    staff.goto(served_app.board_url)
    show_staff_view(staff)
    expect(staff.locator("#section-strengths")).to_contain_text(CONFIDENTIAL_STRENGTH)
    expect(staff.locator("#section-notes")).to_contain_text(STAFF_NOTE)
    expect(staff.locator("#section-family_map")).to_contain_text(CONFIDENTIAL_PERSON)
    ratings = staff.locator("#section-safety_scale details.who-rated")
    ratings.locator("summary").click()
    for name, _role, score in SEEDED_RATINGS:
        expect(ratings).to_contain_text(f"{name}: {score}")

    # While the laptop presents, the staff add a confidential strength and a shared one.
    added_secret = "Police were called to the Reyes house in October."
    added_shared = "Uncle Tomas drives Ama to school when the bus is late."
    strengths = staff.locator("#section-strengths")
    strengths.get_by_label("Add a strength").fill(added_secret)
    strengths.get_by_label("Confidential: staff only").check()
    strengths.get_by_role("button", name="Add", exact=True).click()
    expect(strength_items(staff, added_secret)).to_have_count(1)
    add_strength(staff, added_shared)
    expect(strength_items(laptop, added_shared)).to_have_count(1)
    staff_only = (*STAFF_ONLY, added_secret)
    assert found_in(laptop.content(), staff_only) == []
    received = laptop_traffic.text()
    assert found_in(received, (added_shared,)) == [added_shared], (
        "the presenting console's traffic was not recorded"
    )
    assert found_in(received, staff_only) == []
    assert controls_shown(laptop, BOARD_CHANGES) == []
    laptop.screenshot(path=str(SHOTS / "browser-console-presenting.png"), caret="initial")

    # The wall opens from the laptop's console; the console (it had not chosen) turns into the
    # staff view, and two phones join.
    wall, wall_traffic = open_wall(laptop)
    expect(laptop.locator("body")).to_have_attribute("data-screen", "console")
    expect(laptop.locator(".staff-view-banner")).to_contain_text(ROOM_MAY_SEE)
    maria = join_from_phone(screens, served_app, "Maria", "Parent")
    lucia = join_from_phone(screens, served_app, "Lucia", "Relative")
    let_in(staff, maria, "Maria")
    let_in(staff, lucia, "Lucia")

    more_secret = "The new partner of Maria has a restraining order from 2019."
    more_shared = "Lucia and Maria talk every evening about how the day went."
    strengths.get_by_label("Add a strength").fill(more_secret)
    strengths.get_by_label("Confidential: staff only").check()
    strengths.get_by_role("button", name="Add", exact=True).click()
    expect(strength_items(staff, more_secret)).to_have_count(1)
    open_section(lucia, "strengths")
    add_strength(lucia, more_shared)
    rate(maria, "6")
    rate(lucia, "8")
    expect(wall.locator("#section-safety_scale .rated-count")).to_have_text("4 people have rated.")
    expect(strength_items(wall, more_shared)).to_have_count(1)
    ratings = staff.locator("#section-safety_scale details.who-rated")
    expect(ratings).to_contain_text("Maria: 6")
    staff_only = (*staff_only, more_secret, "Maria: 6", "Lucia: 8")
    for phone in (maria, lucia):
        assert found_in(phone.content(), staff_only) == []

    assert found_in(wall.content(), staff_only) == []
    received = wall_traffic.text()
    assert found_in(received, (more_shared, "wall:view")) == [more_shared, "wall:view"], (
        "the wall's traffic was not recorded"
    )
    assert found_in(received, staff_only) == []
    assert controls_shown(wall, CONTROLS) == []
    assert screens.errors == [], "\n".join(screens.errors)


def test_the_console_presents_until_the_facilitator_stops_it_or_a_wall_opens(
    served_app: ServedApp, screens: Screens
):
    """A live meeting's console opens presenting, its controls hidden; stopping takes a
    confirmed click, then a banner warns the room may see it. A second console that has not
    chosen shows the staff view while a wall is open, and presents again once it closes."""
    _, laptop = open_console(screens, served_app, "laptop")
    laptop.goto(served_app.board_url)
    body = laptop.locator("body")
    expect(body).to_have_attribute("data-screen", "presenting")
    expect(laptop.locator(".presenting-banner")).to_contain_text("Presenting.")
    expect(laptop.get_by_role("button", name="End the meeting")).to_have_count(0)
    expect(laptop.get_by_role("button", name="Make confidential")).to_have_count(0)
    assert controls_shown(laptop, BOARD_CHANGES) == []
    expect(laptop.locator("#wall-steering")).to_be_visible()

    questions: list[str] = []
    laptop.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    laptop.get_by_role("button", name=STOP_PRESENTING).click()
    expect(laptop.get_by_role("button", name=STOP_PRESENTING)).to_be_visible()
    assert questions and questions[0].startswith("Stop presenting?"), questions
    expect(body).to_have_attribute("data-screen", "presenting")
    assert CONFIDENTIAL_STRENGTH not in laptop.content()

    laptop.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    laptop.get_by_role("button", name=STOP_PRESENTING).click()
    expect(body).to_have_attribute("data-screen", "console")
    assert len(questions) == 2
    expect(laptop.locator(".staff-view-banner")).to_contain_text(ROOM_MAY_SEE)
    expect(laptop.get_by_role("button", name="End the meeting")).to_be_visible()
    expect(laptop.locator("#section-strengths")).to_contain_text(CONFIDENTIAL_STRENGTH)
    laptop.screenshot(path=str(SHOTS / "browser-console-staff.png"), caret="initial")

    _, second = open_console(screens, served_app, "second laptop")
    second.goto(served_app.board_url)
    expect(second.locator("body")).to_have_attribute("data-screen", "presenting")
    expect_connected(second)
    wall, _ = open_wall(laptop)
    expect(second.locator("body")).to_have_attribute("data-screen", "console")
    expect(second.locator("#section-strengths")).to_contain_text(CONFIDENTIAL_STRENGTH)
    expect(body).to_have_attribute("data-screen", "console")  # it chose: it stays as it is
    expect_connected(second)
    wall.close()
    expect(second.locator("body")).to_have_attribute("data-screen", "presenting")
    expect(body).to_have_attribute("data-screen", "console")
    assert screens.errors == [], "\n".join(screens.errors)


def test_the_console_steers_the_wall(served_app: ServedApp, screens: Screens):
    """Overview, one section, the family map: each shows on the wall as chosen on the console,
    with text of 24 px and more; the ecomap, the genogram and the zoom change the wall's
    drawing."""
    _, laptop = open_console(screens, served_app, "laptop")
    laptop.goto(served_app.board_url)
    wall, _ = open_wall(laptop)
    expect(laptop.locator("body")).to_have_attribute("data-screen", "console")
    mark_page(wall)
    expect_focus(wall, "overview")
    for name in ("strengths", "worries", "family_map", "plan", "safety_scale", "participants"):
        expect(wall.locator(f".board-section.area-{name}")).to_be_visible()
    expect(wall.locator(".join-code")).to_be_visible()
    assert wall.evaluate(SMALL_TEXT, 24) == []
    shoot_wall(wall, "overview")

    steer(laptop, "What's working well")
    expect_focus(wall, "strengths")
    expect(wall.locator("#wall-focus-title")).to_have_text("What's working well")
    expect(wall.locator(".area-strengths")).to_be_visible()
    expect(strength_items(wall, SHARED_STRENGTH)).to_be_visible()
    for name in ("worries", "family_map", "plan", "safety_plan", "notes", "participants"):
        expect(wall.locator(f".board-section.area-{name}")).to_be_hidden()
    wall.wait_for_timeout(300)  # the section's type is fitted to the wall after a push
    assert wall.evaluate(SMALL_TEXT, 24) == []
    assert wall.evaluate("document.documentElement.scrollHeight <= innerHeight"), "it scrolls"
    shoot_wall(wall, "strengths")

    steer(laptop, "The whole board")
    expect_focus(wall, "overview")
    expect(wall.locator(".area-worries")).to_be_visible()
    expect(wall.locator("#wall-focus-title")).to_have_text("The whole board")

    steer(laptop, "Family map")
    expect_focus(wall, "family_map")
    drawing = wall.locator("#wall-drawing svg")
    expect(drawing).to_be_visible()
    expect(drawing).to_have_attribute("id", re.compile("^genogram"))
    fitted = drawing_box(wall)

    steer(laptop, "Ecomap")
    expect(drawing).to_have_attribute("id", re.compile("^ecomap"))
    expect(drawing).to_contain_text("Riverside Middle School")
    shoot_wall(wall, "ecomap")
    steer(laptop, "Genogram")
    expect(drawing).to_have_attribute("id", re.compile("^genogram"))
    expect(drawing).to_have_attribute("viewBox", fitted)
    laptop.get_by_role("button", name="Zoom in on the wall").click()
    expect(laptop.locator("#wall-steering .steer-zoom")).to_have_text("Zoom: 140%")
    expect(drawing).not_to_have_attribute("viewBox", fitted)
    zoomed = [float(n) for n in drawing_box(wall).split()]
    assert zoomed[2] == pytest.approx(float(fitted.split()[2]) / 1.4, rel=0.01)
    laptop.get_by_role("button", name="Move the wall's view right").click()
    expect(wall.locator("body")).to_have_attribute("data-x", "20")
    assert float(drawing_box(wall).split()[0]) > zoomed[0]
    laptop.get_by_role("button", name="Fit the whole drawing on the wall").click()
    expect(drawing).to_have_attribute("viewBox", fitted)
    expect_not_reloaded(wall)
    assert screens.errors == [], "\n".join(screens.errors)


def test_thirty_people_fill_the_wall_with_names_the_room_can_read(
    served_app: ServedApp, screens: Screens
):
    """With the family map in focus, the Okafors' genogram (thirty people) fills a 1366x768
    wall, and every name is drawn whole, on the wall, 14 px or more, uncovered."""
    _, laptop = open_console(screens, served_app, "laptop")
    laptop.goto(served_app.board_url)
    wall, _ = open_wall(laptop)
    steer(laptop, "Family map")
    expect_focus(wall, "family_map")
    expect(wall.locator("#wall-drawing svg")).to_have_attribute("id", re.compile("^genogram"))
    shoot_wall(wall, "family-map")
    drawn = wall.evaluate(DRAWN_NAMES)
    assert sorted(person["name"] for person in drawn["people"]) == sorted(
        name for _key, name, _sex, _born in PEOPLE
    )
    width, height = drawn["width"], drawn["height"]
    assert width >= 0.9 * WALL_SIZE["width"] or height >= 0.8 * WALL_SIZE["height"], drawn
    unreadable = unreadable_names(drawn)
    assert unreadable == {}, unreadable
    assert wall.evaluate(SMALL_TEXT, 24) == []  # the bar above the drawing
    assert screens.errors == [], "\n".join(screens.errors)


def test_the_wall_is_live_reconnects_and_shows_the_join_panel_until_hidden(
    served_app: ServedApp, screens: Screens
):
    """A phone's strength shows on the wall without a reload; a wall cut off the network catches
    up with what changed meanwhile; the join panel goes when the console hides the code."""
    laptop_context, laptop = open_console(screens, served_app, "laptop")
    laptop.goto(served_app.board_url)
    show_staff_view(laptop)
    wall, _ = open_wall(laptop)
    mark_page(wall)
    expect(wall.locator("#wall-join .join-code")).to_have_text(served_app.join_code)
    expect(wall.locator("#wall-join svg.qr-code")).to_be_visible()

    maria = join_from_phone(screens, served_app, "Maria", "Parent")
    let_in(laptop, maria, "Maria")
    expect(wall.locator("#section-participants")).to_contain_text("Maria")
    said = "Maria walks Ama to the school gate every morning now."
    open_section(maria, "strengths")
    add_strength(maria, said)
    expect(strength_items(wall, said)).to_have_count(1)

    screens.set_offline(laptop_context, "laptop", True)
    expect(wall.locator("#connection")).to_have_attribute(
        "data-state", re.compile("offline|reconnecting")
    )
    meanwhile = "Kofi cooked dinner for his brother and sister on Tuesday."
    add_strength(maria, meanwhile)
    expect(strength_items(maria, meanwhile)).to_have_count(1)
    wall.wait_for_timeout(1_000)
    expect(strength_items(wall, meanwhile)).to_have_count(0)
    screens.set_offline(laptop_context, "laptop", False)
    expect(wall.locator("#connection")).to_have_attribute("data-state", "connected")
    screens.back_online("laptop")
    expect(strength_items(wall, meanwhile)).to_have_count(1)
    expect_not_reloaded(wall)

    laptop.get_by_role("button", name="Hide the join code").click()
    expect(wall.locator("#wall-join .join-panel")).to_have_count(0)
    expect(wall.locator(".join-code")).to_have_count(0)
    laptop.get_by_role("button", name="Show the join code").click()
    expect(wall.locator("#wall-join .join-code")).to_have_text(served_app.join_code)
    expect_not_reloaded(wall)
    assert screens.errors == [], "\n".join(screens.errors)


def test_the_waiting_room_is_at_the_top_of_the_console(served_app: ServedApp, screens: Screens):
    """A phone waiting: the staff console's banner names them, above the board, and "Let in"
    lets them in; a presenting console says only how many are waiting."""
    _, presenting = open_console(screens, served_app, "laptop")
    presenting.goto(served_app.board_url)
    expect(presenting.locator("body")).to_have_attribute("data-screen", "presenting")
    expect_connected(presenting)
    _, staff = open_console(screens, served_app, "co-facilitator")
    staff.goto(served_app.board_url)
    show_staff_view(staff)
    expect_connected(staff)

    dora = join_from_phone(screens, served_app, "Dora Mensah", "Relative")
    banner = staff.locator("#waiting-banner")
    expect(banner).to_contain_text("1 person is waiting to join.")
    expect(banner).to_contain_text("Dora Mensah")
    let_in_button = banner.get_by_role("button", name="Let in Dora Mensah")
    expect(let_in_button).to_be_in_viewport()
    staff.screenshot(path=str(SHOTS / "browser-console-waiting.png"), caret="initial")

    count = presenting.locator("#waiting-banner")
    expect(count).to_contain_text("1 person is waiting to join.")
    expect(count.get_by_role("button", name=re.compile("^Let in"))).to_have_count(0)
    assert "Dora Mensah" not in presenting.content()
    presenting.screenshot(path=str(SHOTS / "browser-console-waiting-presenting.png"))

    let_in(staff, dora, "Dora Mensah")
    expect(banner).to_be_hidden()
    expect(count).to_be_hidden()
    expect(
        staff.locator("#section-participants .person.online", has_text="Dora Mensah")
    ).to_be_visible()
    assert screens.errors == [], "\n".join(screens.errors)


def test_a_console_that_missed_the_wall_closing_presents_once_back(
    served_app: ServedApp, screens: Screens
):
    """A console that has not chosen shows the staff view while the wall is open; cut off the
    network while the wall closes, it presents again once it is back, like one that saw it."""
    _, laptop = open_console(screens, served_app, "laptop")
    laptop.goto(served_app.board_url)
    wall, _ = open_wall(laptop)
    expect(laptop.locator("body")).to_have_attribute("data-screen", "console")
    second_context, second = open_console(screens, served_app, "second laptop")
    second.goto(served_app.board_url)
    expect(second.locator("body")).to_have_attribute("data-screen", "console")
    expect_connected(second)

    screens.set_offline(second_context, "second laptop", True)
    expect(second.locator("#connection")).to_have_attribute(
        "data-state", re.compile("offline|reconnecting")
    )
    wall.close()
    expect(laptop.locator("body")).to_have_attribute("data-screen", "presenting")
    screens.set_offline(second_context, "second laptop", False)
    expect_connected(second)
    screens.back_online("second laptop")
    expect(second.locator("body")).to_have_attribute("data-screen", "presenting")
    expect(second.locator(".presenting-banner")).to_be_visible()
    assert screens.errors == [], "\n".join(screens.errors)
