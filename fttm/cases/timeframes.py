"""What is due next on a case, and when, from its jurisdiction profile's timeframes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer

from fttm import jurisdictions
from fttm.cases.models import Case
from fttm.extensions import db
from fttm.family_map.models import plan_families
from fttm.jurisdictions import Profile, Timeframe
from fttm.meetings.models import MeetingStatus
from fttm.plans.models import Endorsement, EndorsementDecision, FamilyCopy, PlanVersion

# A deadline this close is flagged "due soon": a week leaves time to book a visit or a
# supervision slot before it passes, and matches the dashboard's "next 7 days" group.
DUE_SOON_DAYS = 7
# Who is owed a copy of the plan: birth and adoptive parents. Foster carers look after the
# child but are not the parents the case plan is agreed with.


class DeadlineKind(StrEnum):
    """The kinds of deadline a case can have: its plan and reviews, and its latest plan version's
    endorsement and copies for the family."""

    PLAN = "plan"
    REVIEW = "review"
    TRIBE_CONTACT = "tribe_contact"
    ENDORSEMENT = "endorsement"
    FAMILY_COPY = "family_copy"


DEADLINE_LABELS = {
    DeadlineKind.PLAN: _l("Case plan"),
    DeadlineKind.REVIEW: _l("Plan review"),
    DeadlineKind.TRIBE_CONTACT: _l("Contact the child's tribe or community"),
    DeadlineKind.ENDORSEMENT: _l("Supervisor endorses the plan"),
    DeadlineKind.FAMILY_COPY: _l("Copy of the plan to the family"),
}


@dataclass(frozen=True)
class Deadline:
    """Something that must happen on a case by a date, seen from `today` where the case is."""

    kind: DeadlineKind
    due: date
    today: date

    @property
    def label(self) -> str:
        """What is due, in the reader's language."""
        return str(DEADLINE_LABELS[self.kind])

    @property
    def days_left(self) -> int:
        """Days until the due date: 0 on the day, negative once it has passed."""
        return (self.due - self.today).days

    @property
    def overdue(self) -> bool:
        """The due date has passed (on the day itself it is not late yet)."""
        return self.days_left < 0

    @property
    def due_soon(self) -> bool:
        """Not late yet, but due within DUE_SOON_DAYS days."""
        return 0 <= self.days_left <= DUE_SOON_DAYS


@dataclass(frozen=True)
class PlanProgress:
    """How far the case's latest plan version has got: endorsed yet, copies given to the family."""

    version: PlanVersion | None = None
    endorsed: bool = False
    family_has_copies: bool = False


NO_PLAN_YET = PlanProgress()


def _start(timeframe: Timeframe, dates: dict[str, date | None]) -> date | None:
    """The first of the timeframe's anchor dates that the case has."""
    return next((dates[a] for a in timeframe.anchors if dates.get(a) is not None), None)


def last_plan_date(case: Case, profile: Profile) -> date | None:
    """The day the case's most recent plan was made: its last ended meeting, local time."""
    ended = [
        m.ended_at
        for m in case.meetings
        if m.status == MeetingStatus.ENDED and m.ended_at is not None
    ]
    return max(ended).astimezone(profile.zone).date() if ended else None


def version_due_on(
    case: Case, version, timeframe: Timeframe | None, profile: Profile
) -> date | None:
    """When something about a plan version is due (its endorsement, copies for the family): the
    timeframe counted from the case's dates, "plan" being the day the version was taken.

    Only the first plan counts from substantiation or placement: a later version (a review's)
    counts from its own day, or every review's plan would be overdue the day it was made.
    None when the profile leaves the timeframe out.
    """
    if timeframe is None:
        return None
    plan_day = version.created_at.astimezone(profile.zone).date()
    dates = {
        "substantiation": case.substantiation_date,
        "placement": case.placement_date,
        "plan": plan_day,
    }
    start = _start(timeframe, dates) if version.number == 1 else plan_day
    return None if start is None else profile.deadline(start, timeframe.days)


def endorsement_due_on(case: Case, version, profile: Profile) -> date | None:
    """The day a supervisor must have endorsed the version by."""
    return version_due_on(case, version, profile.endorsement_due, profile)


def copy_due_on(case: Case, version, profile: Profile) -> date | None:
    """The day the parents and the young person must have had their copy of the version by."""
    return version_due_on(case, version, profile.copy_to_family_due, profile)


# ---- The latest plan versions of many cases, in a few queries ----


def latest_versions(case_ids: list[int]) -> dict[int, PlanVersion]:
    """Each case's highest-numbered plan version (without its snapshot, which can be large)."""
    latest = (
        sa.select(PlanVersion.case_id, sa.func.max(PlanVersion.number).label("number"))
        .where(PlanVersion.case_id.in_(case_ids))
        .group_by(PlanVersion.case_id)
        .subquery()
    )
    versions = db.session.scalars(
        sa.select(PlanVersion)
        .join(
            latest,
            sa.and_(PlanVersion.case_id == latest.c.case_id, PlanVersion.number == latest.c.number),
        )
        .options(defer(PlanVersion.snapshot))
    )
    return {version.case_id: version for version in versions}


def _endorsed(version_ids: list[int]) -> set[int]:
    """The versions whose latest supervisor decision is "endorsed" (a return reopens it)."""
    last: dict[int, EndorsementDecision] = {}
    for version_id, decision in db.session.execute(
        sa.select(Endorsement.plan_version_id, Endorsement.decision)
        .where(Endorsement.plan_version_id.in_(version_ids))
        .order_by(Endorsement.decided_at, Endorsement.id)
    ):
        last[version_id] = decision
    return {v for v, decision in last.items() if decision == EndorsementDecision.ENDORSED}


