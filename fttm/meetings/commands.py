"""Scheduling, rescheduling and cancelling meetings."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from fttm.auth.models import User
from fttm.cases.models import Case
from fttm.core.recorder import Actor, change, meeting_change, snapshot
from fttm.core.registry import LOCKABLE_SECTIONS
from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.frameworks import framework_of_case
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings import join_codes
from fttm.meetings.models import (
    Meeting,
    MeetingPurpose,
    MeetingStatus,
    Participant,
    ParticipantStatus,
)
from fttm.plans.versions import take_version
from fttm.timestamps import from_local, utcnow

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


def require_team(actor: User, case: Case) -> None:
    """Only the case's team works on its meetings."""
    if not actor.is_staff_of_cases or actor.team_id != case.team_id:
        raise NotFound("case of another team")


def schedule_meeting(
    actor: User, case: Case, *, local_time: datetime | None, purpose: str, location: str
) -> Meeting:
    """Schedule a family team meeting for a case; it gets its join code now."""
    require_team(actor, case)
    scheduled_at, purpose_value, location = check_meeting(case, local_time, purpose, location)
    with change(case.id, Actor.for_user(actor)) as current:
        meeting = Meeting(
            case_id=case.id,
            scheduled_at=scheduled_at,
            purpose=purpose_value,
            location=location,
            join_code=_unused_code(),
            created_by_user_id=actor.id,
            # Its own copy of the profile's agenda, which the facilitator adjusts before opening.
            agenda=[phase.as_agenda_entry() for phase in profile(case.jurisdiction).agenda],
        )
        db.session.add(meeting)
        db.session.flush()
        current.meeting_id = meeting.id  # its own transcript starts here
        current.record(
            "meeting.scheduled", meeting, after=snapshot(meeting, FIELDS), section="meeting"
        )
    return meeting


def reschedule_meeting(
    actor: User, meeting: Meeting, *, local_time: datetime | None, purpose: str, location: str
) -> Meeting:
    """Change when, why or where a meeting that has not started yet takes place."""
    require_team(actor, meeting.case)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Invalid({"scheduled_at": _("Only a meeting that has not opened yet can be changed.")})
    scheduled_at, purpose_value, location = check_meeting(
        meeting.case, local_time, purpose, location
    )
    wanted = (scheduled_at, purpose_value, location)
    if (meeting.scheduled_at, meeting.purpose, meeting.location) == wanted:
        return meeting
    with meeting_change(meeting, Actor.for_user(actor)) as current:
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
    require_team(actor, meeting.case)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Invalid({"status": _("Only a meeting that has not opened yet can be cancelled.")})
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        meeting.status = MeetingStatus.CANCELLED
        current.record(
            "meeting.cancelled",
            meeting,
            before={"status": "scheduled"},
            after={"status": "cancelled"},
            section="meeting",
        )
    return meeting


LIVE_STATES = (MeetingStatus.OPEN, MeetingStatus.LIVE)
# The board's sections, in the order they appear; the facilitator can lock any of them.


def _set_status(actor: User, meeting: Meeting, new: MeetingStatus, kind: str, **stamps) -> Meeting:
    """Move a meeting along its life, with its transcript event."""
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        before = {"status": meeting.status.value}
        meeting.status = new
        for name, value in stamps.items():
            setattr(meeting, name, value)
        current.record(kind, meeting, before=before, after={"status": new.value}, section="meeting")
    return meeting


def open_meeting(actor: User, meeting: Meeting) -> Meeting:
    """Make a scheduled meeting joinable; a case has one open or live meeting at a time."""
    require_team(actor, meeting.case)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Invalid({"status": _("Only a scheduled meeting can be opened.")})
    other = db.session.scalar(
        sa.select(Meeting.id).where(
            Meeting.case_id == meeting.case_id,
            Meeting.id != meeting.id,
            Meeting.status.in_(LIVE_STATES),
        )
    )
    if other is not None:
        raise Invalid({"status": _("Another meeting of this case is still open. End it first.")})
    return _set_status(actor, meeting, MeetingStatus.OPEN, "meeting.opened", opened_at=utcnow())


