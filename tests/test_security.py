"""Security headers on every response, and pages that keep the strict CSP and stay accessible:
no inline script, style or event handler; a label on every control; the CSRF token for htmx.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from fttm.extensions import db
from fttm.meetings.models import MeetingStatus
from tests import factories
from tests.helpers import csrf_token, post_form

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageAudit(HTMLParser):
    """Collects what the CSP and the accessibility promises forbid or require on one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.labels_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.body_attrs: dict[str, str | None] | None = None
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        """Note inline script, inline style, event handlers, controls and labels."""
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style=...> inline style")
        if tag == "script":
            if not attributes.get("src"):
                self.problems.append("<script> without src")
            self._in_inline_script = not attributes.get("src")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "label" and attributes.get("for"):
            self.labels_for.add(attributes["for"])
        if tag in {"input", "select", "textarea"}:
            self.controls.append({"tag": tag, **attributes})
        if tag == "body":
            self.body_attrs = attributes

    def handle_data(self, data):
        """Script written between <script> tags is inline code."""
        if self._in_inline_script and data.strip():
            self.problems.append("inline script code")

    def handle_endtag(self, tag):
        """Leave a script element."""
        if tag == "script":
            self._in_inline_script = False

    def unlabelled(self) -> list[str]:
        """Controls a screen reader could not name."""
        missing = []
        for control in self.controls:
            if control["tag"] == "input" and (control.get("type") or "text") in UNLABELLED_TYPES:
                continue
            named = (
                control.get("id") in self.labels_for
                or control.get("aria-label")
                or control.get("aria-labelledby")
            )
            if not named:
                missing.append(f"<{control['tag']} name={control.get('name')!r}>")
        return missing


def audit(response) -> PageAudit:
    """Parse one HTML response."""
    assert "text/html" in response.content_type
    page = PageAudit()
    page.feed(response.get_data(as_text=True))
    page.close()
    return page


