"""What tests share: sending forms as a browser does, signing in, and reading the database fresh.

Plain functions and small classes; the fixtures that use them are in `tests/conftest.py`, and the
rows they read are made by `tests/factories.py`.
"""

from __future__ import annotations

import contextvars
import html
import itertools
import json
import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from fttm.auth.models import User
from fttm.board.models import SafetyRating
from fttm.core.recorder import last_seq
from fttm.core.registry import KINDS
from fttm.extensions import db
from fttm.live import presence, rate_limit
from fttm.live import sockets as socket_events
from fttm.meetings import join_codes
from fttm.meetings.models import Meeting, Participant
from fttm.transcript.models import TranscriptEvent
from tests import factories

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HX_HEADERS = re.compile(r"hx-headers='(\{[^']*\})'")
XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


# ---- Requests, as a browser sends them ----


class SeparateRequestClient(FlaskClient):
    """Runs each request in a fresh context, as a real server does: its own app context, `g` and
    database session, even while the test itself holds an app context open.
    """

    def open(self, *args, **kwargs):
        """Send one request (and follow its redirects) outside the test's context."""
        return contextvars.Context().run(super().open, *args, **kwargs)


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    page = client.get(path)
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} (status {page.status_code})"
    return match.group(1)


def page_csrf(page: str) -> str:
    """The CSRF token a page hands to htmx in the `hx-headers` of its <body>."""
    match = HX_HEADERS.search(page)
    assert match, "the page has no hx-headers"
    return json.loads(match.group(1))["X-CSRFToken"]


def post_form(client, path: str, data: dict, *, form_page: str | None = None, **kwargs):
    """Submit a form the way a browser does: fetch the page for its CSRF token, then POST."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def browser_at(app, address: str):
    """A browser at `address`, as the server sees where requests come from."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def sign_in(
    client, email: str, password: str = factories.PASSWORD, *, path: str = "/login", **kwargs
):
    """Post the real sign-in form (fetched from /login) to `path`."""
    return post_form(
        client, path, {"email": email, "password": password}, form_page="/login", **kwargs
    )


class AuthActions:
    """Sign in and out as a given user."""

    def __init__(self, client):
        self._client = client

    def login(self, user, password: str = factories.PASSWORD):
        """Sign in through the real login form."""
        return sign_in(self._client, user.email, password)

    def logout(self):
        """Sign out through the real logout button."""
        return post_form(self._client, "/logout", {}, form_page="/cases/")


def join_by_code(browser: FlaskClient, code: str, name: str, role: str = "parent", **fields):
    """Fill in and send the join form of a meeting, as a phone does; returns (response, token)."""
    token = csrf_token(browser, f"/join/{code}")
    data = {"csrf_token": token, "display_name": name, "role": role, "person_id": "", **fields}
    return browser.post(f"/join/{code}", data=data), token


def wrong_codes(count: int, *, other_than: str = "") -> list[str]:
    """`count` join codes of the right shape, always the same ones, none of them `other_than`."""
    codes = ("".join(chars) for chars in itertools.product(join_codes.ALPHABET, repeat=6))
    return list(itertools.islice((code for code in codes if code != other_than), count))


def field_error(page: str, field: str) -> str:
    """The message a form shows next to one field, or "" if there is none."""
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else ""


def select_options(page: str, select_id: str) -> dict[str, str]:
    """The options of a <select> on a page, value to label."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {select_id}"
    return {
        value: html.unescape(label.strip())
        for value, label in re.findall(
            r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', select[1]
        )
    }


def pushed(updates: list[dict], section: str) -> str:
    """Everything pushed of one section in some `board:update`s: its renderings and its items
    sent alone, one after the other.
    """
    parts = []
    for update in updates:
        parts.append(update.get("sections", {}).get(section, ""))
        parts += [item["html"] for item in update.get("items", []) if item["section"] == section]
    return "".join(parts)


def forget_live_state() -> None:
    """Forget who was online, which sockets were let in and how fast anyone wrote.

    These live in memory, per worker, and ids start again at 1 in each test's database.
    """
    rate_limit._recent.clear()
    socket_events._connections.clear()
    with presence._lock:
        presence._sockets.clear()
        presence._renderings.clear()


# ---- The database, read fresh (requests change it in their own sessions) ----


def count(model, **where) -> int:
    """How many rows of `model` match `where`, read fresh."""
    db.session.expire_all()
    query = sa.select(sa.func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def user_with_email(email: str) -> User | None:
    """The staff account with this email, read fresh."""
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def latest_id(model) -> int:
    """The id of the newest row of `model`."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.max(model.id)))


def fresh(model, item_id: int):
    """A row as the database holds it now (after requests made in their own sessions)."""
    db.session.expire_all()
    return db.session.get(model, item_id)


def meeting_row(meeting_id: int) -> Meeting:
    """The meeting as the database holds it now."""
    return fresh(Meeting, meeting_id)


def participant_named(meeting_id: int, name: str) -> Participant | None:
    """The participant of a meeting with this display name, read fresh."""
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Participant).where(
            Participant.meeting_id == meeting_id, Participant.display_name == name
        )
    )


def footprint(case_id: int) -> tuple:
    """Everything a change could write: rows of every board table, participants and events."""
    models = {kind.model for kind in KINDS.values()} | {SafetyRating, Participant}
    rows = tuple(sorted((model.__name__, count(model)) for model in models))
    return rows, count(TranscriptEvent, case_id=case_id), last_seq(case_id)


def transcript_events(
    case_id: int | None = None, *, kind: str | None = None
) -> list[TranscriptEvent]:
    """The transcript events of one case (or of all) and of one kind (or of all), read fresh, in
    the order they were written.
    """
    db.session.expire_all()
    query = sa.select(TranscriptEvent).order_by(TranscriptEvent.seq, TranscriptEvent.id)
    if case_id is not None:
        query = query.where(TranscriptEvent.case_id == case_id)
    if kind is not None:
        query = query.where(TranscriptEvent.kind == kind)
    return list(db.session.scalars(query))


def expect_tagged_pdf(body: bytes, language: str) -> None:
    """A PDF a screen reader can read (PDF/UA): marked as tagged, with a structure tree, the
    document's language, and its title shown instead of its file name."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    root = reader.trailer["/Root"]
    assert root.get("/MarkInfo", {}).get("/Marked") == True  # noqa: E712 (a PDF BooleanObject)
    assert "/StructTreeRoot" in root
    assert str(root.get("/Lang", "")).startswith(language)
    assert root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") == True  # noqa: E712
    assert reader.metadata.title


def demo_meeting_started():
    """The demo seeded, its upcoming review meeting started with everyone who has the code let
    in: (the demo's seeding answer, the meeting, its facilitator)."""
    from fttm.demo import seed_demo
    from fttm.meetings.commands import set_option, start_meeting

    seeded = seed_demo()
    meeting = db.session.get(Meeting, int(seeded.meeting_path.strip("/").split("/")[1]))
    facilitator = db.session.scalar(sa.select(User).where(User.email == seeded.logins[0].email))
    set_option(facilitator, meeting, "admit_everyone", True)
    start_meeting(facilitator, meeting)
    return seeded, meeting, facilitator
