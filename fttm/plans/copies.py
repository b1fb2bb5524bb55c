"""Copies of a plan given to the family: each parent and the young person must have one by the
profile's date (seed 002: "a copy provided to the child and parents within 21 days").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from fttm.auth.models import User
from fttm.cases.models import Case
from fttm.cases.timeframes import copy_due_on, name_key
from fttm.core.recorder import Actor, change, snapshot
from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.family_map.models import Person, plan_family
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.models import Participant
from fttm.plans.family_copy import local_day, written_date
from fttm.plans.models import CopyMethod, FamilyCopy, PlanVersion

NAME_MAX = 120
FIELDS = ("plan_version_id", "person_id", "recipient_name", "method", "given_on", "language")


def method_words() -> dict[str, str]:
    """How a copy can reach someone, in the reader's language."""
    return {
        CopyMethod.IN_PERSON.value: _("In person"),
        CopyMethod.POST.value: _("By post"),
        CopyMethod.EMAIL.value: _("By email"),
        CopyMethod.OTHER.value: _("Another way"),
    }


@dataclass(frozen=True)
class Recipient:
    """Someone who must be given a copy: a parent of the child, or the child / young person."""

    person: Person
    kind: str

    @property
    def label(self) -> str:
        """Their name and why they get a copy."""
        kind = _("parent") if self.kind == "parent" else _("child or young person")
        return f"{self.person.name} ({kind})"


def recipients(version: PlanVersion) -> list[Recipient]:
    """Who is owed a copy: the focus child's parents, then the focus child or young person."""
    family = plan_family(version.case_id)
    return [Recipient(p, "parent") for p in family.parents] + [
        Recipient(c, "child") for c in family.children
    ]


def _check_when(version: PlanVersion, given_on: date | str | None) -> tuple[date | None, str]:
    """The day the copy was given, or why it can't be that day."""
    if isinstance(given_on, str):
        try:
            given_on = date.fromisoformat(given_on.strip())
        except ValueError:
            given_on = None
    if not isinstance(given_on, date):
        return None, _("Enter the date the copy was given.")
    rules = profile(version_case(version).jurisdiction)
    taken_on = local_day(version.created_at, rules.zone)
    if given_on > rules.today():
        return None, _("The date can't be in the future.")
    if given_on < taken_on:
        return None, _(
            "This plan was made on %(date)s: a copy can't have been given before then.",
            date=written_date(taken_on),
        )
    return given_on, ""


def version_case(version: PlanVersion) -> Case:
    """The case a version belongs to."""
    return db.session.get(Case, version.case_id)


def _check_recipient(
    version: PlanVersion, person_id: int | None, recipient_name: str | None
) -> tuple[int | None, str, str]:
    """(person id, name) of who was given the copy, or why that can't be saved."""
    if person_id is not None:
        offered = {r.person.id: r.person for r in recipients(version)}
        person = offered.get(person_id)
        if person is None:
            return None, "", _("Choose someone from the list, or “someone else” with their name.")
        return person.id, person.name, ""
    if recipient_name is None:
        return None, "", _("Choose who was given the copy.")
    name = " ".join(recipient_name.split())
    if not name:
        return None, "", _("Write the name of the person who was given the copy.")
    if len(name) > NAME_MAX:
        return None, "", _("Use at most %(count)s characters.", count=NAME_MAX)
    return None, name, ""


def member_language(version: PlanVersion, person_id: int | None) -> str | None:
    """The language the family member's phone used in the version's meeting, if they joined."""
    if person_id is None:
        return None
    chosen = db.session.scalars(
        sa.select(Participant.language)
        .where(Participant.meeting_id == version.meeting_id, Participant.person_id == person_id)
        .where(Participant.language.is_not(None))
        .order_by(Participant.id.desc())
    ).first()
    return chosen if chosen in _languages() else None


def _languages() -> list[str]:
    """The languages a copy can be made in (config LANGUAGES), the default first."""
    return list(current_app.config["LANGUAGES"])


