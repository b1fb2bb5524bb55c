"""Signing in and out: where people land, what failures say, lockouts, sessions and cookies."""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from fttm.auth import throttle
from fttm.auth.models import FailedLogin
from fttm.extensions import db
from fttm.timestamps import utcnow
from tests import factories
from tests.conftest import csrf_token, post_form

NO_MATCH = "That email and password do not match an account."
LOCKED = "Too many failed sign-in attempts"
DISABLED = "This account has been disabled"
ERROR_SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)


def _sign_in(
    client, email: str, password: str = factories.PASSWORD, *, path: str = "/login", **kwargs
):
    """Post the real sign-in form."""
    return post_form(
        client, path, {"email": email, "password": password}, form_page="/login", **kwargs
    )


def _signed_in(client) -> bool:
    """Whether the client's session opens a page that needs a signed-in caseworker."""
    response = client.get("/cases/")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


def _error_summary(response) -> str:
    """The "There is a problem" box of a form page."""
    match = ERROR_SUMMARY.search(response.get_data(as_text=True))
    assert match, "no error summary on the page"
    return match.group(0)


def _failures() -> int:
    """How many failed sign-ins are on record."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(FailedLogin))


def test_facilitator_signs_in_and_lands_on_the_case_list(client, facilitator):
    """A caseworker starts at their team's cases."""
    response = _sign_in(client, facilitator.email, follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/cases/"
    assert "Your team's cases" in html.unescape(response.get_data(as_text=True))


def test_admin_signs_in_and_lands_on_the_accounts(client, admin):
    """An admin starts at the staff accounts."""
    response = _sign_in(client, admin.email, follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/admin/users"


def test_email_is_matched_whatever_its_case(client, facilitator):
    """People type their address with capitals and spaces; it still signs them in."""
    response = _sign_in(client, f"  {facilitator.email.upper()} ")
    assert response.status_code == 302
    assert _signed_in(client)


def test_signing_in_records_when(client, facilitator):
    """Admins can see when an account was last used."""
    before = utcnow()
    _sign_in(client, facilitator.email)
    db.session.expire_all()
    assert facilitator.last_login_at is not None and facilitator.last_login_at >= before


def test_wrong_password_is_refused_without_a_session(client, facilitator):
    """A wrong password gets 401, a plain message, and no session."""
    response = _sign_in(client, facilitator.email, "not the right password at all")
    assert response.status_code == 401
    assert NO_MATCH in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert _failures() == 1


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, facilitator):
    """Nobody can find out which email addresses have an account."""
    wrong_password = _sign_in(client, facilitator.email, "not the right password at all")
    unknown_email = _sign_in(client, "nobody@agency.example", "not the right password at all")
    assert unknown_email.status_code == wrong_password.status_code == 401
    assert _error_summary(unknown_email) == _error_summary(wrong_password)
    assert NO_MATCH in _error_summary(unknown_email)
    assert not _signed_in(client)


def test_empty_form_says_what_is_missing(client):
    """Sending the form empty names both fields, and signs nobody in."""
    response = post_form(client, "/login", {"email": "", "password": ""})
    assert response.status_code == 400
    summary = _error_summary(response)
    assert "Enter your email address." in summary and "Enter your password." in summary


def test_three_failures_lock_the_account_even_for_the_right_password(client, facilitator):
    """After the account's limit of failures, even the right password waits out the window."""
    for _ in range(3):
        assert _sign_in(client, facilitator.email, "guess guess guess").status_code == 401
    response = _sign_in(client, facilitator.email)
    assert response.status_code == 429
    assert LOCKED in response.get_data(as_text=True)
    assert "15 minutes" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_account_lock_lifts_when_the_window_has_passed(client, facilitator, monkeypatch):
    """The lock is temporary: once the window has passed the right password works again."""
    for _ in range(3):
        _sign_in(client, facilitator.email, "guess guess guess")
    assert _sign_in(client, facilitator.email).status_code == 429
    later = utcnow() + timedelta(minutes=15, seconds=5)
    monkeypatch.setattr(throttle, "utcnow", lambda: later)
    response = _sign_in(client, facilitator.email)
    assert response.status_code == 302
    assert _signed_in(client)


def test_account_lock_does_not_lift_early(client, facilitator, monkeypatch):
    """Fourteen minutes later the account is still locked, and says for how long."""
    for _ in range(3):
        _sign_in(client, facilitator.email, "guess guess guess")
    first_failure = db.session.scalar(sa.select(sa.func.min(FailedLogin.at)))
    later = first_failure.replace(tzinfo=UTC) + timedelta(minutes=14, seconds=1)
    monkeypatch.setattr(throttle, "utcnow", lambda: later)
    response = _sign_in(client, facilitator.email)
    assert response.status_code == 429
    assert "Try again in 1 minute." in response.get_data(as_text=True)


def test_a_successful_sign_in_forgets_earlier_failures(client, auth, facilitator):
    """Two typos, then success: the next typo does not lock the account."""
    for _ in range(2):
        _sign_in(client, facilitator.email, "guess guess guess")
    assert _sign_in(client, facilitator.email).status_code == 302
    auth.logout()
    assert _sign_in(client, facilitator.email, "guess guess guess").status_code == 401
    assert _sign_in(client, facilitator.email).status_code == 302


def test_one_account_locked_leaves_colleagues_free(client, facilitator, supervisor):
    """Someone guessing one colleague's password does not lock the rest of the team out."""
    for _ in range(3):
        _sign_in(client, facilitator.email, "guess guess guess")
    assert _sign_in(client, supervisor.email).status_code == 302


def test_many_failures_from_one_address_lock_that_address(app, client, facilitator):
    """Six failures across different emails from one address lock sign-in from it."""
    for number in range(6):
        response = _sign_in(client, f"guess{number}@agency.example", "guess guess guess")
        assert response.status_code == 401
    response = _sign_in(client, facilitator.email)
    assert response.status_code == 429
    assert LOCKED in response.get_data(as_text=True)
    other_desk = app.test_client()
    elsewhere = {"REMOTE_ADDR": "10.20.30.40"}
    token = csrf_token(other_desk, "/login")
    response = other_desk.post(
        "/login",
        environ_base=elsewhere,
        data={"csrf_token": token, "email": facilitator.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302


def test_no_personal_data_is_kept_about_failed_sign_ins(client, facilitator):
    """The failure record holds hashes, never the email address or the IP address."""
    _sign_in(client, facilitator.email, "guess guess guess")
    record = db.session.scalars(sa.select(FailedLogin)).one()
    stored = f"{record.account_key} {record.address_key}"
    assert facilitator.email not in stored and "127.0.0.1" not in stored


def test_disabled_account_is_told_so_only_with_the_right_password(client, facilitator):
    """A disabled account learns it is disabled; a guesser learns nothing."""
    facilitator.active = False
    db.session.commit()
    response = _sign_in(client, facilitator.email)
    assert response.status_code == 403
    assert DISABLED in response.get_data(as_text=True)
    assert not _signed_in(client)
    guess = _sign_in(client, facilitator.email, "guess guess guess")
    assert guess.status_code == 401
    assert DISABLED not in guess.get_data(as_text=True)
    assert NO_MATCH in guess.get_data(as_text=True)


def test_sign_out_ends_the_session(client, auth, facilitator):
    """After signing out, the case list asks for a sign-in again."""
    auth.login(facilitator)
    assert _signed_in(client)
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not _signed_in(client)
    assert "You have signed out." in client.get("/login").get_data(as_text=True)


def test_sign_out_by_get_is_refused(client, auth, facilitator):
    """A link or an image cannot sign someone out: only the form's POST does."""
    auth.login(facilitator)
    response = client.get("/logout")
    assert response.status_code == 405
    assert _signed_in(client)


def test_sign_in_without_csrf_token_is_refused_and_does_nothing(client, facilitator):
    """A forged sign-in form gets the "form has expired" page and signs nobody in."""
    response = client.post(
        "/login", data={"email": facilitator.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert _failures() == 0


def test_sign_out_without_csrf_token_is_refused_and_does_nothing(client, auth, facilitator):
    """Another site cannot sign a caseworker out in the middle of a meeting."""
    auth.login(facilitator)
    response = client.post("/logout")
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert _signed_in(client)


def test_sign_in_follows_next_to_a_page_of_this_site(client, facilitator):
    """Asked to sign in on the way to a page, people land on that page afterwards."""
    response = client.get("/cases/")
    assert response.headers["Location"] == "/login?next=%2Fcases%2F"
    response = _sign_in(client, facilitator.email, path="/login?next=%2Fcases%2F")
    assert response.status_code == 302
    assert response.headers["Location"] == "/cases/"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)"]
)
def test_sign_in_never_follows_next_to_another_site(client, facilitator, target):
    """A crafted sign-in link cannot send someone to a look-alike site afterwards."""
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "csrf_token": csrf_token(client, "/login"),
            "email": facilitator.email,
            "password": factories.PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_session_cookie_is_http_only_and_same_site(client, facilitator):
    """Scripts cannot read the session cookie and other sites' forms do not carry it."""
    response = _sign_in(client, facilitator.email)
    cookies = [
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith("fttm_session=")
    ]
    assert cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_changing_the_password_signs_out_existing_sessions(client, auth, facilitator):
    """A new password ends every session opened with the old one."""
    auth.login(facilitator)
    assert _signed_in(client)
    facilitator.set_password("saffron lantern orbit meadow 42")
    db.session.commit()
    assert not _signed_in(client)


def test_disabling_a_user_ends_their_session(client, auth, facilitator):
    """A disabled account is signed out at its next request."""
    auth.login(facilitator)
    assert _signed_in(client)
    facilitator.active = False
    db.session.commit()
    assert not _signed_in(client)


def test_a_new_sign_in_gets_a_fresh_session(client, facilitator):
    """Whatever was in the session before signing in is not carried into it."""
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    _sign_in(client, facilitator.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_in_logs_no_personal_data(client, auth, facilitator, caplog):
    """The logs never hold an email address, a name or a password."""
    caplog.set_level(logging.DEBUG)
    _sign_in(client, facilitator.email, "guess guess guess")
    _sign_in(client, "nobody@agency.example", "another wrong guess")
    _sign_in(client, facilitator.email)
    auth.logout()
    assert any("signed in" in record.getMessage() for record in caplog.records)
    logged = caplog.text
    for secret in (
        facilitator.email,
        "nobody@agency.example",
        facilitator.name,
        factories.PASSWORD,
        "guess guess guess",
        "another wrong guess",
    ):
        assert secret not in logged
