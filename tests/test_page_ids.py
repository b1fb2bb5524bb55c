"""Every id on a page is used once, and every reference to an id finds it: a second element with
the same id takes its label from the first, and a label pointing at nothing names nothing. The
demo family's pages, as the facilitator, a family phone and the supervisor see them.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from fttm.extensions import db
from fttm.meetings.commands import set_option
from fttm.meetings.models import Meeting, MeetingStatus
from tests.helpers import demo_meeting_started, join_by_code, post_form, sign_in

# Attributes that name other elements by id, each a space-separated list.
REFERENCES = ("for", "aria-labelledby", "aria-describedby", "aria-controls", "list", "form")


class IdReader(HTMLParser):
    """The ids a page defines and the ids its attributes point at."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.pointed: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Count the tag's id; note the ids it refers to."""
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1
            elif name in REFERENCES and value and not (tag == "button" and name == "form"):
                self.pointed += [(f"<{tag} {name}>", target) for target in value.split()]


def id_problems(page: str) -> list[str]:
    """Duplicate ids, and references to ids that are not on the page."""
    reader = IdReader()
    reader.feed(page)
    problems = [f"id {key!r} x{times}" for key, times in reader.ids.items() if times > 1]
    problems += [
        f"{where} → missing {target!r}"
        for where, target in reader.pointed
        if target not in reader.ids
    ]
    return problems


@pytest.fixture
def demo(app):
    """The demo, its review meeting live (everyone with the code let in), and its past meeting."""
    seeded, upcoming, facilitator = demo_meeting_started()
    ana = app.test_client()
    assert join_by_code(ana, upcoming.join_code, "Ana", "parent")[0].status_code == 302
    set_option(facilitator, upcoming, "admit_everyone", False)
    walt = app.test_client()  # waits to be let in: the console's banner and Who is here
    assert join_by_code(walt, upcoming.join_code, "Walt", "relative")[0].status_code == 302
    past = db.session.scalar(
        sa.select(Meeting).where(
            Meeting.case_id == upcoming.case_id, Meeting.status == MeetingStatus.ENDED
        )
    )
    return seeded, upcoming, past, ana, walt


def _get_ok(browser, path: str, *, fragment: bool = False) -> str:
    """The page at `path`, which must answer 200; with `fragment`, as htmx asks for it."""
    page = browser.get(path, headers={"HX-Request": "true"} if fragment else {})
    assert page.status_code == 200, path
    return page.get_data(as_text=True)


def test_staff_pages_have_unique_ids_and_no_broken_references(app, demo):
    """The facilitator's console (presenting and staff view), the wall, the case, the dashboard,
    the past meeting's transcript and plan version: no id twice, no label pointing at nothing.
    """
    seeded, live, past, _ana, _walt = demo
    staff = app.test_client()
    login = seeded.logins[0]
    assert sign_in(staff, login.email, login.password).status_code == 302
    board = f"/meetings/{live.id}/board/"
    pages = {"console presenting": _get_ok(staff, board)}
    post_form(staff, f"{board}presenting", {"presenting": "0"}, form_page=board)
    pages["staff board"] = _get_ok(staff, board)
    # Every "Change" fold of the family map opened at once: its forms come into the same page.
    folds = re.findall(r'class="edit lazy-edit" hx-get="([^"]+)"', pages["staff board"])
    assert folds
    opened = "".join(_get_ok(staff, html.unescape(url), fragment=True) for url in folds)
    pages["staff board, every fold open"] = pages["staff board"] + opened
    for name, path in {
        "wall": f"/meetings/{live.id}/wall/",
        "case": f"/cases/{live.case_id}",
        "dashboard": "/dashboard",
        "cases": "/cases/",
        "meeting": f"/meetings/{live.id}",
        "ended board": f"/meetings/{past.id}/board/",
        "transcript": f"/meetings/{past.id}/transcript",
        "plan version": f"/meetings/{past.id}/plan",
        "review queue": "/reviews",
        "fidelity": f"/meetings/{past.id}/fidelity",
    }.items():
        pages[name] = _get_ok(staff, path)

    problems = {name: id_problems(html) for name, html in pages.items()}

    assert {name: found for name, found in problems.items() if found} == {}


def test_a_phone_s_pages_have_unique_ids_and_no_broken_references(app, demo):
    """The join page, Walt's waiting room and Ana's phone's board in the live meeting: no id
    twice, nothing unnamed."""
    _seeded, live, _past, ana, walt = demo
    pages = {
        "join": _get_ok(app.test_client(), f"/join/{live.join_code}"),
        "waiting room": _get_ok(walt, f"/join/{live.join_code}/waiting"),
        "phone board": _get_ok(ana, f"/meetings/{live.id}/board/"),
    }

    problems = {name: id_problems(html) for name, html in pages.items()}

    assert {name: found for name, found in problems.items() if found} == {}
