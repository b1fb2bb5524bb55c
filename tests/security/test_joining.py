"""Joining a meeting, tried as an attacker would: guessing codes, reading the family's names
before being let in, and keeping a phone's token long after the meeting.

Each test failed on the code before the fix (see the report of issue 12):
- guessing: twenty wrong codes from one address all answered 404, none 429;
- ended or cancelled codes: 200 "This meeting has ended." / "was cancelled" instead of 404;
- names: the join form listed every shared person of the family map to anyone with the code;
- token life: a phone read the board and the family copy 31 days after the meeting;
- removal after the meeting: the ended board offered staff no "Remove" for a phone.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from fttm.extensions import db
from fttm.family_map.models import Person
from fttm.joining.commands import admit, join_as_staff
from fttm.meetings.commands import cancel_meeting, end_meeting, open_meeting, start_meeting
from fttm.meetings.models import Meeting, ParticipantStatus
from fttm.timestamps import utcnow
from tests import factories
from tests.helpers import join_by_code, participant_named, wrong_codes

# Every name of the family: the case's, the family map's (shared and confidential), none of which
# a phone may read before the facilitator lets it in.
FAMILY_NAME = "Quintavalle"
SHARED = ("Leocadio Brightwater", "Rosalind Okonkwo-Hale")
CONFIDENTIAL = "Uncle Thaddeus Kept-Apart"
CSRF = re.compile(r"""("X-CSRFToken": "|name="csrf_token"[^>]*value=")[^"]+""")


def _meeting(facilitator, *, status: str = "open") -> Meeting:
    """A meeting of a case whose family map has people, open for joining (or as asked)."""
    case = factories.make_case(facilitator, family_name=FAMILY_NAME)
    for name in SHARED:
        db.session.add(Person(case_id=case.id, name=name))
    db.session.add(Person(case_id=case.id, name=CONFIDENTIAL, confidential=True))
    db.session.commit()
    meeting = factories.make_meeting(facilitator, case)
    if status == "cancelled":
        return cancel_meeting(facilitator, meeting)
    open_meeting(facilitator, meeting)
    if status == "ended":
        start_meeting(facilitator, meeting)
        end_meeting(facilitator, meeting)
    return meeting


def _without_csrf(body: str) -> str:
    """A page with its CSRF tokens blanked: they differ on every page by design."""
    return CSRF.sub(r"\1", body)


def test_guessing_join_codes_is_cut_off_after_a_handful_of_wrong_codes(app, facilitator):
    """Wrong codes from one address: a few are answered, then 429 and a clear wait, whatever code
    comes next, on the code link and on /join; another address is not held up."""
    meeting = _meeting(facilitator)
    guesser = app.test_client()

    answers = [guesser.get(f"/join/{code}").status_code for code in wrong_codes(20)]

    assert 429 in answers, f"twenty wrong codes from one address, none refused: {answers}"
    first = answers.index(429)
    assert 3 <= first <= 10, f"refused after {first} wrong codes: not a handful"
    assert set(answers[:first]) == {404} and set(answers[first:]) == {429}
    link = guesser.get(f"/join/{meeting.join_code}")
    typed = guesser.get("/join/", query_string={"code": meeting.join_code}, follow_redirects=True)
    for response in (link, typed):
        page = response.get_data(as_text=True)
        assert response.status_code == 429
        assert "Too many tries. Wait 15 minutes, then try again." in page
        assert 'name="display_name"' not in page
        assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert elsewhere.get(f"/join/{meeting.join_code}").status_code == 200


