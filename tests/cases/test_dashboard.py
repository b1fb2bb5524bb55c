"""The team dashboard: the team's open deadlines under Overdue, Due in the next 7 days and Later,
counted at the top, for facilitators and supervisors of the team only."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.plans.models import CopyMethod, Endorsement, EndorsementDecision, FamilyCopy, PlanVersion
from tests import factories

DASHBOARD = "/dashboard"
BICPM = {"jurisdiction": "bicpm", "permanency_goal": "family_reunification"}


def _today(jurisdiction: str = "miteam") -> date:
    """Today where the jurisdiction is."""
    return profile(jurisdiction).today()


def _shown(day: date) -> str:
    """A date as the page shows it to an English reader."""
    return format_date(day, format="medium", locale="en")


def _text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _groups(page: str) -> dict[str, list[list[str]]]:
    """Each group's rows as the cells a reader sees: case, family, what, date, when, facilitator."""
    groups = {}
    for key, body in re.findall(
        r'<section class="due-group due-group-(\w+)".*?>(.*?)</section>', page, re.S
    ):
        rows = re.findall(r"<tr class=[^>]*>(.*?)</tr>", body, re.S)
        groups[key] = [
            [_text(cell) for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows
        ]
    return groups


def _counts(page: str) -> dict[str, int]:
    """The numbers at the top of the page, by group."""
    return {
        key: int(number)
        for key, number in re.findall(
            r'<li class="due-count due-count-(\w+)">\s*<a [^>]*><strong class="number">(\d+)',
            page,
        )
    }


def _page(client, query: str = "") -> str:
    """The dashboard as the signed-in user sees it."""
    response = client.get(DASHBOARD + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _plan_case(actor, **details) -> tuple:
    """A case whose first meeting just ended: its plan version is waiting."""
    case = factories.make_case(actor, **details)
    meeting = factories.make_meeting(actor, case)
    start_meeting(actor, meeting)
    end_meeting(actor, meeting)
    version = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.case_id == case.id))
    return case, version


def _endorse_and_copy(version, supervisor, facilitator) -> None:
    """The supervisor endorsed the version and the family got their copy."""
    db.session.add(
        Endorsement(
            plan_version_id=version.id,
            supervisor_id=supervisor.id,
            decision=EndorsementDecision.ENDORSED,
        )
    )
    db.session.add(
        FamilyCopy(
            plan_version_id=version.id,
            recipient_name="Ana Rivera",
            method=CopyMethod.POST,
            given_on=_today(),
            recorded_by_user_id=facilitator.id,
        )
    )
    db.session.commit()


@pytest.fixture
def team_cases(facilitator, supervisor):
    """MiTEAM cases whose plan is 10 days late, due in 3 days, due in 20 days, and one whose
    endorsed, copied plan has only its review 90 days ahead; the supervisor facilitates one."""
    today = _today()
    cases = {
        "late": factories.make_case(
            facilitator,
            case_number="LATE-1",
            family_name="Abbott",
            substantiation_date=today - timedelta(days=40),
        ),
        "soon": factories.make_case(
            supervisor,
            case_number="SOON-1",
            family_name="Baker",
            substantiation_date=today - timedelta(days=27),
        ),
        "later": factories.make_case(
            facilitator,
            case_number="LATER-1",
            family_name="Chen",
            substantiation_date=today - timedelta(days=10),
        ),
    }
    far, version = _plan_case(
        facilitator, case_number="FAR-1", family_name="Diaz", substantiation_date=today
    )
    _endorse_and_copy(version, supervisor, facilitator)
    cases["far"] = far
    return cases


def test_deadlines_are_grouped_by_urgency_and_counted(client, auth, supervisor, team_cases):
    """Overdue, due in the next 7 days, later this month; a review 90 days off is not listed."""
    auth.login(supervisor)
    today = _today()

    page = _page(client)

    groups = _groups(page)
    assert groups["overdue"] == [
        [
            "LATE-1",
            "Abbott",
            "Case plan",
            _shown(today - timedelta(days=10)),
            "10 days overdue",
            "Fran Facilitator",
        ]
    ]
    assert groups["soon"] == [
        [
            "SOON-1",
            "Baker",
            "Case plan",
            _shown(today + timedelta(days=3)),
            "3 days left",
            "Sam Supervisor (you)",
        ]
    ]
    assert [(row[0], row[4]) for row in groups["later"]] == [("LATER-1", "20 days left")]
    assert _counts(page) == {"overdue": 1, "soon": 1, "later": 1}
    assert "FAR-1" not in page
    case_link = f'href="/cases/{team_cases["late"].id}"'
    assert case_link in page


def test_a_waiting_plan_shows_its_endorsement_and_the_familys_copy(
    client, auth, supervisor, facilitator
):
    """A BICPM plan made late, 25 days after substantiation: both are overdue already."""
    substantiated = _today("bicpm") - timedelta(days=25)
    _plan_case(facilitator, case_number="WAIT-1", substantiation_date=substantiated, **BICPM)
    due = profile("bicpm").deadline(substantiated, 21)
    late = (_today("bicpm") - due).days
    auth.login(supervisor)

    overdue = _groups(_page(client))["overdue"]

    assert sorted((row[2], row[4]) for row in overdue) == [
        ("Copy of the plan to the family", f"{late} days overdue"),
        ("Supervisor endorses the plan", f"{late} days overdue"),
    ]
    assert all(row[0] == "WAIT-1" for row in overdue)


