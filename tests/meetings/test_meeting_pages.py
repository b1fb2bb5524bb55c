"""Scheduling, changing and cancelling meetings, and the pages that invite people to join."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from fttm.extensions import db
from fttm.meetings.models import Meeting, MeetingPurpose, MeetingStatus
from fttm.meetings.qr import qr_svg
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import field_error, post_form, transcript_events

DETROIT = ZoneInfo("America/Detroit")
PLACE = "Family room 2, Midtown office"


@pytest.fixture
def signed_in(auth, facilitator):
    """The facilitator, signed in through the login form."""
    auth.login(facilitator)
    return facilitator


@pytest.fixture
def case(facilitator):
    """A MiTEAM case (America/Detroit) of the facilitator's team."""
    return factories.make_case(facilitator, family_name="Rivera", case_number="MI-1001")


def _next_winter_day() -> date:
    """15 January of next year: in the future, within two years, and on standard time."""
    return date(datetime.now(DETROIT).year + 1, 1, 15)


def _local(day: date, hour: int = 10, minute: int = 0) -> str:
    """A wall-clock time as a datetime-local input sends it."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def _form(**overrides) -> dict:
    """The meeting form as a browser sends it."""
    values = {
        "scheduled_at": _local(_next_winter_day()),
        "purpose": "initial_plan",
        "location": PLACE,
    }
    values.update(overrides)
    return values


def _counts() -> tuple[int, int]:
    """How many meetings and transcript events the database holds."""
    db.session.expire_all()
    return (
        db.session.scalar(sa.select(sa.func.count(Meeting.id))),
        db.session.scalar(sa.select(sa.func.count(TranscriptEvent.id))),
    )


def _text(markup: str) -> str:
    """What a reader sees of some HTML: its text without the tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _when(page: str) -> str:
    """The meeting page's "When" line, as read."""
    match = re.search(r"<dt>When</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert match, "no When line on the page"
    return _text(match.group(1))


def _qr_path(markup: str) -> str:
    """The drawing of the inline QR code in some HTML: it differs for every encoded address."""
    svg = re.search(r'<svg\b[^>]*class="qr-code"[^>]*>.*?</svg>', markup, re.S)
    assert svg, "no inline QR code"
    return re.search(r'<path\b[^>]*\bd="([^"]+)"', svg.group(0)).group(1)


def _assert_invites_to(page: str, url: str) -> None:
    """Assert the page links to `url`, shows it in full, and has a QR code that opens it."""
    assert f'href="{url}"' in page
    assert url in _text(page)
    svg = re.search(r'<svg\b[^>]*class="qr-code"[^>]*>.*?</svg>', page, re.S).group(0)
    assert re.search(r"<title>[^<]+</title>", svg), "the QR code has no accessible name"
    assert _qr_path(page) == _qr_path(qr_svg(url, "any title"))


def _meeting(meeting_id: int) -> Meeting:
    """A meeting read fresh from the database."""
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


def test_scheduling_a_meeting_shows_how_to_join_it(client, signed_in, case):
    """After scheduling, the meeting page shows when and where, the code, the link and a QR."""
    day = _next_winter_day()

    response = post_form(client, f"/cases/{case.id}/meetings/new", _form())

    meeting = db.session.scalar(sa.select(Meeting))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    code = meeting.join_code
    assert "Meeting scheduled." in page
    assert "Initial case plan" in page
    when = _when(page)
    assert f"{day.strftime('%A, %B')} {day.day}, {day.year}" in when
    assert "10:00" in when
    assert "EST" in when
    assert PLACE in page
    assert f"{code[:3]} {code[3:]}" in page
    _assert_invites_to(page, f"http://localhost/join/{code}")


@pytest.mark.parametrize(
    ("jurisdiction", "month", "utc"),
    [
        ("miteam", 1, (15, 15)),  # Detroit in winter: UTC-5
        ("miteam", 7, (15, 14)),  # Detroit in summer: UTC-4
        ("bicpm", 1, (14, 23)),  # Melbourne in summer: UTC+11, the day before in UTC
    ],
)
def test_the_scheduled_time_is_stored_in_utc(
    client, signed_in, facilitator, jurisdiction, month, utc
):
    """10:00 typed for a case is 10:00 where the case is, stored as the right UTC moment."""
    case = factories.make_case(facilitator, jurisdiction=jurisdiction, permanency_goal="adoption")
    year = _next_winter_day().year

    response = post_form(
        client, f"/cases/{case.id}/meetings/new", _form(scheduled_at=_local(date(year, month, 15)))
    )

    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    day, hour = utc
    assert meeting.scheduled_at == datetime(year, month, day, hour, 0, tzinfo=UTC)


def test_join_link_uses_the_public_url_when_configured(app, client, signed_in, case):
    """Behind a proxy, the link and QR code use the site's public address."""
    app.config["PUBLIC_URL"] = "https://fttm.example.org/"
    meeting = factories.make_meeting(signed_in, case)

    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)

    _assert_invites_to(page, f"https://fttm.example.org/join/{meeting.join_code}")
    assert "localhost/join" not in page


