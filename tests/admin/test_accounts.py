"""Admins create teams and staff accounts, edit them, and are refused with clear messages."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from fttm.auth.models import Role, Team, User
from fttm.extensions import db
from tests import factories
from tests.helpers import count, post_form, user_with_email

NEW_PASSWORD = "copper violin harbour tulip 58"


@pytest.fixture
def admin_client(client, auth, admin):
    """A client signed in as the admin."""
    auth.login(admin)
    return client


def _field_error(response, field_id: str) -> str:
    """The error shown next to one field, tied to its control for screen readers ("" if none)."""
    body = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', body, re.S)
    if not error:
        return ""
    control = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', body)
    assert control, f"no control with id {field_id}"
    assert f"{field_id}-error" in control.group(0) and 'aria-invalid="true"' in control.group(0)
    return html.unescape(error.group(1))


def _new_user(client, **overrides):
    """Submit the "create an account" form."""
    data = {
        "name": "Rosa Lee",
        "email": "rosa.lee@agency.example",
        "role": "facilitator",
        "team_id": "",
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return post_form(client, "/admin/users/new", data)


def _edit_user(client, user: User, **overrides):
    """Submit the edit form of `user`, starting from the values it shows now."""
    data = {
        "name": user.name,
        "email": user.email,
        "role": str(user.role),
        "team_id": str(user.team_id or ""),
        "active": "y",
        "password": "",
    }
    data.update(overrides)
    return post_form(
        client, f"/admin/users/{user.id}", {k: v for k, v in data.items() if v is not None}
    )


def _signed_in(client) -> bool:
    """Whether the client is still signed in (the home page does not send it to sign in)."""
    return not client.get("/").headers["Location"].startswith("/login")


def test_admin_creates_a_team(admin_client):
    """A new team appears on the accounts page and can be chosen for accounts."""
    response = post_form(
        admin_client,
        "/admin/teams",
        {"name": "  Riverside   Team "},
        form_page="/admin/users",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Team Riverside Team created." in response.get_data(as_text=True)
    team = db.session.scalar(sa.select(Team).where(Team.name == "Riverside Team"))
    assert team is not None
    form = admin_client.get("/admin/users/new").get_data(as_text=True)
    assert f'<option value="{team.id}">Riverside Team</option>' in form


def test_a_team_name_is_used_once_whatever_its_case(admin_client, team):
    """A second "north team" is refused with a message, and no team is added."""
    before = count(Team)
    response = post_form(
        admin_client,
        "/admin/teams",
        {"name": "NORTH team"},
        form_page="/admin/users",
        follow_redirects=True,
    )
    assert "There is already a team with this name." in response.get_data(as_text=True)
    assert count(Team) == before


def test_admin_creates_a_facilitator_who_can_sign_in(app, admin_client, team):
    """The account is created with its role and team, and its password works."""
    response = _new_user(admin_client, email="Rosa.Lee@Agency.example", team_id=str(team.id))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    rosa = user_with_email("rosa.lee@agency.example")
    assert rosa.name == "Rosa Lee" and rosa.role == Role.FACILITATOR and rosa.team_id == team.id
    assert rosa.active
    listing = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Account created for Rosa Lee." in listing
    assert "rosa.lee@<wbr>agency.example" in listing  # free to wrap after its @ on a narrow screen
    rosa_client = app.test_client()
    signed_in = post_form(
        rosa_client, "/login", {"email": "rosa.lee@agency.example", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_admin_creates_another_admin_without_a_team(admin_client):
    """Admins need no team."""
    assert _new_user(admin_client, role="admin").status_code == 302
    assert user_with_email("rosa.lee@agency.example").role == Role.ADMIN


def test_duplicate_email_is_refused_next_to_the_field(admin_client, team, facilitator):
    """An address already in use (whatever its capitals) is named at the email field."""
    before = count(User)
    response = _new_user(admin_client, email=facilitator.email.upper(), team_id=str(team.id))
    assert response.status_code == 400
    assert _field_error(response, "email") == (
        "There is already an account with this email address."
    )
    assert count(User) == before


def test_weak_password_is_refused_next_to_the_field(admin_client, team):
    """A short or guessable password is refused, saying why, and no account is made."""
    before = count(User)
    for password, why in (
        ("short", "at least 12 characters"),
        ("password1234", "too easy to guess"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
    ):
        response = _new_user(admin_client, team_id=str(team.id), password=password)
        assert response.status_code == 400
        assert why in _field_error(response, "password")
    assert count(User) == before


@pytest.mark.parametrize(
    "password",
    ["rosa.lee@agency.example", "Rosa Lee 2024", "rosaleerosalee", "leerosa.agency.example"],
)
def test_a_password_made_of_the_persons_own_email_or_name_is_refused(admin_client, team, password):
    """Someone who knows a colleague's email or name cannot guess their password from it."""
    before = count(User)
    response = _new_user(admin_client, team_id=str(team.id), password=password)
    assert response.status_code == 400
    assert _field_error(response, "password") == (
        "Don't build the password from your name or email address."
    )
    assert count(User) == before


