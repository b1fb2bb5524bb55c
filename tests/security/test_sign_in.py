"""Staff sign-in tried as an attacker would: lock-outs, copied cookies and crafted links.

One test per promise of issue 12 about signing in; each was seen failing on the code before it.
"""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa

from fttm.auth.models import FailedLogin
from fttm.extensions import db
from tests import factories
from tests.helpers import browser_at, csrf_token, post_form, sign_in

ATTACKER = "203.0.113.66"
REAL_DESK = "198.51.100.7"
WAIT = re.compile(r"Too many failed sign-in attempts\. Try again in \d+ (minute|minutes|hours)\.")


def _signed_in(client) -> bool:
    """Whether the client's session opens the case list."""
    return client.get("/cases/").status_code == 200


def test_guessing_from_one_address_never_locks_the_real_person_out(app, facilitator):
    """An attacker hammering an account is slowed down and told to wait; the real person, at
    another desk, still signs in with the right password. Nothing stored names either of them.
    """
    attacker = browser_at(app, ATTACKER)
    answers = [
        sign_in(attacker, facilitator.email, f"guess number {n}").status_code for n in range(12)
    ]
    assert set(answers) <= {401, 429} and answers[-1] == 429
    slowed = sign_in(attacker, facilitator.email)
    assert slowed.status_code == 429, "a waiting guesser is not even asked for the password"
    assert WAIT.search(slowed.get_data(as_text=True))

    real_person = browser_at(app, REAL_DESK)
    assert sign_in(real_person, facilitator.email).status_code == 302
    assert _signed_in(real_person)

    stored = " ".join(
        f"{row.account_key} {row.address_key}" for row in db.session.scalars(sa.select(FailedLogin))
    )
    assert stored
    for personal in (facilitator.email, ATTACKER, REAL_DESK):
        assert personal not in stored


def test_an_admin_sees_a_throttled_account_and_clears_it(
    app, client, auth, admin, facilitator, caplog
):
    """The accounts page names the account that must wait, with its failures and until when;
    "Clear" (a CSRF-protected POST) lets it try again at once, and the log names nobody.
    """
    attacker = browser_at(app, ATTACKER)
    for n in range(4):
        sign_in(attacker, facilitator.email, f"guess number {n}")
    assert sign_in(attacker, facilitator.email).status_code == 429

    auth.login(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    section = re.search(r'<section[^>]*id="sign-in-limits".*?</section>', page, re.S)
    assert section, "no sign-in limits section on the accounts page"
    row = re.search(r"<tr>(?:(?!</tr>).)*Fran Facilitator(?:(?!</tr>).)*</tr>", section[0], re.S)
    assert row, "the throttled account is not named"
    assert "3 failed sign-ins" in row[0] and "Waiting until" in row[0]
    key = re.search(r'name="key" value="([0-9a-f]{64})"', row[0])
    assert key

    forged = client.post("/admin/sign-in-limits/clear", data={"kind": "account", "key": key[1]})
    assert forged.status_code == 400
    assert sign_in(attacker, facilitator.email).status_code == 429

    caplog.set_level(logging.DEBUG)
    cleared = post_form(
        client,
        "/admin/sign-in-limits/clear",
        {"kind": "account", "key": key[1]},
        form_page="/admin/users",
        follow_redirects=True,
    )
    assert cleared.status_code == 200
    body = cleared.get_data(as_text=True)
    assert "Fran Facilitator can try to sign in again." in body
    assert "Fran Facilitator" not in re.search(r'id="sign-in-limits".*?</section>', body, re.S)[0]
    assert sign_in(attacker, facilitator.email).status_code == 302
    assert any("sign-in limit cleared" in record.getMessage() for record in caplog.records)
    for personal in (facilitator.email, facilitator.name, ATTACKER, key[1]):
        assert personal not in caplog.text


def test_a_copied_session_cookie_stops_working_after_sign_out(app, facilitator):
    """Someone who copied a caseworker's session cookie loses it when the caseworker signs out."""
    desk = app.test_client()
    sign_in(desk, facilitator.email)
    copied = desk.get_cookie("fttm_session").value
    thief = app.test_client()
    thief.set_cookie("fttm_session", copied)
    assert _signed_in(thief)

    assert post_form(desk, "/logout", {}, form_page="/cases/").status_code == 302
    assert not _signed_in(desk)
    assert not _signed_in(thief)


@pytest.mark.parametrize(
    "raw_next",
    [
        "/%09/evil.example",  # the issue's own example: browsers drop the tab and go to //evil
        "//evil.example",
        "///evil.example",
        "/%5Cevil.example",
        "/%5C/evil.example",
        "%5C%5Cevil.example",
        "%2F%2Fevil.example",
        "/%0D%0A/evil.example",
        "%20//evil.example",
        "/%E3%80%80/evil.example",
        "/%2509/evil.example",
        "/%255Cevil.example",
        "/%252F/evil.example",
        "https://evil.example",
        "https:evil.example",
        "HTTPS://evil.example/",
        "javascript:alert(1)",
        "evil.example/cases/",
    ],
)
def test_sign_in_follows_next_only_to_a_path_on_this_site(client, facilitator, raw_next):
    """A crafted sign-in link cannot send someone to another site: anything but a plain path on
    this site lands on the home page instead."""
    response = client.post(
        f"/login?next={raw_next}",
        data={
            "csrf_token": csrf_token(client, "/login"),
            "email": facilitator.email,
            "password": factories.PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
