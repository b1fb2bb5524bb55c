"""A phone joins a meeting through the real pages: the form, the cookie, waiting, being let in."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from fttm.extensions import db
from fttm.joining import tokens
from fttm.meetings.commands import end_meeting, open_meeting, set_option
from fttm.meetings.models import Participant, ParticipantStatus
from tests import factories, helpers
from tests.helpers import count, field_error, join_by_code, select_options
from tests.live_meeting import LiveMeeting

ROLES = {
    "parent": "Parent",
    "young_person": "Youth",
    "relative": "Relative",
    "friend": "Friend or informal support",
    "service_provider": "Service provider",
    "tribal_representative": "Tribal or cultural representative",
    "other": "Other",
}


@pytest.fixture
def live(app, client, auth, facilitator):
    """A meeting of a fresh case, scheduled; the facilitator signed in on `client`."""
    auth.login(facilitator)
    meeting = LiveMeeting(app, client, facilitator)
    yield meeting
    meeting.close()


@pytest.fixture
def opened(live, facilitator):
    """The meeting, open for joining."""
    open_meeting(facilitator, live.meeting)
    return live


@pytest.fixture
def phone(app):
    """A phone's browser, with no account."""
    return app.test_client()


def _family_participants(meeting_id: int) -> list[Participant]:
    """The meeting's participants without an account, read fresh."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Participant).where(
                Participant.meeting_id == meeting_id, Participant.user_id.is_(None)
            )
        )
    )


def test_the_join_form_asks_for_a_name_and_a_role_and_names_nobody(opened, phone):
    """An open meeting's join page: a name and the profile's roles; nobody of the family map,
    who is chosen only once the phone is let in."""
    factories.make_person(opened.case.id, "Leo (age 9)")
    factories.make_person(opened.case.id, "Uncle Kept Apart", confidential=True)

    response = phone.get(f"/join/{opened.code}")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert re.search(r'<label[^>]*for="display_name"[^>]*>\s*Your name\s*</label>', page)
    assert re.search(r'<input[^>]*id="display_name"[^>]*name="display_name"', page)
    assert select_options(page, "role") == ROLES
    assert "person_id" not in page
    assert "Leo" not in page and "Uncle Kept Apart" not in page
    assert 'name="csrf_token"' in page


def test_joining_gives_the_phone_its_cookie_and_a_seat_in_the_waiting_room(opened, phone):
    """Maria joins: an HttpOnly, SameSite=Lax cookie; she waits to be let in, by name."""
    response, _token = join_by_code(phone, opened.code, "  Maria   Lopez ", "parent")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/join/{opened.code}/waiting"
    cookie = next(
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith(tokens.cookie_name(opened.id) + "=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    [maria] = _family_participants(opened.id)
    assert (maria.display_name, maria.role, maria.status) == (
        "Maria Lopez",
        "parent",
        ParticipantStatus.WAITING,
    )
    waiting = phone.get(f"/join/{opened.code}/waiting")
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 200
    assert "Hello, Maria Lopez" in page
    assert "The facilitator will let you in shortly" in page
    assert f'hx-get="/join/{opened.code}/waiting"' in page
    board = phone.get(f"/meetings/{opened.id}/board/")
    assert (board.status_code, board.headers["Location"]) == (302, f"/join/{opened.code}/waiting")


def test_a_person_sent_with_the_join_form_is_ignored(opened, phone):
    """A phone cannot claim someone of the family map before it is let in, even by posting an id."""
    leo = factories.make_person(opened.case.id, "Leo (age 9)")

    response, _token = join_by_code(phone, opened.code, "Leo", "young_person", person_id=leo.id)

    assert response.status_code == 302
    [participant] = _family_participants(opened.id)
    assert (participant.role, participant.person_id) == ("young_person", None)


def test_with_admit_everyone_the_phone_lands_on_the_board(opened, facilitator, phone):
    """When the facilitator lets everyone with the code in, a phone goes straight to the board."""
    set_option(facilitator, opened.meeting, "admit_everyone", True)

    response, _token = join_by_code(phone, opened.code, "Nan", "relative")
    landed = phone.get(response.headers["Location"], follow_redirects=True)

    assert landed.request.path == f"/meetings/{opened.id}/board/"
    assert landed.status_code == 200
    assert "audience-family" in landed.get_data(as_text=True)
    [nan] = _family_participants(opened.id)
    assert nan.status == ParticipantStatus.ADMITTED


def test_a_reload_keeps_the_same_participant(opened, phone):
    """Reloading the join page, or sending the form twice, keeps one participant for the phone."""
    first, token = join_by_code(phone, opened.code, "Maria", "parent")
    assert first.status_code == 302
    cookie = phone.get_cookie(tokens.cookie_name(opened.id)).value

    reload = phone.get(f"/join/{opened.code}")
    resent = phone.post(
        f"/join/{opened.code}",
        data={"csrf_token": token, "display_name": "Maria", "role": "parent", "person_id": ""},
    )
    waiting = phone.get(f"/join/{opened.code}/waiting")

    assert reload.status_code == 302
    assert reload.headers["Location"] == f"/join/{opened.code}/waiting"
    assert resent.status_code == 302
    assert resent.headers["Location"] == f"/join/{opened.code}/waiting"
    assert "Hello, Maria" in waiting.get_data(as_text=True)
    assert len(_family_participants(opened.id)) == 1
    assert phone.get_cookie(tokens.cookie_name(opened.id)).value == cookie


def test_the_waiting_page_moves_on_by_itself_once_the_phone_is_let_in(opened, phone):
    """The waiting room's poll answers with its fragment; once admitted, a redirect to the board."""
    join_by_code(phone, opened.code, "Maria", "parent")
    poll = {"HX-Request": "true"}

    still_waiting = phone.get(f"/join/{opened.code}/waiting", headers=poll)
    opened.staff_arrives()
    [maria] = _family_participants(opened.id)
    admitted = opened.staff.post(f"/meetings/{opened.id}/participants/{maria.id}/admit")
    let_in = phone.get(f"/join/{opened.code}/waiting", headers=poll)

    assert still_waiting.status_code == 200
    assert "<html" not in still_waiting.get_data(as_text=True)
    assert "let you in shortly" in still_waiting.get_data(as_text=True)
    assert "HX-Redirect" not in still_waiting.headers
    assert admitted.status_code == 200
    assert let_in.status_code == 204
    assert let_in.headers["HX-Redirect"] == f"/meetings/{opened.id}/board/"
    assert phone.get(f"/meetings/{opened.id}/board/").status_code == 200


