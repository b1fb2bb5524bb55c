"""The case commands on their own: what they record in the transcript and whom they refuse."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from fttm.auth.models import Role, User
from fttm.cases.commands import CaseDetails, open_case, update_case
from fttm.cases.models import Case
from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.jurisdictions import profile
from tests import factories
from tests.helpers import transcript_events


def _details(facilitator: User, **overrides) -> CaseDetails:
    """A valid MiTEAM case as a caseworker would type it."""
    values = dict(
        case_number="MI-2024-0042",
        family_name="Rivera",
        jurisdiction="miteam",
        substantiation_date=date(2025, 1, 10),
        permanency_goal="reunification",
        facilitator_id=facilitator.id,
    )
    values.update(overrides)
    return CaseDetails(**values)


def _case_count() -> int:
    """How many cases exist."""
    return db.session.scalar(sa.select(sa.func.count(Case.id)))


def test_open_case_records_the_details_in_the_transcript(facilitator):
    """Opening a case writes one "case.opened" event holding everything typed."""
    case = open_case(facilitator, _details(facilitator, family_name="  Rivera   Lopez "))

    [event] = transcript_events(case.id)
    assert (event.kind, event.seq, event.section) == ("case.opened", 1, "case")
    assert (event.target_type, event.target_id) == ("Case", case.id)
    assert (event.actor_user_id, event.actor_name, event.actor_role) == (
        facilitator.id,
        "Fran Facilitator",
        "facilitator",
    )
    assert event.before is None
    assert event.after == {
        "case_number": "MI-2024-0042",
        "family_name": "Rivera Lopez",
        "jurisdiction": "miteam",
        "substantiation_date": "2025-01-10",
        "permanency_goal": "reunification",
        "placement_date": None,
        "facilitator_id": facilitator.id,
        "indigenous_child": False,
        "tribe_contacted_on": None,
    }
    assert case.team_id == facilitator.team_id


def test_a_supervisor_can_open_a_case(supervisor):
    """Supervisors work on their team's cases too."""
    case = open_case(supervisor, _details(supervisor))

    assert case.team_id == supervisor.team_id
    assert [event.kind for event in transcript_events(case.id)] == ["case.opened"]


def test_update_case_records_only_the_changed_fields(facilitator):
    """An update's event holds the before and after of what changed, and nothing else."""
    case = open_case(facilitator, _details(facilitator))
    placed = date(2025, 1, 12)

    update_case(
        facilitator, case, _details(facilitator, family_name="Rivera-Lopez", placement_date=placed)
    )

    events = transcript_events(case.id)
    assert [(event.kind, event.seq) for event in events] == [
        ("case.opened", 1),
        ("case.updated", 2),
    ]
    assert events[1].before == {"family_name": "Rivera", "placement_date": None}
    assert events[1].after == {"family_name": "Rivera-Lopez", "placement_date": "2025-01-12"}
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert (saved.family_name, saved.placement_date) == ("Rivera-Lopez", placed)


def test_an_update_without_changes_writes_no_event(facilitator):
    """Saving the form untouched (or with only extra spaces) leaves the transcript alone."""
    case = open_case(facilitator, _details(facilitator))

    update_case(facilitator, case, _details(facilitator))
    update_case(
        facilitator,
        case,
        _details(facilitator, family_name=" Rivera ", case_number="MI-2024-0042  "),
    )

    assert [event.kind for event in transcript_events(case.id)] == ["case.opened"]


def test_an_admin_cannot_open_cases(admin, facilitator):
    """Admins manage accounts, not cases."""
    with pytest.raises(NotFound):
        open_case(admin, _details(facilitator))
    assert _case_count() == 0
    assert transcript_events() == []


def test_a_caseworker_without_a_team_cannot_open_cases(app):
    """A facilitator who belongs to no team has no cases to open."""
    loner = User(
        email="loner@agency.example", name="Lone Worker", role=Role.FACILITATOR, team_id=None
    )
    loner.set_password(factories.PASSWORD)
    db.session.add(loner)
    db.session.commit()

    with pytest.raises(NotFound):
        open_case(loner, _details(loner, facilitator_id=None))
    assert _case_count() == 0


def test_a_user_of_another_team_cannot_update_the_case(facilitator):
    """Another team's facilitator is told the case does not exist, and nothing changes."""
    case = open_case(facilitator, _details(facilitator))
    outsider = factories.make_user(team=factories.make_team("South Team"))

    with pytest.raises(NotFound):
        update_case(outsider, case, _details(outsider, family_name="Hijacked"))

    db.session.expire_all()
    assert db.session.get(Case, case.id).family_name == "Rivera"
    assert [event.kind for event in transcript_events(case.id)] == ["case.opened"]


def test_an_admin_cannot_update_a_case(facilitator, admin):
    """Admins cannot change case details."""
    case = open_case(facilitator, _details(facilitator))

    with pytest.raises(NotFound):
        update_case(admin, case, _details(facilitator, family_name="Changed"))


def test_invalid_names_every_field_that_breaks_a_rule(facilitator):
    """One refusal lists a message for each broken field, so the form can show them all."""
    tomorrow = profile("miteam").today() + timedelta(days=1)
    outsider = factories.make_user(team=factories.make_team("South Team"))

    with pytest.raises(Invalid) as refused:
        open_case(
            facilitator,
            _details(
                facilitator,
                case_number="",
                family_name="F" * 121,
                placement_date=tomorrow,
                permanency_goal="family_reunification",
                facilitator_id=outsider.id,
                tribe_contacted_on=date(2025, 1, 11),
            ),
        )

    errors = refused.value.errors
    assert set(errors) == {
        "case_number",
        "family_name",
        "placement_date",
        "permanency_goal",
        "facilitator_id",
        "tribe_contacted_on",
    }
    assert all(isinstance(message, str) and message for message in errors.values())
    assert errors["case_number"] == "Enter the case number."
    assert _case_count() == 0
    assert transcript_events() == []


def test_an_unknown_jurisdiction_is_invalid(facilitator):
    """A profile id the app does not have is refused on the jurisdiction field."""
    with pytest.raises(Invalid) as refused:
        open_case(facilitator, _details(facilitator, jurisdiction="narnia"))

    assert set(refused.value.errors) == {"jurisdiction"}


def test_an_invalid_update_changes_nothing(facilitator):
    """A refused update leaves the case and its transcript untouched."""
    case = open_case(facilitator, _details(facilitator))
    other = open_case(facilitator, _details(facilitator, case_number="MI-2024-0043"))

    with pytest.raises(Invalid) as refused:
        update_case(
            facilitator,
            case,
            replace(_details(facilitator), case_number="MI-2024-0043", family_name="Changed"),
        )

    assert set(refused.value.errors) == {"case_number"}
    db.session.expire_all()
    assert db.session.get(Case, case.id).family_name == "Rivera"
    assert [event.kind for event in transcript_events(case.id)] == ["case.opened"]
    assert [event.kind for event in transcript_events(other.id)] == ["case.opened"]
