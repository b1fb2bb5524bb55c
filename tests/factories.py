"""Build realistic rows through the same commands the app uses."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from fttm.auth import commands as accounts
from fttm.auth.models import Team, User
from fttm.cases.commands import CaseDetails, open_case
from fttm.cases.models import Case
from fttm.jurisdictions import profile
from fttm.meetings.commands import schedule_meeting
from fttm.meetings.models import Meeting

PASSWORD = "amber kettle grazing wombat 17"
_numbers = itertools.count(1)


def make_team(name: str | None = None) -> Team:
    """A team."""
    return accounts.create_team(name or f"Team {next(_numbers)}")


def make_user(
    *,
    team: Team | None,
    role: str = "facilitator",
    name: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
) -> User:
    """A staff account with a known password."""
    number = next(_numbers)
    return accounts.create_user(
        email=email or f"staff{number}@agency.example",
        name=name or f"Staff Member {number}",
        role=role,
        password=password,
        team_id=team.id if team else None,
    )


def make_case(actor: User, **overrides) -> Case:
    """A case opened by `actor` for their team (MiTEAM profile unless overridden)."""
    number = next(_numbers)
    values = dict(
        case_number=f"C-{number:05d}",
        family_name=f"Family{number}",
        jurisdiction="miteam",
        substantiation_date=date.today() - timedelta(days=10),
        permanency_goal="remain_home",
        facilitator_id=actor.id,
    )
    values.update(overrides)
    return open_case(actor, CaseDetails(**values))


def make_meeting(
    actor: User,
    case: Case,
    *,
    days_ahead: int = 7,
    purpose: str = "initial_plan",
    location: str = "Family room 2, Midtown office",
) -> Meeting:
    """A meeting scheduled `days_ahead` days from now at 10:00 in the case's time zone."""
    zone = profile(case.jurisdiction).zone
    day = datetime.now(zone).date() + timedelta(days=days_ahead)
    local_time = datetime(day.year, day.month, day.day, 10, 0)
    return schedule_meeting(actor, case, local_time=local_time, purpose=purpose, location=location)
