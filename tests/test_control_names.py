"""Every control that repeats along a list says which item it acts on: a screen reader listing
the buttons of the board hears "Delete strength: Grandma Rosa picks…", never "Delete" thirty
times, and its name starts with the words on the button (what a voice user says to press it).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from fttm.auth.models import User
from fttm.board.commands import rate_safety
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import join_as_staff
from fttm.meetings import join_codes
from fttm.meetings.commands import set_option
from fttm.meetings.models import Meeting
from tests import factories
from tests.helpers import demo_meeting_started, join_by_code, post_form, sign_in

CONTROLS = ("button", "summary", "a")
# The words of the controls every item, person or line of the board repeats.
REPEATED = (
    "Edit",
    "Delete",
    "Restore",
    "Make confidential",
    "Share with everyone",
    "Remove",
    "Change",
    "Take off the map",
    "← Move left",
    "Move right →",
    "Back to automatic place",
    "Restore, with their lines",
    "Let in",
    "Turn away",
)


class ControlReader(HTMLParser):
    """Each control's visible words and accessible name (its aria-label, else the words a
    screen reader reads in it: visually hidden ones too, aria-hidden ones not)."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[tuple[str, str]] = []  # (visible words, accessible name)
        self._open: list[tuple[str, str | None, list[str], list[str]]] = []
        self._spans: list[tuple[bool, bool]] = []  # per open span: (unseen, unheard)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Start collecting the words of a control; note a span hidden from eyes or ears."""
        found = dict(attrs)
        if tag == "span":
            unseen = "visually-hidden" in (found.get("class") or "")
            self._spans.append((unseen, found.get("aria-hidden") == "true"))
        if tag in CONTROLS:
            self._open.append((tag, found.get("aria-label"), [], []))

    def handle_endtag(self, tag: str) -> None:
        """A control ends: keep its visible words and its name."""
        if tag == "span" and self._spans:
            self._spans.pop()
        if self._open and self._open[-1][0] == tag:
            _tag, label, seen, heard = self._open.pop()
            visible = " ".join("".join(seen).split())
            self.controls.append((visible, label or " ".join("".join(heard).split())))

    def handle_data(self, data: str) -> None:
        """Words inside the open controls, as seen and as heard."""
        unseen = any(hidden for hidden, _ in self._spans)
        unheard = any(muted for _, muted in self._spans)
        for _tag, _label, seen, heard in self._open:
            if not unheard:
                heard.append(data)
            if not unseen:
                seen.append(data)


def controls_of(page: str) -> list[tuple[str, str]]:
    """(visible words, accessible name) of every button, summary and link on `page`."""
    reader = ControlReader()
    reader.feed(page)
    return reader.controls


@pytest.fixture
def demo(app):
    """The demo's review meeting, live, with Ana's phone in and Walt waiting to be let in."""
    seeded, meeting, facilitator = demo_meeting_started()
    ana = app.test_client()
    assert join_by_code(ana, meeting.join_code, "Ana", "parent")[0].status_code == 302
    set_option(facilitator, meeting, "admit_everyone", False)
    walt = app.test_client()
    assert join_by_code(walt, meeting.join_code, "Walt", "relative")[0].status_code == 302
    staff = app.test_client()
    login = seeded.logins[0]
    assert sign_in(staff, login.email, login.password).status_code == 302
    board = f"/meetings/{meeting.id}/board/"
    post_form(staff, f"{board}presenting", {"presenting": "0"}, form_page=board)
    return staff, ana, board


def _staff_board_names(staff, board: str) -> list[tuple[str, str]]:
    """The staff board's controls, with every family-map "Change" fold's form loaded."""
    page = staff.get(board).get_data(as_text=True)
    folds = re.findall(r'class="edit lazy-edit" hx-get="([^"]+)"', page)
    forms = "".join(
        staff.get(html.unescape(url), headers={"HX-Request": "true"}).get_data(as_text=True)
        for url in folds
    )
    return controls_of(page + forms)