def start_meeting(actor: User, meeting: Meeting) -> Meeting:
    """Start the meeting: the board is live for everyone admitted."""
    require_team(actor, meeting.case)
    if meeting.status == MeetingStatus.SCHEDULED:
        open_meeting(actor, meeting)
    if meeting.status != MeetingStatus.OPEN:
        raise Invalid({"status": _("Only an open meeting can be started.")})
    from fttm.meetings import phases  # phases build on these commands

    with meeting_change(meeting, Actor.for_user(actor)) as current:
        meeting.status, meeting.started_at = MeetingStatus.LIVE, utcnow()
        current.record(
            "meeting.started",
            meeting,
            before={"status": "open"},
            after={"status": "live"},
            section="meeting",
        )
        phases.begin(current, meeting)  # going live starts the agenda's first phase
    return meeting


def end_meeting(actor: User, meeting: Meeting, drafts: str | None = None) -> Meeting:
    """End the meeting: from now on every family device is read-only, and the plan as it
    stands becomes the case's next numbered plan version, in the same transaction. Family
    drafts not yet shared are kept or discarded as `drafts` says ("keep" or "discard"): without
    that choice, a meeting with such drafts is not ended.
    """
    from fttm.family_time import commands as family_time

    require_team(actor, meeting.case)
    if meeting.status not in LIVE_STATES:
        raise Invalid({"status": _("Only an open or live meeting can be ended.")})
    family_time.check_settle_choice(meeting, drafts)
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        family_time.settle(current, meeting, drafts)
        before = {"status": meeting.status.value}
        meeting.status = MeetingStatus.ENDED
        meeting.ended_at = utcnow()
        current.record(
            "meeting.ended", meeting, before=before, after={"status": "ended"}, section="meeting"
        )
        version = take_version(meeting)
        current.record(
            "plan_version.taken", version, after={"number": version.number}, section="plan"
        )
    return meeting


def set_option(actor: User, meeting: Meeting, option: str, value: bool) -> Meeting:
    """Switch "admit everyone with the code" or "hide the join details" on or off."""
    require_team(actor, meeting.case)
    if option not in ("admit_everyone", "join_details_hidden"):
        raise Invalid({"option": _("There is no such setting.")})
    if meeting.status not in (MeetingStatus.SCHEDULED, *LIVE_STATES):
        raise Invalid({"option": _("This meeting has ended.")})
    if getattr(meeting, option) == value:
        return meeting
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        before = {option: getattr(meeting, option)}
        setattr(meeting, option, value)
        current.record(
            "meeting.setting_changed",
            meeting,
            before=before,
            after={option: value},
            section="meeting",
        )
        if option == "admit_everyone" and value:
            _admit_waiting(current, meeting)
    return meeting


def _admit_waiting(current, meeting: Meeting) -> None:
    """Let in everyone already waiting, within `current` change: "admit everyone with the code"
    means them too, not only those who come after."""
    waiting = db.session.scalars(
        sa.select(Participant)
        .where(Participant.meeting_id == meeting.id)
        .where(Participant.status == ParticipantStatus.WAITING)
        .order_by(Participant.joined_at, Participant.id)
    ).all()
    for participant in waiting:
        participant.status = ParticipantStatus.ADMITTED
        participant.admitted_at = utcnow()
        current.record(
            "participant.admitted",
            participant,
            before={"status": "waiting"},
            after={"status": "admitted"},
            section="participants",
        )


def lock_section(actor: User, meeting: Meeting, section: str, locked: bool) -> Meeting:
    """Lock a board section (only staff can change it) or unlock it for everyone."""
    require_team(actor, meeting.case)
    board = framework_of_case(meeting.case).board_sections()
    if section not in LOCKABLE_SECTIONS or section not in board:
        raise Invalid({"section": _("There is no such section.")})
    if meeting.status not in LIVE_STATES:
        raise Invalid({"section": _("Sections can be locked only while the meeting runs.")})
    current_locks = list(meeting.locked_sections or [])
    if (section in current_locks) == locked:
        return meeting
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        wanted = [*current_locks, section] if locked else [s for s in current_locks if s != section]
        meeting.locked_sections = wanted
        current.record(
            "section.locked" if locked else "section.unlocked",
            meeting,
            before={"locked_sections": current_locks},
            after={"locked_sections": wanted},
            section=section,
        )
    return meeting