def test_a_strong_password_that_mentions_a_name_part_is_still_accepted(admin_client, team):
    """Sharing three letters with one's name does not make a long passphrase weak."""
    response = _new_user(admin_client, team_id=str(team.id), password="lee " + NEW_PASSWORD)
    assert response.status_code == 302


def test_facilitator_without_a_team_is_refused(admin_client):
    """Facilitators and supervisors belong to a team; the team field says so."""
    before = count(User)
    for role in ("facilitator", "supervisor"):
        response = _new_user(admin_client, role=role, team_id="")
        assert response.status_code == 400
        assert _field_error(response, "team_id") == (
            "Facilitators and supervisors belong to a team."
        )
    assert count(User) == before


def test_every_problem_is_listed_at_once(admin_client, facilitator):
    """A form with several mistakes shows each of them, and saves nothing."""
    before = count(User)
    response = _new_user(
        admin_client, name="", email="not-an-email", role="wizard", password="short"
    )
    assert response.status_code == 400
    assert _field_error(response, "name") == "Enter a name of at most 120 characters."
    assert _field_error(response, "email") == "Enter a valid email address."
    assert _field_error(response, "role")
    assert _field_error(response, "password") == "Use at least 12 characters."
    assert "There is a problem" in response.get_data(as_text=True)
    assert count(User) == before


def test_admin_edits_role_team_and_status(app, admin_client, team, facilitator):
    """Promoting, moving and disabling a user saves, and ends the user's open session."""
    south = factories.make_team("South Team")
    desk = app.test_client()
    post_form(desk, "/login", {"email": facilitator.email, "password": factories.PASSWORD})
    assert _signed_in(desk)
    response = _edit_user(
        admin_client, facilitator, role="supervisor", team_id=str(south.id), active=None
    )
    assert response.status_code == 302
    edited = user_with_email(facilitator.email)
    assert edited.role == Role.SUPERVISOR and edited.team_id == south.id
    assert not edited.active
    assert not _signed_in(desk)
    response = _edit_user(admin_client, edited, active="y")
    assert response.status_code == 302
    assert user_with_email(facilitator.email).active
    assert not _signed_in(desk), "re-enabling an account must not revive its old sessions"


def test_admin_sets_a_new_password(app, admin_client, facilitator):
    """The new password works, the old one does not, and old sessions end."""
    desk = app.test_client()
    post_form(desk, "/login", {"email": facilitator.email, "password": factories.PASSWORD})
    assert _edit_user(admin_client, facilitator, password=NEW_PASSWORD).status_code == 302
    assert not _signed_in(desk)
    edited = user_with_email(facilitator.email)
    assert edited.check_password(NEW_PASSWORD) and not edited.check_password(factories.PASSWORD)


def test_leaving_the_password_empty_keeps_it(admin_client, facilitator):
    """Editing a name does not touch the password."""
    assert _edit_user(admin_client, facilitator, name="Frances Facilitator").status_code == 302
    edited = user_with_email(facilitator.email)
    assert edited.name == "Frances Facilitator"
    assert edited.check_password(factories.PASSWORD)


def test_admin_cannot_disable_themselves(admin_client, admin):
    """The last admin cannot lock everyone out by accident; the page says who can help."""
    response = _edit_user(admin_client, admin, active=None)
    assert response.status_code == 400
    assert "You cannot disable your own account" in _field_error(response, "active")
    assert user_with_email(admin.email).active
    assert _signed_in(admin_client)


def test_admin_cannot_remove_their_own_admin_role(admin_client, admin, team):
    """Demoting oneself is refused like disabling oneself."""
    response = _edit_user(admin_client, admin, role="facilitator", team_id=str(team.id))
    assert response.status_code == 400
    assert user_with_email(admin.email).role == Role.ADMIN


def test_refused_edit_saves_nothing(admin_client, team, facilitator, supervisor):
    """A refused edit leaves every field as it was, not just the one at fault."""
    response = _edit_user(
        admin_client, facilitator, name="Changed Name", role="supervisor", email=supervisor.email
    )
    assert response.status_code == 400
    assert _field_error(response, "email") == (
        "There is already an account with this email address."
    )
    unchanged = user_with_email(facilitator.email)
    assert unchanged.name == "Fran Facilitator" and unchanged.role == Role.FACILITATOR
    response = _edit_user(admin_client, unchanged, name="Changed Name", password="short")
    assert response.status_code == 400
    unchanged = user_with_email(facilitator.email)
    assert unchanged.name == "Fran Facilitator"
    assert unchanged.check_password(factories.PASSWORD)


def test_unknown_account_is_404(admin_client):
    """Editing an account that does not exist is a plain "page not found"."""
    assert admin_client.get("/admin/users/987654").status_code == 404


def test_account_form_without_csrf_token_creates_nothing(admin_client, team):
    """A forged form from another site cannot create an account."""
    before = count(User)
    response = admin_client.post(
        "/admin/users/new",
        data={
            "name": "Mallory",
            "email": "mallory@evil.example",
            "role": "admin",
            "team_id": "",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert count(User) == before