def _past() -> str:
    """Yesterday at 10:00 in Detroit."""
    return _local(datetime.now(DETROIT).date() - timedelta(days=1))


def _too_far() -> str:
    """Two years and a few days from now in Detroit."""
    return _local(datetime.now(DETROIT).date() + timedelta(days=2 * 365 + 3))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"scheduled_at": _past}, "scheduled_at", "already passed"),
        ({"scheduled_at": _too_far}, "scheduled_at", "within the next two years"),
        ({"scheduled_at": ""}, "scheduled_at", "Enter the date and time"),
        ({"scheduled_at": "next tuesday"}, "scheduled_at", "Not a valid datetime value"),
        ({"scheduled_at": "2027-02-30T10:00"}, "scheduled_at", "Not a valid datetime value"),
        ({"purpose": "party"}, "purpose", "Choose the purpose"),
        ({"purpose": ""}, "purpose", "Choose the purpose"),
        ({"location": ""}, "location", "Say where the meeting takes place"),
        ({"location": "   "}, "location", "Say where the meeting takes place"),
        ({"location": "x" * 201}, "location", "at most 200"),
    ],
)
def test_bad_meeting_input_is_explained_and_nothing_is_saved(
    client, signed_in, case, overrides, field, message
):
    """Each broken rule gets a message next to its field; no meeting or event is written."""
    typed = {name: value() if callable(value) else value for name, value in overrides.items()}
    before = _counts()

    response = post_form(client, f"/cases/{case.id}/meetings/new", _form(**typed))

    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), field)
    assert _counts() == before


def test_the_change_form_shows_the_case_s_local_time(client, signed_in, case):
    """Changing a meeting starts from its time where the case is, not its UTC time."""
    meeting = factories.make_meeting(signed_in, case, days_ahead=7)
    local = meeting.scheduled_at.astimezone(DETROIT)

    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)

    assert f'value="{local.strftime("%Y-%m-%dT%H:%M")}"' in page
    assert local.hour == 10


def test_rescheduling_saves_and_records_before_and_after(client, signed_in, case):
    """A new time, purpose and place are saved, and the transcript keeps the old ones."""
    meeting = factories.make_meeting(signed_in, case, days_ahead=7)
    old_time = meeting.scheduled_at
    day = _next_winter_day()

    response = post_form(
        client,
        f"/meetings/{meeting.id}/edit",
        _form(scheduled_at=_local(day, 13, 30), purpose="placement_change", location="Video call"),
    )

    assert response.status_code == 302
    moved = _meeting(meeting.id)
    new_time = datetime(day.year, 1, 15, 18, 30, tzinfo=UTC)
    assert (moved.scheduled_at, moved.purpose, moved.location) == (
        new_time,
        MeetingPurpose.PLACEMENT_CHANGE,
        "Video call",
    )
    [event] = transcript_events(kind="meeting.rescheduled")
    assert event.before == {
        "scheduled_at": old_time.isoformat(),
        "purpose": "initial_plan",
        "location": "Family room 2, Midtown office",
    }
    assert event.after == {
        "scheduled_at": new_time.isoformat(),
        "purpose": "placement_change",
        "location": "Video call",
    }
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Placement change" in page
    assert "13:30" in _when(page)