def assert_security_headers(response):
    """The strict CSP and its companions are on the response."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.strip().split(" ")[0]: part.strip() for part in policy.split(";")}
    assert directives.get("script-src") == "script-src 'self'", policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives.get("object-src") == "object-src 'none'"
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


@pytest.fixture
def world(team, facilitator, admin):
    """A case with a scheduled meeting and an open one, so every kind of page has content."""
    case = factories.make_case(facilitator, family_name="Okafor", indigenous_child=True)
    meeting = factories.make_meeting(facilitator, case)
    open_meeting = factories.make_meeting(facilitator, case, days_ahead=1)
    open_meeting.status = MeetingStatus.OPEN
    db.session.commit()
    return {"case": case, "meeting": meeting, "open_meeting": open_meeting}


def visited_pages(app, world, facilitator, admin) -> dict[str, object]:
    """Every page a person can reach today, by role, with one error page of each kind."""
    case, meeting = world["case"], world["meeting"]
    anonymous = app.test_client()
    pages = {
        "login": anonymous.get("/login"),
        "login refused": post_form(
            anonymous, "/login", {"email": facilitator.email, "password": "wrong wrong wrong"}
        ),
        "join: enter code": anonymous.get("/join/"),
        "join: bad code": anonymous.get("/join/", query_string={"code": "!!"}),
        "join: unknown code": anonymous.get("/join/ZZZZZZ"),
        "join: meeting": anonymous.get(f"/join/{meeting.join_code}"),
        "join: open meeting": anonymous.get(f"/join/{world['open_meeting'].join_code}"),
        "404": anonymous.get("/no/such/page"),
        "csrf expired": anonymous.post("/login", data={"email": "x@agency.example"}),
    }
    staff = app.test_client()
    post_form(staff, "/login", {"email": facilitator.email, "password": factories.PASSWORD})
    pages.update(
        {
            "case list": staff.get("/cases/"),
            "case list: search": staff.get("/cases/", query_string={"q": "okaf"}),
            "case list: no match": staff.get("/cases/", query_string={"q": "nobody"}),
            "case form: new": staff.get("/cases/new"),
            "case form: refused": post_form(
                staff, "/cases/new", {"case_number": ""}, form_page="/cases/new"
            ),
            "case page": staff.get(f"/cases/{case.id}"),
            "case form: edit": staff.get(f"/cases/{case.id}/edit"),
            "meeting form: new": staff.get(f"/cases/{case.id}/meetings/new"),
            "meeting form: refused": post_form(
                staff, f"/cases/{case.id}/meetings/new", {"location": ""}
            ),
            "meeting page": staff.get(f"/meetings/{meeting.id}"),
            "meeting page: open": staff.get(f"/meetings/{world['open_meeting'].id}"),
            "meeting form: edit": staff.get(f"/meetings/{meeting.id}/edit"),
            "join screen": staff.get(f"/meetings/{meeting.id}/join-screen"),
            "404 signed in": staff.get("/cases/987654"),
        }
    )
    office = app.test_client()
    post_form(office, "/login", {"email": admin.email, "password": factories.PASSWORD})
    pages.update(
        {
            "accounts": office.get("/admin/users"),
            "account form: new": office.get("/admin/users/new"),
            "account form: refused": post_form(office, "/admin/users/new", {"email": "bad"}),
            "account form: edit": office.get(f"/admin/users/{facilitator.id}"),
        }
    )
    refused = {
        "login refused": 401,
        "join: bad code": 400,
        "join: unknown code": 404,
        "404": 404,
        "csrf expired": 400,
        "case form: refused": 400,
        "meeting form: refused": 400,
        "404 signed in": 404,
        "account form: refused": 400,
    }
    statuses = {name: page.status_code for name, page in pages.items()}
    assert statuses == {name: refused.get(name, 200) for name in pages}
    return pages


def test_the_page_audit_finds_what_it_looks_for():
    """The checks below would notice a regression (they are not vacuous)."""
    page = PageAudit()
    page.feed(
        '<body hx-headers="{}"><script>alert(1)</script><p style="color:red" '
        'onclick="x()">x</p><label for="a">A</label><input id="a" name="a">'
        '<input id="b" name="b"><select name="c"></select>'
        '<input type="hidden" name="d"><textarea aria-label="Notes"></textarea></body>'
    )
    assert page.problems == [
        "<script> without src",
        "inline script code",
        "<p style=...> inline style",
        "<p onclick=...> event handler attribute",
    ]
    assert page.unlabelled() == ["<input name='b'>", "<select name='c'>"]


def test_every_page_keeps_the_strict_csp(app, world, facilitator, admin):
    """No inline script, no inline style, no on…= handler: the CSP never has to be relaxed."""
    pages = visited_pages(app, world, facilitator, admin)
    problems = {name: audit(page).problems for name, page in pages.items()}
    assert {name: found for name, found in problems.items() if found} == {}


def test_every_control_has_a_label(app, world, facilitator, admin):
    """Every input, select and textarea can be named by a screen reader."""
    pages = visited_pages(app, world, facilitator, admin)
    controls = sum(len(audit(page).controls) for page in pages.values())
    assert controls > 20  # the pages really have forms: the check below is not vacuous
    missing = {name: audit(page).unlabelled() for name, page in pages.items()}
    assert {name: found for name, found in missing.items() if found} == {}


def test_every_page_carries_the_security_headers(app, world, facilitator, admin):
    """Pages, refusals and error pages alike have the CSP and its companion headers."""
    for name, page in visited_pages(app, world, facilitator, admin).items():
        try:
            assert_security_headers(page)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


@pytest.mark.parametrize(
    "path",
    ["/healthz", "/static/favicon.svg", "/static/js/no-such-script.js", "/no/such/page", "/"],
)
def test_other_responses_carry_the_security_headers(client, path):
    """JSON, a static picture (an SVG can be opened as a document), redirects and 404s have the
    headers too."""
    with client.get(path) as response:
        assert response.status_code in {200, 302, 404}
        assert_security_headers(response)


@pytest.mark.parametrize(
    "path", ["/static/js/main.js", "/static/fttm.css", "/static/vendor/htmx-2.0.11.min.js"]
)
def test_scripts_and_stylesheets_are_not_sniffed_and_carry_no_page_headers(client, path):
    """A script or stylesheet is never a document: it is not sniffed as something else, and does
    not carry the page policies a poor network would pay for on every file."""
    with client.get(path) as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
            assert name not in response.headers, name


def test_login_refusal_carries_the_security_headers(client, facilitator):
    """A refused sign-in (401) is protected like any page."""
    response = post_form(client, "/login", {"email": facilitator.email, "password": "nope"})
    assert response.status_code == 401
    assert_security_headers(response)


def test_pages_are_not_cached(client):
    """A shared computer's back button does not show a case page after signing out."""
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_body_carries_a_working_csrf_token_for_htmx(client, auth, facilitator):
    """htmx requests send the token from <body hx-headers>, and the server accepts it."""
    auth.login(facilitator)
    page = audit(client.get("/cases/"))
    headers = json.loads(page.body_attrs["hx-headers"])
    assert set(headers) == {"X-CSRFToken"} and headers["X-CSRFToken"]
    response = client.post("/logout", headers=headers)
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 302


def test_a_wrong_htmx_token_is_refused(client, auth, facilitator):
    """A request with a made-up token in the header is refused and changes nothing."""
    auth.login(facilitator)
    csrf_token(client, "/cases/")
    response = client.post("/logout", headers={"X-CSRFToken": "made-up"})
    assert response.status_code == 400
    assert client.get("/cases/").status_code == 200


def test_anonymous_pages_also_carry_the_csrf_token(client):
    """The join and sign-in pages can send htmx requests too."""
    for path in ("/login", "/join/"):
        headers = json.loads(audit(client.get(path)).body_attrs["hx-headers"])
        assert headers["X-CSRFToken"]


def test_forwarded_addresses_count_only_behind_a_trusted_proxy():
    """Behind nginx (one trusted proxy) each person's own address is seen; without one, a
    client's X-Forwarded-For is ignored, so nobody can dodge the sign-in limits with it."""
    from flask import request

    from fttm import create_app

    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        app = create_app({"ENV_NAME": "testing", "TRUSTED_PROXIES": proxies})
        app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
        answer = app.test_client().get(
            "/whoami",
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        assert answer.get_data(as_text=True) == expected