def test_due_today_is_due_soon_not_overdue(client, auth, facilitator):
    """On the due date itself the plan shows under the next 7 days, as due today."""
    factories.make_case(
        facilitator, case_number="TODAY-1", substantiation_date=_today() - timedelta(days=30)
    )
    auth.login(facilitator)

    groups = _groups(_page(client))

    assert groups["overdue"] == []
    assert [(row[0], row[4]) for row in groups["soon"]] == [("TODAY-1", "Due today")]


def test_other_teams_cases_are_never_shown(client, auth, supervisor, team_cases):
    """Another team's overdue case is neither listed nor counted."""
    other_team = factories.make_team("South Team")
    outsider = factories.make_user(team=other_team, role="facilitator")
    factories.make_case(
        outsider,
        case_number="SOUTH-1",
        family_name="Elsewhere",
        substantiation_date=_today() - timedelta(days=60),
    )
    auth.login(supervisor)

    page = _page(client)

    assert "SOUTH-1" not in page and "Elsewhere" not in page
    assert _counts(page)["overdue"] == 1


def test_only_my_cases(client, auth, facilitator, team_cases):
    """The facilitator narrows the list to the cases they facilitate."""
    auth.login(facilitator)

    mine = _page(client, "?mine=1")

    listed = {row[0] for rows in _groups(mine).values() for row in rows}
    assert listed == {"LATE-1", "LATER-1"}
    assert _counts(mine) == {"overdue": 1, "soon": 0, "later": 1}
    assert re.search(r'href="/dashboard\?mine=1" aria-current="page"', mine)


@pytest.mark.parametrize("query", ["?mine=0", "?mine=yes", "?mine=%3Cscript%3E", "?mine="])
def test_a_bad_only_mine_value_shows_the_whole_team(client, auth, facilitator, team_cases, query):
    """Anything but mine=1 is ignored: the whole team, as on a plain visit."""
    auth.login(facilitator)

    page = _page(client, query)

    listed = {row[0] for rows in _groups(page).values() for row in rows}
    assert listed == {"LATE-1", "SOON-1", "LATER-1"}
    assert re.search(r'href="/dashboard" aria-current="page"', page)
    assert "<script>" not in page


def test_an_empty_team_sees_nothing_due(client, auth, supervisor):
    """No cases: every group says so, every count is 0."""
    auth.login(supervisor)

    page = _page(client)

    assert _counts(page) == {"overdue": 0, "soon": 0, "later": 0}
    assert "Nothing is overdue." in page


def test_admins_get_not_found(client, auth, admin):
    """The dashboard is for caseworkers: an admin gets the same 404 as a missing page."""
    auth.login(admin)

    assert client.get(DASHBOARD).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    """Nobody sees a team's deadlines without signing in."""
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def _queries_for(client, path: str) -> int:
    """How many SQL statements the server ran to answer `path`."""
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_team(
    client, auth, supervisor, facilitator, team_cases
):
    """Ten more cases with plans, decisions and copies cost no extra query, on the dashboard
    and on the case list."""
    auth.login(supervisor)
    before = {path: _queries_for(client, path) for path in (DASHBOARD, "/cases/")}
    for number in range(10):
        _case, version = _plan_case(facilitator, substantiation_date=_today())
        if number % 2:
            _endorse_and_copy(version, supervisor, facilitator)

    after = {path: _queries_for(client, path) for path in (DASHBOARD, "/cases/")}

    assert after == before
    assert _counts(_page(client))["later"] == 1 + 5 * 2


def test_the_case_list_flags_a_deadline_due_soon(client, auth, facilitator, team_cases):
    """Next to "Overdue", the case list says "Due soon" for a deadline in the coming week."""
    auth.login(facilitator)

    page = client.get("/cases/").get_data(as_text=True)

    rows = {
        number: _text(row)
        for row in re.findall(r"<tr\b.*?</tr>", page, re.S)
        for number in ("LATE-1", "SOON-1", "LATER-1")
        if f">{number}<" in row
    }
    assert "Overdue" in rows["LATE-1"] and "Due soon" not in rows["LATE-1"]
    assert "Due soon" in rows["SOON-1"] and "Overdue" not in rows["SOON-1"]
    assert "Due soon" not in rows["LATER-1"]


def test_the_case_list_shows_a_waiting_endorsement_as_next_due(client, auth, facilitator):
    """After the meeting the next deadline is the plan's endorsement, not the 90-day review."""
    _plan_case(facilitator, case_number="WAIT-2", substantiation_date=_today())
    auth.login(facilitator)

    page = client.get("/cases/").get_data(as_text=True)

    [row] = [_text(r) for r in re.findall(r"<tr\b.*?</tr>", page, re.S) if ">WAIT-2<" in r]
    assert "Supervisor endorses the plan" in row
