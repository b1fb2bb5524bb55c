"""Where phones arrive: typing a meeting code, or opening a join link, without an account."""

from __future__ import annotations

import html
import re

import pytest

from fttm.extensions import db
from fttm.meetings.models import MeetingStatus
from tests import factories

FAMILY, NUMBER, PLACE = "Zubrowski", "MI-7734-QX", "14 Elm Street, Flat 3"


@pytest.fixture
def meeting(facilitator):
    """A scheduled meeting of a case whose details must stay with staff."""
    case = factories.make_case(facilitator, family_name=FAMILY, case_number=NUMBER)
    return factories.make_meeting(facilitator, case, location=PLACE)


def _error(page: str) -> str:
    """The message shown next to the code field, or "" if there is none."""
    match = re.search(r'<p class="error" id="code-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else ""


def _reveals_nothing_about_the_case(page: str) -> None:
    """Assert that a page a phone sees names neither the family, the case nor the place."""
    for secret in (FAMILY, NUMBER, PLACE, "14 Elm", "Fran Facilitator", "North Team"):
        assert secret.lower() not in page.lower(), f"{secret!r} shown to a phone"


def test_the_join_page_asks_for_the_code(client):
    """/join/ offers one labelled field for the code, and no error before anything is typed."""
    response = client.get("/join/")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert re.search(r'<label[^>]*for="code"[^>]*>\s*Meeting code\s*</label>', page)
    assert re.search(r'<input[^>]*id="code"[^>]*name="code"', page)
    assert _error(page) == ""


@pytest.mark.parametrize("typed", ["ace 347", "ACE-347", " ace347 "])
def test_a_typed_code_leads_to_its_meeting_page(client, typed):
    """However the code was typed, the phone goes to the meeting's page at its canonical path."""
    response = client.get("/join/", query_string={"code": typed})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/join/ACE347")


@pytest.mark.parametrize("typed", ["", "ace34", "ACE3477", "ACE 34O", "hello!"])
def test_a_code_of_the_wrong_shape_is_explained(client, typed):
    """Something that cannot be a code is refused with a message saying what a code looks like."""
    response = client.get("/join/", query_string={"code": typed})

    assert response.status_code == 400
    assert "6 letters and digits" in _error(response.get_data(as_text=True))


@pytest.mark.parametrize("shown", ["{code}", "{lower}", "NOT-A-CODE"])
def test_an_unknown_code_is_not_found(client, meeting, shown):
    """A code no meeting has gives a 404 that asks to check it with the facilitator."""
    unknown = "ACE347" if meeting.join_code != "ACE347" else "FGH679"

    response = client.get("/join/" + shown.format(code=unknown, lower=unknown.lower()))

    assert response.status_code == 404
    assert "No meeting has this code" in _error(response.get_data(as_text=True))


def test_a_scheduled_meeting_says_it_has_not_opened_and_reveals_nothing(client, meeting):
    """A phone holding only the code learns the meeting is not open yet, and nothing else."""
    code = meeting.join_code

    response = client.get(f"/join/{code}")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "hasn't opened yet" in html.unescape(page)
    assert f"{code[:3]} {code[3:]}" in page
    _reveals_nothing_about_the_case(page)


def test_the_code_in_the_link_may_be_typed_in_lower_case(client, meeting):
    """A join link typed by hand in lower case still finds the meeting."""
    response = client.get(f"/join/{meeting.join_code.lower()}")

    assert response.status_code == 200
    assert "hasn't opened yet" in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.ENDED])
def test_a_cancelled_or_ended_meetings_code_is_like_an_unknown_one(client, meeting, status):
    """Once a meeting is cancelled or over, its code opens nothing to a stranger: the answer is
    that of a code no meeting has (tests/security/test_joining.py compares them byte for byte)."""
    meeting.status = status
    db.session.commit()

    response = client.get(f"/join/{meeting.join_code}")
    page = response.get_data(as_text=True)

    assert response.status_code == 404
    assert "No meeting has this code" in _error(page)
    assert "cancelled" not in page and "ended" not in page
    _reveals_nothing_about_the_case(page)
