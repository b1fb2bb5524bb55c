"""Admins see which accounts and addresses must wait before signing in again, and clear them."""

from __future__ import annotations

import html
import re

import pytest

from fttm.auth import throttle
from tests import factories
from tests.helpers import browser_at, post_form

SPRAYER = "203.0.113.9"


@pytest.fixture
def admin_client(client, auth, admin):
    """A client signed in as the admin."""
    auth.login(admin)
    return client


def _fail(client, email: str, times: int = 1) -> None:
    """Sign in with a wrong password `times` times."""
    for _ in range(times):
        post_form(client, "/login", {"email": email, "password": "a wrong password"})


def _limits_section(client) -> str:
    """The text of the sign-in limits section of the accounts page."""
    page = client.get("/admin/users").get_data(as_text=True)
    # Once in the page's body, below the accounts: never in its <title>, never twice.
    assert re.search(r"<title>\s*Accounts · fttm</title>", page), "the page's title is broken"
    assert page.count('id="sign-in-limits"') == 1
    section = re.search(r'<section[^>]*id="sign-in-limits".*?</section>', page, re.S)
    assert section, "no sign-in limits section"
    return html.unescape(section[0])


def _clear(client, kind: str, key: str):
    """Press a "Clear" button (a real form POST with its CSRF token), following the redirect."""
    return post_form(
        client,
        "/admin/sign-in-limits/clear",
        {"kind": kind, "key": key},
        form_page="/admin/users",
        follow_redirects=True,
    )


def test_the_section_says_so_when_nobody_waits(admin_client, facilitator):
    """A typo or two is nobody's business: no row, a plain sentence instead."""
    _fail(admin_client.application.test_client(), facilitator.email, times=2)
    section = _limits_section(admin_client)
    assert "No account or address is waiting to sign in again." in section
    assert "<tr>" not in section


def test_a_spraying_address_is_listed_and_cleared(app, admin_client, facilitator):
    """An address that failed on many accounts is shown (by a tag, never the address itself)
    and, once cleared, may sign in at once."""
    sprayer = browser_at(app, SPRAYER)
    for number in range(6):
        _fail(sprayer, f"guess{number}@agency.example")
    assert (
        post_form(
            sprayer, "/login", {"email": facilitator.email, "password": factories.PASSWORD}
        ).status_code
        == 429
    )
    section = _limits_section(admin_client)
    tag = throttle.address_key(SPRAYER)[:8]
    assert f"One address ({tag})" in section
    assert "6 failed sign-ins on any accounts" in section
    assert SPRAYER not in section and "guess0@agency.example" not in section

    response = _clear(admin_client, "address", throttle.address_key(SPRAYER))
    assert "That address can try to sign in again." in response.get_data(as_text=True)
    assert (
        post_form(
            sprayer, "/login", {"email": facilitator.email, "password": factories.PASSWORD}
        ).status_code
        == 302
    )


def test_an_email_with_no_account_is_listed_without_its_address(app, admin_client):
    """Guessing at an address nobody has is shown, but the address typed never is."""
    _fail(browser_at(app, SPRAYER), "nobody@agency.example", times=3)
    section = _limits_section(admin_client)
    assert "An email address with no account" in section
    assert "3 failed sign-ins from 1 address" in section
    assert "nobody@agency.example" not in section


def test_an_account_lists_every_address_it_was_tried_from(app, admin_client, facilitator):
    """The admin sees that guessing came from several places, and clearing covers them all."""
    for address in ("10.0.0.1", "10.0.0.2"):
        _fail(browser_at(app, address), facilitator.email, times=3)
    section = _limits_section(admin_client)
    assert "Fran Facilitator" in section and "6 failed sign-ins from 2 addresses" in section
    response = _clear(admin_client, "account", throttle.account_key(facilitator.email))
    assert "Fran Facilitator can try to sign in again." in response.get_data(as_text=True)
    for address in ("10.0.0.1", "10.0.0.2"):
        assert (
            post_form(
                browser_at(app, address),
                "/login",
                {"email": facilitator.email, "password": factories.PASSWORD},
            ).status_code
            == 302
        )


def test_clearing_what_no_longer_waits_says_so(admin_client):
    """A second click (or a stale page) clears nothing and says why."""
    response = _clear(admin_client, "account", "0" * 64)
    assert response.status_code == 200
    assert "There was nothing to clear: that wait had already ended." in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("kind", "key"), [("user", "0" * 64), ("account", "not-a-key"), ("account", "A" * 64)]
)
def test_a_made_up_clear_request_is_refused(admin_client, kind, key):
    """Only "account" or "address" and a key as the page gives it are accepted."""
    response = post_form(
        admin_client,
        "/admin/sign-in-limits/clear",
        {"kind": kind, "key": key},
        form_page="/admin/users",
    )
    assert response.status_code == 400


def test_only_admins_may_clear(app, client, auth, facilitator, supervisor):
    """A caseworker cannot lift the wait on a colleague's account (nor learn the page exists)."""
    _fail(browser_at(app, SPRAYER), supervisor.email, times=3)
    auth.login(facilitator)
    response = post_form(
        client,
        "/admin/sign-in-limits/clear",
        {"kind": "account", "key": throttle.account_key(supervisor.email)},
        form_page="/cases/",
    )
    assert response.status_code == 404
    assert (
        post_form(
            browser_at(app, SPRAYER),
            "/login",
            {"email": supervisor.email, "password": factories.PASSWORD},
        ).status_code
        == 429
    )