@pytest.mark.parametrize(
    ("name", "role", "field", "message"),
    [
        ("", "parent", "display_name", "Enter the name the others will see"),
        ("   ", "parent", "display_name", "Enter the name the others will see"),
        ("M" * 61, "parent", "display_name", "Use at most 60 characters."),
        ("Maria", "banana", "role", "Choose who you are in this meeting."),
        ("Maria", "", "role", "Choose who you are in this meeting."),
        ("Maria", "staff", "role", "Choose who you are in this meeting."),
    ],
)
def test_a_join_form_that_is_not_right_is_explained_and_saves_nothing(
    opened, phone, name, role, field, message
):
    """Each problem is shown next to its field; no participant, no cookie."""
    before = helpers.footprint(opened.case.id)

    response, _token = join_by_code(phone, opened.code, name, role)
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert message in field_error(page, field)
    assert "There is a problem" in page
    assert helpers.footprint(opened.case.id) == before
    assert phone.get_cookie(tokens.cookie_name(opened.id)) is None


def test_sixty_characters_are_enough_for_a_name(opened, phone):
    """The longest name allowed joins."""
    response, _token = join_by_code(phone, opened.code, "M" * 60, "parent")

    assert response.status_code == 302
    assert [p.display_name for p in _family_participants(opened.id)] == ["M" * 60]


def test_a_scheduled_meeting_cannot_be_joined_yet(live, phone):
    """Before the facilitator opens it: a message, no form, and a sent form saves nothing."""
    page = phone.get(f"/join/{live.code}").get_data(as_text=True)
    token = helpers.page_csrf(page)
    sent = phone.post(
        f"/join/{live.code}",
        data={"csrf_token": token, "display_name": "Maria", "role": "parent"},
    )

    assert "hasn't opened yet" in html.unescape(page)
    assert 'name="display_name"' not in page
    assert 'name="display_name"' not in sent.get_data(as_text=True)
    assert _family_participants(live.id) == []
    assert phone.get_cookie(tokens.cookie_name(live.id)) is None


def test_an_ended_meeting_cannot_be_joined(opened, facilitator, phone):
    """After the meeting its code opens nothing: a stranger is told no meeting has it."""
    end_meeting(facilitator, opened.meeting)

    response = phone.get(f"/join/{opened.code}")
    page = response.get_data(as_text=True)

    assert response.status_code == 404
    assert "No meeting has this code" in page
    assert 'name="display_name"' not in page


def test_after_the_meeting_its_link_takes_an_admitted_phone_to_the_board(opened, phone):
    """Someone who was in the meeting opens the join link again afterwards: their board, where
    they can answer the plan, not "no meeting has this code"."""
    join_by_code(phone, opened.code, "Maria", "parent")
    opened.staff_arrives()
    [maria] = _family_participants(opened.id)
    assert (
        opened.staff.post(f"/meetings/{opened.id}/participants/{maria.id}/admit").status_code == 200
    )
    end_meeting(opened.facilitator, opened.meeting)

    response = phone.get(f"/join/{opened.code}")

    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"/meetings/{opened.id}/board/",
    )


def test_joining_without_the_forms_security_token_saves_nothing(opened, phone):
    """A join form posted without its CSRF token (say, from another site) is refused."""
    phone.get(f"/join/{opened.code}")
    before = helpers.footprint(opened.case.id)

    response = phone.post(
        f"/join/{opened.code}", data={"display_name": "Maria", "role": "parent", "person_id": ""}
    )

    assert response.status_code == 400
    assert helpers.footprint(opened.case.id) == before
    assert count(Participant, meeting_id=opened.id) == 0
    assert phone.get_cookie(tokens.cookie_name(opened.id)) is None
