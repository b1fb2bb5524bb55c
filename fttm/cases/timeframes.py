"""What is due next on a case, and when, from its jurisdiction profile's timeframes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from fttm.cases.models import Case
from fttm.jurisdictions import Profile, Timeframe
from fttm.meetings.models import MeetingStatus


class DeadlineKind(StrEnum):
    """The kinds of deadline a case can have before a plan version exists."""

    PLAN = "plan"
    REVIEW = "review"
    TRIBE_CONTACT = "tribe_contact"


DEADLINE_LABELS = {
    DeadlineKind.PLAN: _l("Case plan"),
    DeadlineKind.REVIEW: _l("Plan review"),
    DeadlineKind.TRIBE_CONTACT: _l("Contact the child's tribe or community"),
}


@dataclass(frozen=True)
class Deadline:
    """Something that must happen on a case by a date."""

    kind: DeadlineKind
    due: date
    overdue: bool

    @property
    def label(self) -> str:
        """What is due, in the reader's language."""
        return str(DEADLINE_LABELS[self.kind])


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


def version_due_on(case: Case, version, timeframe: Timeframe, profile: Profile) -> date | None:
    """When something about a plan version is due (its endorsement, copies for the family): the
    timeframe counted from the case's dates, "plan" being the day the version was taken."""
    dates = {
        "substantiation": case.substantiation_date,
        "placement": case.placement_date,
        "plan": version.created_at.astimezone(profile.zone).date(),
    }
    start = _start(timeframe, dates)
    return None if start is None else profile.deadline(start, timeframe.days)


def endorsement_due_on(case: Case, version, profile: Profile) -> date | None:
    """The day a supervisor must have endorsed the version by."""
    return version_due_on(case, version, profile.endorsement_due, profile)


def copy_due_on(case: Case, version, profile: Profile) -> date | None:
    """The day the parents and the young person must have had their copy of the version by."""
    return version_due_on(case, version, profile.copy_to_family_due, profile)


def case_deadlines(case: Case, profile: Profile, today: date | None = None) -> list[Deadline]:
    """Every open deadline of the case, soonest first."""
    today = today or profile.today()
    plan_on = last_plan_date(case, profile)
    dates = {
        "substantiation": case.substantiation_date,
        "placement": case.placement_date,
        "plan": plan_on,
    }
    due_dates: list[tuple[DeadlineKind, date]] = []
    if plan_on is None:
        start = _start(profile.plan_due, dates)
        if start is not None:
            due_dates.append((DeadlineKind.PLAN, profile.deadline(start, profile.plan_due.days)))
    else:
        due_dates.append(
            (DeadlineKind.REVIEW, profile.deadline(plan_on, profile.review_every_days))
        )
    tribe = profile.tribe_contact
    if tribe and case.indigenous_child and case.tribe_contacted_on is None:
        start = _start(tribe, dates)
        if start is not None:
            due_dates.append((DeadlineKind.TRIBE_CONTACT, profile.deadline(start, tribe.days)))
    deadlines = [Deadline(kind, due, due < today) for kind, due in due_dates]
    return sorted(deadlines, key=lambda deadline: deadline.due)


def next_deadline(case: Case, profile: Profile, today: date | None = None) -> Deadline | None:
    """The soonest open deadline of the case, if it has one."""
    deadlines = case_deadlines(case, profile, today)
    return deadlines[0] if deadlines else None