@pytest.mark.parametrize("status", ["ended", "cancelled"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_code_of_an_ended_or_cancelled_meeting_answers_like_a_wrong_code(
    app, facilitator, status, method
):
    """Status and page are those of a code no meeting has: the code tells a stranger nothing."""
    meeting = _meeting(facilitator, status=status)
    [wrong] = wrong_codes(1, other_than=meeting.join_code)

    def answer(code: str):
        browser = app.test_client()
        token = re.search(r'"X-CSRFToken": "([^"]+)"', browser.get("/join/").get_data(as_text=True))
        form = {"display_name": "Maria", "role": "parent", "csrf_token": token[1]}
        response = browser.open(f"/join/{code}", method=method, data=form)
        return response.status_code, _without_csrf(response.get_data(as_text=True))

    assert answer(meeting.join_code) == answer(wrong)
    assert answer(meeting.join_code)[0] == 404


def test_no_name_of_the_family_reaches_a_phone_before_it_is_let_in(app, facilitator):
    """Every byte a phone receives on its way in (the code page, the join page, its mistakes, the
    waiting room and its poll, the board it may not open yet) names nobody of the family."""
    meeting = _meeting(facilitator)
    phone = app.test_client()
    code = meeting.join_code
    people = db.session.query(Person).filter_by(case_id=meeting.case_id).all()
    answers = [
        phone.get("/join/"),
        phone.get("/join/", query_string={"code": code}, follow_redirects=True),
        phone.get(f"/join/{code.lower()}"),
        join_by_code(phone, code, "", "parent")[0],
        join_by_code(phone, code, "Maria", "parent", person_id=str(people[0].id))[0],
        phone.get(f"/join/{code}/waiting"),
        phone.get(f"/join/{code}/waiting", headers={"HX-Request": "true"}),
        phone.get(f"/join/{code}"),
        phone.get(f"/meetings/{meeting.id}/board/"),
        phone.get(f"/meetings/{meeting.id}/board/sections/participants"),
    ]

    assert participant_named(meeting.id, "Maria").status == ParticipantStatus.WAITING
    assert participant_named(meeting.id, "Maria").person_id is None
    for response in answers:
        sent = response.get_data(as_text=True) + str(response.headers)
        for name in (FAMILY_NAME, *SHARED, CONFIDENTIAL):
            for word in name.split():
                assert word not in sent, f"{word!r} sent to a waiting phone by {response.request}"


def _admitted_phone(app, facilitator):
    """An ended meeting, and the phone of Maria who joined it by code and was let in."""
    meeting = _meeting(facilitator)
    phone = app.test_client()
    join_by_code(phone, meeting.join_code, "Maria", "parent")
    staff = join_as_staff(facilitator, meeting)
    admit(staff, participant_named(meeting.id, "Maria"))
    start_meeting(facilitator, meeting)
    end_meeting(facilitator, meeting)
    return meeting, phone


def _pages(meeting: Meeting) -> tuple[str, ...]:
    """What an admitted phone opens after the meeting: the board, the agreement, the family copy."""
    return (
        f"/meetings/{meeting.id}/board/",
        f"/meetings/{meeting.id}/board/agreement",
        f"/meetings/{meeting.id}/plan/family",
    )


def _answers(browser, paths) -> list[tuple[int, str]]:
    """Status and page (CSRF tokens blanked) that `browser` gets for each path."""
    return [
        (r.status_code, _without_csrf(r.get_data(as_text=True))) for r in map(browser.get, paths)
    ]


def test_a_phone_token_ends_with_the_familys_time_to_answer_after_the_meeting(app, facilitator):
    """The profile gives the family 30 days after the meeting (MiTEAM): on day 29 Maria's phone
    still opens the board, the agreement and the family copy; on day 31 it gets a stranger's 404."""
    meeting, phone = _admitted_phone(app, facilitator)
    ended = meeting.ended_at

    meeting.ended_at = ended - timedelta(days=29)
    db.session.commit()
    assert [phone.get(path).status_code for path in _pages(meeting)] == [200, 200, 200]

    meeting.ended_at = ended - timedelta(days=31)
    db.session.commit()
    answers = _answers(phone, _pages(meeting))
    assert answers == _answers(app.test_client(), _pages(meeting))
    assert {status for status, _page in answers} == {404}
    assert meeting.ended_at < utcnow() - timedelta(days=30)


def test_removing_a_phone_after_the_meeting_revokes_its_token_at_once(
    app, client, auth, facilitator
):
    """The facilitator removes Maria from an ended meeting on the board: from that moment her
    phone opens nothing, as a stranger's."""
    meeting, phone = _admitted_phone(app, facilitator)
    maria = participant_named(meeting.id, "Maria")
    assert [phone.get(path).status_code for path in _pages(meeting)] == [200, 200, 200]
    auth.login(facilitator)

    board = client.get(f"/meetings/{meeting.id}/board/").get_data(as_text=True)
    remove = f"/meetings/{meeting.id}/participants/{maria.id}/remove"
    assert f'hx-post="{remove}"' in board, "the ended board offers no way to remove Maria"
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', board)[1]
    removed = client.post(remove, headers={"X-CSRFToken": csrf, "HX-Request": "true"})

    assert removed.status_code == 200
    answers = _answers(phone, _pages(meeting))
    strangers = _answers(app.test_client(), _pages(meeting))
    assert [status for status, _page in answers] == [status for status, _page in strangers]
    # The board tells her plainly that she was removed, and shows nothing else a stranger's
    # "not found" would not; the other pages are a stranger's.
    board, stranger_board = answers[0][1], strangers[0][1]
    assert "The facilitator removed you from this meeting" in board
    assert "Maria" not in board and meeting.case.family_name not in board
    assert "The facilitator removed you" not in stranger_board
    assert answers[1:] == strangers[1:]
    assert participant_named(meeting.id, "Maria").status == ParticipantStatus.REMOVED
