"""Build realistic rows: through the same commands the app uses, or, for the family map a test
starts from, written straight to the database (its commands need a live meeting)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from fttm.auth import commands as accounts
from fttm.auth.models import Team, User
from fttm.cases.commands import CaseDetails, open_case
from fttm.cases.models import Case
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map.models import Person, Relationship, RelationshipKind
from fttm.joining.commands import admit, join_meeting, say_who_i_am
from fttm.jurisdictions import profile
from fttm.meetings.commands import schedule_meeting
from fttm.meetings.models import Meeting, ParticipantStatus

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


def make_phone(staff: Viewer, name: str, role: str, person_id: int | None = None) -> Viewer:
    """A family member who joined by code and was let in, as their phone sees the meeting: the
    facilitator admits them (saying who they are in the family map, when given), or, let in at
    once, the phone says so itself.
    """
    participant = join_meeting(staff.meeting, display_name=name, role=role)
    if participant.status == ParticipantStatus.WAITING:
        admit(staff.participant, participant, person_id)
    elif person_id is not None:
        say_who_i_am(participant, person_id)
    return Viewer(staff.meeting, participant)


def make_person(case_id: int, name: str, **fields) -> Person:
    """Someone on a case's family map (`fields`: any of its columns, such as confidential)."""
    person = Person(case_id=case_id, name=name, **fields)
    db.session.add(person)
    db.session.commit()
    return person


def make_relationship(case_id: int, kind: str, source: Person, target: Person) -> Relationship:
    """A line of the genogram; parentage runs from `source`, the parent, to `target`."""
    line = Relationship(
        case_id=case_id,
        kind=RelationshipKind(kind),
        from_person_id=source.id,
        to_person_id=target.id,
    )
    db.session.add(line)
    db.session.commit()
    return line


def make_reyes_family(case_id: int) -> dict[str, Person]:
    """Leo (the focus child) and his birth parents Maria and Tom on the family map."""
    people = {
        "leo": make_person(case_id, "Leo Reyes", is_focus_child=True, birth_year=2015),
        "maria": make_person(case_id, "Maria Reyes", birth_year=1990),
        "tom": make_person(case_id, "Tom Reyes", birth_year=1988),
    }
    for parent in (people["maria"], people["tom"]):
        make_relationship(case_id, "biological", parent, people["leo"])
    return people