def test_cancelling_stops_the_join_code(client, signed_in, case):
    """A cancelled meeting says so to staff; its join link opens nothing, as an unknown code."""
    meeting = factories.make_meeting(signed_in, case)
    show = f"/meetings/{meeting.id}"

    response = post_form(client, f"{show}/cancel", {}, form_page=show, follow_redirects=True)

    assert response.status_code == 200
    assert "This meeting was cancelled" in response.get_data(as_text=True)
    assert _meeting(meeting.id).status == MeetingStatus.CANCELLED
    assert [(e.before, e.after) for e in transcript_events(kind="meeting.cancelled")] == [
        ({"status": "scheduled"}, {"status": "cancelled"})
    ]
    joining = client.get(f"/join/{meeting.join_code}")
    assert joining.status_code == 404
    assert "No meeting has this code" in joining.get_data(as_text=True)


def test_a_cancelled_meeting_cannot_be_changed_or_cancelled_again(client, signed_in, case):
    """Once cancelled, neither rescheduling nor cancelling again changes anything."""
    meeting = factories.make_meeting(signed_in, case)
    show = f"/meetings/{meeting.id}"
    post_form(client, f"{show}/cancel", {}, form_page=show)
    before = _counts()

    changed = post_form(
        client, f"{show}/edit", _form(location="Video call"), form_page=show, follow_redirects=True
    )
    again = post_form(client, f"{show}/cancel", {}, form_page=show, follow_redirects=True)

    assert "This meeting can no longer be changed." in changed.get_data(as_text=True)
    assert "can be cancelled" in again.get_data(as_text=True)
    assert _counts() == before
    unchanged = _meeting(meeting.id)
    assert (unchanged.status, unchanged.location) == (MeetingStatus.CANCELLED, PLACE)


def test_cancelling_needs_the_csrf_token(client, signed_in, case):
    """A cross-site POST without the form's token cannot cancel a meeting."""
    meeting = factories.make_meeting(signed_in, case)

    client.post(f"/meetings/{meeting.id}/cancel")

    assert _meeting(meeting.id).status == MeetingStatus.SCHEDULED


def test_the_join_screen_shows_the_code_and_qr(client, signed_in, case):
    """The full-screen page for the projector shows the code, the link and the QR code."""
    meeting = factories.make_meeting(signed_in, case)
    code = meeting.join_code

    response = client.get(f"/meetings/{meeting.id}/join-screen")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert f"{code[:3]} {code[3:]}" in page
    _assert_invites_to(page, f"http://localhost/join/{code}")


def test_another_team_s_meeting_is_not_found(client, signed_in):
    """Every page of another team's meeting is a 404, and it cannot be cancelled."""
    other = factories.make_user(team=factories.make_team("South Team"))
    theirs = factories.make_meeting(other, factories.make_case(other))
    show = f"/meetings/{theirs.id}"

    assert client.get(show).status_code == 404
    assert client.get(f"{show}/join-screen").status_code == 404
    assert client.get(f"{show}/edit").status_code == 404
    assert client.get(f"/cases/{theirs.case_id}/meetings/new").status_code == 404
    assert post_form(client, f"{show}/cancel", {}, form_page="/cases/").status_code == 404
    assert _meeting(theirs.id).status == MeetingStatus.SCHEDULED
