"""Wrong passwords in a real browser: the sign-in page says how long to wait, and an admin
clears the wait from the accounts page, on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from fttm.extensions import db
from tests import factories
from tests.browser.pages import VIEWPORTS, BrowserErrors, LiveServer, expect_fits_screen

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "ada.admin@agency.example"


def sign_in(page: Page, server: LiveServer, email: str, password: str) -> None:
    """Fill in and send the sign-in form."""
    page.goto(server.url + "/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_guessed_account_waits_and_an_admin_clears_it(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    browser_errors: BrowserErrors,
    viewport: str,
    shoot,
):
    """Three wrong passwords, then even the right one is told to wait a minute; the admin sees
    the account under "Sign-in limits", clears it, and the right password works at once."""
    with live_server.app.app_context():
        factories.make_user(team=None, role="admin", name="Ada Admin", email=ADMIN_EMAIL)
        db.session.remove()

    for attempt in range(3):
        sign_in(page, live_server, live_server.email, f"a wrong guess {attempt}")
        expect(page.get_by_role("alert")).to_contain_text(
            "That email and password do not match an account."
        )
    sign_in(page, live_server, live_server.email, live_server.password)
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("Too many failed sign-in attempts. Try again in 1 minute.")
    expect_fits_screen(page)
    shoot(page, "sign-in-01-wait-a-minute")

    admin_context = browser.new_context(**VIEWPORTS[viewport])
    browser_errors.watch(admin_context)
    admin = admin_context.new_page()
    try:
        sign_in(admin, live_server, ADMIN_EMAIL, live_server.password)
        limits = admin.get_by_role("region", name="Sign-in limits")
        row = limits.get_by_role("row").filter(has_text="Fran Facilitator")
        expect(row).to_contain_text("3 failed sign-ins from 1 address")
        expect(row).to_contain_text(re.compile(r"Waiting until \d\d:\d\d"))
        row.scroll_into_view_if_needed()
        expect_fits_screen(admin)
        shoot(admin, "sign-in-02-admin-sees-the-wait")

        row.get_by_role("button", name="Clear the wait of Fran Facilitator").click()
        expect(admin.get_by_text("Fran Facilitator can try to sign in again.")).to_be_visible()
        expect(limits).to_contain_text("No account or address is waiting to sign in again.")
        shoot(admin, "sign-in-03-admin-cleared-the-wait")
    finally:
        admin_context.close()

    sign_in(page, live_server, live_server.email, live_server.password)
    expect(page.get_by_role("heading", name="Your team's cases")).to_be_visible()
    assert browser_errors == []