def _check_language(
    version: PlanVersion, user: User, person_id: int | None, language: str | None
) -> tuple[str, str]:
    """The language the copy is in: the one chosen, else the member's in the meeting, else the
    staff member's; or why the choice can't be used."""
    known = _languages()
    if language:
        if language not in known:
            return "", _("Choose a language from the list.")
        return language, ""
    mine = user.language if user.language in known else known[0]
    return member_language(version, person_id) or mine, ""


def check_copy(
    version: PlanVersion,
    user: User,
    *,
    person_id: int | None = None,
    recipient_name: str | None = None,
    method: str,
    given_on: date | str | None,
    language: str | None = None,
) -> tuple[int | None, str, CopyMethod, date, str]:
    """Check a copy's recipient, method, date and language; Invalid names every problem at once."""
    errors: dict[str, str] = {}
    person, name, problem = _check_recipient(version, person_id, recipient_name)
    if problem:
        errors["recipient"] = problem
    if method not in {m.value for m in CopyMethod}:
        errors["method"] = _("Choose how the copy was given.")
    day, problem = _check_when(version, given_on)
    if problem:
        errors["given_on"] = problem
    written_in, problem = _check_language(version, user, person, language)
    if problem:
        errors["language"] = problem
    if errors:
        raise Invalid(errors)
    return person, name, CopyMethod(method), day, written_in


def record_copy(
    user: User,
    version: PlanVersion,
    *,
    person_id: int | None = None,
    recipient_name: str | None = None,
    method: str,
    given_on: date | str | None,
    language: str | None = None,
) -> FamilyCopy:
    """Record that a copy of the version was given to someone, on a day, in some way, in a
    language (by default the member's in the meeting, else the staff member's)."""
    case = version_case(version)
    if not user.is_staff_of_cases or user.team_id != case.team_id:
        raise NotFound("staff of another team")
    person, name, how, day, written_in = check_copy(
        version,
        user,
        person_id=person_id,
        recipient_name=recipient_name,
        method=method,
        given_on=given_on,
        language=language,
    )
    with change(case.id, Actor.for_user(user), meeting_id=version.meeting_id) as current:
        copy = FamilyCopy(
            plan_version_id=version.id,
            person_id=person,
            recipient_name=name,
            method=how,
            given_on=day,
            language=written_in,
            recorded_by_user_id=user.id,
        )
        db.session.add(copy)
        current.record("family_copy.recorded", copy, after=snapshot(copy, FIELDS), section="plan")
    return copy


@dataclass(frozen=True)
class CopiesStatus:
    """Who has had a copy of a version, who still needs one, and by when."""

    copies: list[FamilyCopy]
    given: list[Recipient]
    waiting: list[Recipient]
    recipients: list[Recipient]
    due_on: date | None
    overdue: bool


def copies_of(version: PlanVersion) -> list[FamilyCopy]:
    """Every copy recorded for the version, in the order they were given."""
    return db.session.scalars(
        sa.select(FamilyCopy)
        .where(FamilyCopy.plan_version_id == version.id)
        .order_by(FamilyCopy.given_on, FamilyCopy.id)
    ).all()


def copies_status(version: PlanVersion) -> CopiesStatus:
    """Who has had a copy, who hasn't yet, and the date everyone must have had one by."""
    case = version_case(version)
    rules = profile(case.jurisdiction)
    copies = copies_of(version)
    had = {copy.person_id for copy in copies if copy.person_id is not None}
    named = {name_key(copy.recipient_name) for copy in copies if copy.person_id is None}
    offered = recipients(version)
    waiting = [
        r for r in offered if r.person.id not in had and name_key(r.person.name) not in named
    ]
    # With nobody on the map to name, one copy must still be given.
    waiting_for_anyone = bool(waiting) or not (offered or copies)
    due = copy_due_on(case, version, rules)
    return CopiesStatus(
        copies=list(copies),
        given=[r for r in offered if r not in waiting],
        waiting=waiting,
        recipients=offered,
        due_on=due,
        overdue=waiting_for_anyone and due is not None and due < rules.today(),
    )
