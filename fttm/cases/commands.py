"""Opening and editing cases."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date

import sqlalchemy as sa

from fttm.auth.models import Role, User
from fttm.cases.models import Case
from fttm.core.recorder import Actor, change, snapshot
from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.jurisdictions import all_profiles
from fttm.languages import gettext as _

CASE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]*$")
EARLIEST_DATE = date(1900, 1, 1)


@dataclass(frozen=True)
class CaseDetails:
    """What a caseworker types about a case."""

    case_number: str
    family_name: str
    jurisdiction: str
    substantiation_date: date | None
    permanency_goal: str
    placement_date: date | None = None
    facilitator_id: int | None = None
    indigenous_child: bool = False
    tribe_contacted_on: date | None = None


FIELDS = tuple(f.name for f in fields(CaseDetails))


def _past_date(value: date | None, today: date, field: str, errors: dict[str, str]) -> None:
    """A date that has happened: not in the future, not absurdly old."""
    if value is not None and value > today:
        errors[field] = _("This date is in the future. Enter the date it happened.")
    elif value is not None and value < EARLIEST_DATE:
        errors[field] = _("Check the year of this date.")


def check_case(actor: User, details: CaseDetails, case_id: int | None = None) -> CaseDetails:
    """Tidy the details and check every rule; Invalid names each field that breaks one."""
    errors: dict[str, str] = {}
    number = " ".join(details.case_number.split())
    family_name = " ".join(details.family_name.split())
    if not number:
        errors["case_number"] = _("Enter the case number.")
    elif len(number) > 40 or not CASE_NUMBER.match(number):
        errors["case_number"] = _(
            "Use at most 40 letters, digits, spaces, dots, dashes or slashes."
        )
    elif db.session.scalar(
        sa.select(Case.id).where(
            Case.team_id == actor.team_id,
            sa.func.lower(Case.case_number) == number.lower(),
            Case.id != (case_id or 0),
        )
    ):
        errors["case_number"] = _("Your team already has a case with this number.")
    if not family_name:
        errors["family_name"] = _("Enter the family name.")
    elif len(family_name) > 120:
        errors["family_name"] = _("Use at most 120 characters.")
    profile = all_profiles().get(details.jurisdiction)
    if profile is None:
        errors["jurisdiction"] = _("Choose a jurisdiction profile from the list.")
    else:
        today = profile.today()
        if details.substantiation_date is None:
            errors["substantiation_date"] = _("Enter the substantiation date.")
        _past_date(details.substantiation_date, today, "substantiation_date", errors)
        _past_date(details.placement_date, today, "placement_date", errors)
        _past_date(details.tribe_contacted_on, today, "tribe_contacted_on", errors)
        if not profile.has("permanency_goals", details.permanency_goal):
            errors["permanency_goal"] = _("Choose a permanency goal from the list.")
    if details.facilitator_id is not None:
        facilitator = db.session.get(User, details.facilitator_id)
        if (
            facilitator is None
            or facilitator.team_id != actor.team_id
            or not facilitator.active
            or facilitator.role == Role.ADMIN
        ):
            errors["facilitator_id"] = _("Choose a facilitator from your team.")
    if details.tribe_contacted_on is not None and not details.indigenous_child:
        errors["tribe_contacted_on"] = _(
            "Only for an Indigenous child: tick the box above, or clear this date."
        )
    if errors:
        raise Invalid(errors)
    return CaseDetails(
        **{
            **{name: getattr(details, name) for name in FIELDS},
            "case_number": number,
            "family_name": family_name,
        }
    )


def _require_caseworker(actor: User) -> None:
    """Only facilitators and supervisors with a team work on cases."""
    if not actor.is_staff_of_cases:
        raise NotFound("only caseworkers open cases")


def open_case(actor: User, details: CaseDetails) -> Case:
    """Open a new case for the actor's team."""
    _require_caseworker(actor)
    details = check_case(actor, details)
    with change(None, Actor.for_user(actor)) as current:
        case = Case(team_id=actor.team_id, **{name: getattr(details, name) for name in FIELDS})
        db.session.add(case)
        db.session.flush()
        current.case_id = case.id
        current.record("case.opened", case, after=snapshot(case, FIELDS), section="case")
    return case


def update_case(actor: User, case: Case, details: CaseDetails) -> Case:
    """Change a case's details; the transcript keeps the values before and after."""
    _require_caseworker(actor)
    if case.team_id != actor.team_id:
        raise NotFound("case of another team")
    details = check_case(actor, details, case.id)
    changed = tuple(name for name in FIELDS if getattr(case, name) != getattr(details, name))
    if not changed:
        return case
    with change(case.id, Actor.for_user(actor)) as current:
        before = snapshot(case, changed)
        for name in changed:
            setattr(case, name, getattr(details, name))
        current.record(
            "case.updated", case, before=before, after=snapshot(case, changed), section="case"
        )
    return case