def name_key(name: str | None) -> str:
    """A name as compared between a copy's recipient and a person on the map."""
    return " ".join((name or "").split()).casefold()


def _copy_recipients(case_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Per case, the people owed a copy: each focus child and their living parents on the map.

    A case is left out when its map has no focus child or no parent of one: one copy then counts.
    """
    return {
        case_id: [(person.id, person.name) for person in family.everyone]
        for case_id, family in plan_families(case_ids).items()
        if family.parents
    }


def _copies_given(version_ids: list[int]) -> dict[int, list[tuple[int | None, str]]]:
    """Per version, who was given a copy: (person on the map or None, recipient's name)."""
    given: dict[int, list[tuple[int | None, str]]] = {}
    for version_id, person_id, name in db.session.execute(
        sa.select(
            FamilyCopy.plan_version_id, FamilyCopy.person_id, FamilyCopy.recipient_name
        ).where(FamilyCopy.plan_version_id.in_(version_ids))
    ):
        given.setdefault(version_id, []).append((person_id, name))
    return given


def _everyone_has_a_copy(
    recipients: list[tuple[int, str]] | None, copies: list[tuple[int | None, str]]
) -> bool:
    """Whether each person owed a copy got one (matched by person, else by name)."""
    if not copies:
        return False
    if recipients is None:
        return True
    people = {person_id for person_id, _ in copies if person_id is not None}
    names = {name_key(name) for person_id, name in copies if person_id is None}
    return all(pid in people or name_key(name) in names for pid, name in recipients)


def plan_progress(case_ids: Iterable[int]) -> dict[int, PlanProgress]:
    """For each case, its latest plan version and whether it is endorsed and copied to the family;
    five queries whatever the number of cases."""
    ids = sorted(set(case_ids))
    progress = dict.fromkeys(ids, NO_PLAN_YET)
    versions = latest_versions(ids) if ids else {}
    if not versions:
        return progress
    version_ids = [version.id for version in versions.values()]
    endorsed = _endorsed(version_ids)
    copies = _copies_given(version_ids)
    recipients = _copy_recipients(list(versions))
    for case_id, version in versions.items():
        progress[case_id] = PlanProgress(
            version=version,
            endorsed=version.id in endorsed,
            family_has_copies=_everyone_has_a_copy(
                recipients.get(case_id), copies.get(version.id, [])
            ),
        )
    return progress


# ---- Deadlines ----


def _version_deadlines(
    case: Case, profile: Profile, progress: PlanProgress
) -> list[tuple[DeadlineKind, date]]:
    """The latest plan version's open deadlines: its endorsement, the family's copies."""
    version = progress.version
    if version is None:
        return []
    due_dates = []
    if not progress.endorsed:
        due_dates.append((DeadlineKind.ENDORSEMENT, endorsement_due_on(case, version, profile)))
    if not progress.family_has_copies:
        due_dates.append((DeadlineKind.FAMILY_COPY, copy_due_on(case, version, profile)))
    return [(kind, due) for kind, due in due_dates if due is not None]


def case_deadlines(
    case: Case,
    profile: Profile,
    today: date | None = None,
    progress: PlanProgress | None = None,
) -> list[Deadline]:
    """Every open deadline of the case, soonest first.

    `progress` is the case's entry of `plan_progress`, for callers listing many cases; without
    it the case's latest plan version is looked up here.
    """
    today = today or profile.today()
    if progress is None:
        progress = plan_progress([case.id])[case.id]
    plan_on = last_plan_date(case, profile)
    dates = {
        "substantiation": case.substantiation_date,
        "placement": case.placement_date,
        "plan": plan_on,
    }
    due_dates: list[tuple[DeadlineKind, date]] = []
    if plan_on is None:
        start = _start(profile.plan_due, dates) if profile.plan_due else None
        if start is not None:
            due_dates.append((DeadlineKind.PLAN, profile.deadline(start, profile.plan_due.days)))
    elif profile.review_every_days:
        due_dates.append(
            (DeadlineKind.REVIEW, profile.deadline(plan_on, profile.review_every_days))
        )
    tribe = profile.tribe_contact
    if tribe and case.indigenous_child and case.tribe_contacted_on is None:
        start = _start(tribe, dates)
        if start is not None:
            due_dates.append((DeadlineKind.TRIBE_CONTACT, profile.deadline(start, tribe.days)))
    due_dates += _version_deadlines(case, profile, progress)
    deadlines = [Deadline(kind, due, today) for kind, due in due_dates]
    return sorted(deadlines, key=lambda deadline: deadline.due)


def next_deadline(
    case: Case,
    profile: Profile,
    today: date | None = None,
    progress: PlanProgress | None = None,
) -> Deadline | None:
    """The soonest open deadline of the case, if it has one."""
    deadlines = case_deadlines(case, profile, today, progress)
    return deadlines[0] if deadlines else None


def deadlines_by_case(cases: Sequence[Case]) -> dict[int, list[Deadline]]:
    """Every open deadline of each case, each seen from today in its own jurisdiction.

    Load the cases with their meetings (selectinload): versions, decisions and copies come here
    in a few queries for all of them.
    """
    progress = plan_progress(case.id for case in cases)
    return {
        case.id: case_deadlines(
            case, jurisdictions.profile(case.jurisdiction), progress=progress[case.id]
        )
        for case in cases
    }