def _repeated(controls: list[tuple[str, str]], *, places: int = 1) -> dict[str, int]:
    """Names of item controls that more than `places` controls share."""
    names = Counter(name for visible, name in controls if visible in REPEATED)
    return {name: times for name, times in names.items() if times > places}


def test_repeated_controls_on_the_staff_board_name_their_item(demo):
    """The facilitator's board: each Edit, Delete, Make confidential, Remove, Change… names
    its item ("Delete strength: Grandma Rosa picks…"); "Let in Walt" is offered twice, in the
    console's banner and in Who is here, and nothing else more than once."""
    staff, _ana, board = demo
    controls = _staff_board_names(staff, board)

    assert _repeated(controls, places=2) == {}
    assert _repeated(controls) == {"Let in Walt": 2, "Turn away Walt": 2}
    assert ("Delete", "Delete strength: Grandma Rosa picks the children up…") in controls


def test_each_name_starts_with_the_words_on_the_control(demo):
    """Label in name (WCAG 2.5.3): what is said to press a control is the start of its name."""
    staff, ana, board = demo
    controls = _staff_board_names(staff, board) + controls_of(ana.get(board).get_data(as_text=True))

    # Arrows and signs are not words: a minus sign is said "Zoom out", "← Move left" "Move left".
    said = [(v.strip("←→↑↓\u2212+ "), n) for v, n in controls]
    # A switch shows its state after its name ("… Off"): the state is not part of the name.
    mismatched = [
        (v, n)
        for v, n in said
        if v and not n.lower().startswith(v.lower()) and not v.startswith(n + " O")
    ]

    assert mismatched == []


def test_a_phone_s_controls_name_their_item(demo):
    """Ana's phone: Edit and Delete on the strengths and worries say which."""
    _staff, ana, board = demo

    assert _repeated(controls_of(ana.get(board).get_data(as_text=True))) == {}


def test_the_rating_spread_reads_in_words(demo):
    """Three phones rate 6, 7 and 7: a screen reader hears "Ratings so far: 6 (1 person),
    7 (2 people)", never the bars' digits ("0 1 … 6 1 7 2"), which are hidden from it."""
    _staff, ana, board = demo
    meeting = db.session.get(Meeting, int(board.strip("/").split("/")[1]))
    facilitator = db.session.get(User, meeting.created_by_user_id)
    host = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    for name, score in (("Rosa", "6"), ("Leo", "7"), ("Sam", "7")):
        rate_safety(factories.make_phone(host, name, "relative"), score)

    page = ana.get(board).get_data(as_text=True)
    section = page[page.index('id="section-safety_scale"') :]
    section = section[: section.index("</ol>")]

    assert "Ratings so far: 6 (1 person), 7 (2 people)" in section
    assert re.search(r'<ol class="spread"[^>]*aria-hidden="true"', section)


def test_admit_everyone_shows_its_state_and_the_join_code_is_spelled_out(demo):
    """ "Admit everyone with the code" says Off on the button for all to see (and is a toggle
    button, off, for a screen reader); the join code is spelled letter by letter for a screen
    reader in text it reads, not in an aria-label on a paragraph, which it ignores."""
    staff, _ana, board = demo
    page = staff.get(board).get_data(as_text=True)
    toggle = re.search(
        r'<button[^>]*aria-pressed="(\w+)"[^>]*>Admit everyone[^<]*(.*?)</button>', page
    )
    meeting = db.session.get(Meeting, int(board.strip("/").split("/")[1]))
    wall = staff.get(f"/meetings/{meeting.id}/wall/").get_data(as_text=True)
    code = meeting.join_code

    assert toggle and toggle.group(1) == "false"
    assert [v for v, _n in controls_of(toggle.group(0))] == ["Admit everyone with the code Off"]
    assert [n for _v, n in controls_of(toggle.group(0))] == ["Admit everyone with the code"]
    assert not re.search(r"<p[^>]*aria-label", page + wall)
    assert f'<p class="visually-hidden">{" ".join(join_codes.display(code))}</p>' in wall
