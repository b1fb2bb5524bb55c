"""Who may open what: a team's cases stay with the team, and probing ids reveals nothing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from fttm.auth.models import Team
from fttm.extensions import db
from fttm.meetings.models import MeetingStatus
from tests import factories
from tests.helpers import csrf_token

MISSING_ID = 987654
ROWS = re.compile(r"<tbody>.*?</tbody>", re.S)
TOKEN = re.compile(r'(name="csrf_token"[^>]*value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture
def other_team_case():
    """A case and a scheduled meeting of another team, with a family name easy to spot."""
    south = factories.make_team("South Team")
    colleague = factories.make_user(team=south, name="Olu Other")
    case = factories.make_case(
        colleague, family_name="Zebulon-Quartermaine", case_number="SOUTH-77"
    )
    meeting = factories.make_meeting(colleague, case)
    return case, meeting


def _without_tokens(body: str) -> str:
    """A page with its per-request security tokens blanked, so two pages can be compared."""
    return TOKEN.sub(r"\1", body)


def _probe(client, method: str, path: str):
    """Request `path` as a signed-in user would, with a valid CSRF token for a POST."""
    if method == "POST":
        return client.post(path, data={"csrf_token": csrf_token(client, "/cases/new")})
    return client.get(path)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    """The case list is for signed-in staff only."""
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "path", ["/cases/1", "/cases/new", "/meetings/1", "/admin/users", "/meetings/1/join-screen"]
)
def test_anonymous_visitor_sees_no_staff_page(client, path):
    """Every staff page asks for a sign-in first."""
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_facilitator_sees_their_teams_cases(client, auth, facilitator):
    """The list and each case page of the facilitator's own team open."""
    case = factories.make_case(facilitator, family_name="Ashworth")
    auth.login(facilitator)
    assert "Ashworth" in client.get("/cases/").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}").status_code == 200


def test_supervisor_sees_the_teams_cases(client, auth, facilitator, supervisor):
    """A supervisor reads every case of the team, including those a facilitator opened."""
    case = factories.make_case(facilitator, family_name="Ashworth")
    meeting = factories.make_meeting(facilitator, case)
    auth.login(supervisor)
    assert "Ashworth" in client.get("/cases/").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert client.get(f"/meetings/{meeting.id}").status_code == 200


@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("GET", "/cases/{case}"),
        ("GET", "/cases/{case}/edit"),
        ("POST", "/cases/{case}/edit"),
        ("GET", "/cases/{case}/meetings/new"),
        ("POST", "/cases/{case}/meetings/new"),
        ("GET", "/meetings/{meeting}"),
        ("GET", "/meetings/{meeting}/edit"),
        ("POST", "/meetings/{meeting}/edit"),
        ("GET", "/meetings/{meeting}/join-screen"),
        ("POST", "/meetings/{meeting}/cancel"),
    ],
)
def test_another_teams_case_looks_exactly_like_no_case(
    client, auth, facilitator, other_team_case, method, template
):
    """Another team's case answers exactly as an id that does not exist: 404, nothing shown."""
    case, meeting = other_team_case
    auth.login(facilitator)
    theirs = _probe(client, method, template.format(case=case.id, meeting=meeting.id))
    missing = _probe(client, method, template.format(case=MISSING_ID, meeting=MISSING_ID))
    assert theirs.status_code == missing.status_code == 404
    body = theirs.get_data(as_text=True)
    for secret in ("Zebulon", "SOUTH-77", "South Team", "Olu Other", meeting.join_code):
        assert secret not in body
    assert _without_tokens(body) == _without_tokens(missing.get_data(as_text=True))


def test_probing_another_team_changes_nothing(client, auth, facilitator, other_team_case):
    """Posting to another team's case or meeting neither edits nor cancels anything."""
    case, meeting = other_team_case
    auth.login(facilitator)
    token = csrf_token(client, "/cases/new")
    client.post(
        f"/cases/{case.id}/edit",
        data={
            "csrf_token": token,
            "case_number": "SOUTH-77",
            "family_name": "Renamed",
            "jurisdiction": "miteam",
            "substantiation_date": case.substantiation_date.isoformat(),
            "permanency_goal": "remain_home",
        },
    )
    client.post(f"/meetings/{meeting.id}/cancel", data={"csrf_token": token})
    db.session.expire_all()
    assert case.family_name == "Zebulon-Quartermaine"
    assert meeting.status == MeetingStatus.SCHEDULED
    assert case.event_seq == 2


def test_admin_gets_404_on_the_case_list(client, auth, admin):
    """Admins manage accounts; they do not read families' cases."""
    auth.login(admin)
    assert client.get("/cases/").status_code == 404
    assert client.get("/cases/new").status_code == 404


def test_admin_cannot_open_a_case_by_id(client, auth, admin, facilitator):
    """Not even a case they can guess the id of."""
    case = factories.make_case(facilitator, family_name="Ashworth")
    auth.login(admin)
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 404
    assert "Ashworth" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/users/1"])
def test_caseworkers_get_404_on_admin_pages(client, auth, facilitator, supervisor, path):
    """Facilitators and supervisors cannot manage accounts, nor tell the pages exist."""
    for user in (facilitator, supervisor):
        auth.login(user)
        assert client.get(path).status_code == 404
        auth.logout()


def test_caseworker_cannot_create_a_team(client, auth, facilitator):
    """The admin-only team form refuses a caseworker's POST."""
    auth.login(facilitator)
    response = client.post(
        "/admin/teams", data={"csrf_token": csrf_token(client, "/cases/"), "name": "Shadow Team"}
    )
    assert response.status_code == 404
    assert db.session.scalar(sa.select(Team).where(Team.name == "Shadow Team")) is None


def test_case_list_never_shows_another_teams_families(client, auth, facilitator, other_team_case):
    """Searching for another team's family or case number finds nothing of it."""
    theirs, _ = other_team_case
    factories.make_case(facilitator, family_name="Ashworth")
    auth.login(facilitator)
    for query in (
        {},
        {"q": "Zebulon"},
        {"q": "zebulon-quartermaine"},
        {"q": "SOUTH-77"},
        {"q": "a"},
    ):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get("/cases/", query_string=query, headers=headers)
            assert response.status_code == 200
            body = response.get_data(as_text=True)
            assert f'href="/cases/{theirs.id}"' not in body
            rows = " ".join(ROWS.findall(body))
            assert "Zebulon" not in rows and "SOUTH-77" not in rows
    found = client.get("/cases/", query_string={"q": "ashw"}).get_data(as_text=True)
    assert "Ashworth" in " ".join(ROWS.findall(found))
    assert "No case matches" in client.get("/cases/", query_string={"q": "Zebulon"}).get_data(
        as_text=True
    )
