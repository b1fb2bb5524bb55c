"""Scheduling, rescheduling and cancelling meetings."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from fttm.auth.models import User
from fttm.cases.models import Case
from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.meetings import join_codes
from fttm.meetings.models import Meeting, MeetingPurpose, MeetingStatus
from fttm.timestamps import from_local, utcnow
from fttm.transcript.recorder import Actor, change, snapshot

FIELDS = ("scheduled_at", "purpose", "location")
FURTHEST_AHEAD = timedelta(days=2 * 365)


def check_meeting(
    case: Case, local_time: datetime | None, purpose: str, location: str
) -> tuple[datetime, MeetingPurpose, str]:
    """Check a meeting's time (in the case's time zone), purpose and place."""
    errors: dict[str, str] = {}
    scheduled_at = None
    if local_time is None:
        errors["scheduled_at"] = _("Enter the date and time of the meeting.")
    else:
        scheduled_at = from_local(local_time, profile(case.jurisdiction).zone)
        if scheduled_at < utcnow():
            errors["scheduled_at"] = _("This time has already passed. Choose a time from now on.")
        elif scheduled_at > utcnow() + FURTHEST_AHEAD:
            errors["scheduled_at"] = _("Choose a time within the next two years.")
    if purpose not in {p.value for p in MeetingPurpose}:
        errors["purpose"] = _("Choose the purpose of the meeting.")
    location = " ".join((location or "").split())
    if not location:
        errors["location"] = _(
            'Say where the meeting takes place (an address, a room, or "video call").'
        )
    elif len(location) > 200:
        errors["location"] = _("Use at most 200 characters.")
    if errors:
        raise Invalid(errors)
    return scheduled_at, MeetingPurpose(purpose), location


def _unused_code() -> str:
    """A join code no other meeting has."""
    while True:
        code = join_codes.new_code()
        if not db.session.scalar(sa.select(Meeting.id).where(Meeting.join_code == code)):
            return code


def _require_team(actor: User, case: Case) -> None:
    """Only the case's team works on its meetings."""
    if not actor.is_staff_of_cases or actor.team_id != case.team_id:
        raise NotFound("case of another team")


def schedule_meeting(
    actor: User, case: Case, *, local_time: datetime | None, purpose: str, location: str
) -> Meeting:
    """Schedule a family team meeting for a case; it gets its join code now."""
    _require_team(actor, case)
    scheduled_at, purpose_value, location = check_meeting(case, local_time, purpose, location)
    with change(case.id, Actor.for_user(actor)) as current:
        meeting = Meeting(
            case_id=case.id,
            scheduled_at=scheduled_at,
            purpose=purpose_value,
            location=location,
            join_code=_unused_code(),
            created_by_user_id=actor.id,
        )
        db.session.add(meeting)
        db.session.flush()
        current.record(
            "meeting.scheduled", meeting, after=snapshot(meeting, FIELDS), section="meeting"
        )
    return meeting


def reschedule_meeting(
    actor: User, meeting: Meeting, *, local_time: datetime | None, purpose: str, location: str
) -> Meeting:
    """Change when, why or where a meeting that has not started yet takes place."""
    _require_team(actor, meeting.case)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Invalid({"scheduled_at": _("Only a meeting that has not opened yet can be changed.")})
    scheduled_at, purpose_value, location = check_meeting(
        meeting.case, local_time, purpose, location
    )
    wanted = (scheduled_at, purpose_value, location)
    if (meeting.scheduled_at, meeting.purpose, meeting.location) == wanted:
        return meeting
    with change(meeting.case_id, Actor.for_user(actor)) as current:
        before = snapshot(meeting, FIELDS)
        meeting.scheduled_at, meeting.purpose, meeting.location = wanted
        current.record(
            "meeting.rescheduled",
            meeting,
            before=before,
            after=snapshot(meeting, FIELDS),
            section="meeting",
        )
    return meeting


def cancel_meeting(actor: User, meeting: Meeting) -> Meeting:
    """Call off a meeting that has not opened; its join code stops working."""
    _require_team(actor, meeting.case)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Invalid({"status": _("Only a meeting that has not opened yet can be cancelled.")})
    with change(meeting.case_id, Actor.for_user(actor)) as current:
        meeting.status = MeetingStatus.CANCELLED
        current.record(
            "meeting.cancelled",
            meeting,
            before={"status": "scheduled"},
            after={"status": "cancelled"},
            section="meeting",
        )
    return meeting
