"""What browser tests share: the screens they run on, the werkzeug-served app and who signs in to
it, the errors a page logs, and what must hold on any page. Fixtures are in conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response, expect

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}, "device_scale_factor": 1},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@dataclass(frozen=True)
class LiveServer:
    """The app answering on a loopback port, and the facilitator who can sign in to it."""

    url: str
    email: str
    password: str
    facilitator_id: int
    app: Flask


class BrowserErrors(list):
    """Console errors (CSP violations among them), uncaught exceptions and failed loads."""

    def watch(self, context: BrowserContext) -> None:
        """Collect the errors of every page `context` opens from now on."""
        context.on("console", self._console)
        context.on("weberror", lambda error: self.append(f"uncaught: {error.error}"))
        context.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        """Keep console errors, except the browser's own log of an HTTP error status.

        A form with mistakes comes back as a 400 page on purpose, and Chromium asks every site
        for /favicon.ico; failed scripts, styles and htmx requests are caught by `_response`.
        """
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.append(f"console: {message.text} ({message.location.get('url')})")

    def _response(self, response: Response) -> None:
        """Keep anything but a page that failed to load: a script, a style sheet, an htmx call."""
        if response.status >= 400 and response.request.resource_type != "document":
            self.append(f"{response.status} for {response.request.resource_type} {response.url}")


def expect_fits_screen(page: Page) -> None:
    """Nothing on the page makes the reader scroll sideways."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]}px wide on a {widths[1]}px screen"


def show_staff_view(page: Page) -> None:
    """On a presenting console, the facilitator clicks "Stop presenting: show the staff view"
    and answers yes to the question it asks: the console shows the staff view."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Stop presenting: show the staff view").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "console")


def open_section(page: Page, name: str) -> None:
    """A phone shows one board section at a time: the person opens "Sections" and taps `name`
    (the two taps). On a wider screen, where every section shows, nothing needs doing."""
    nav = page.locator("#section-nav")
    summary = nav.locator("summary")
    if not summary.is_visible():
        return
    if nav.get_attribute("open") is None:
        summary.click()
    nav.locator(f"a[data-section='{name}']").click()
    expect(page.locator(f"section.board-section.area-{name}")).to_be_visible()
