"""The meeting commands on their own: the transcript they write and the join codes they give."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.meetings import join_codes
from fttm.meetings.commands import cancel_meeting, reschedule_meeting, schedule_meeting
from fttm.meetings.models import Meeting, MeetingStatus
from fttm.timestamps import from_local
from tests import factories
from tests.helpers import transcript_events


@pytest.fixture
def case(facilitator):
    """A MiTEAM case of the facilitator's team."""
    return factories.make_case(facilitator)


def _in_a_week(case) -> datetime:
    """Next week at 10:00 on the case's wall clock (naive, as typed)."""
    day = profile(case.jurisdiction).today() + timedelta(days=7)
    return datetime(day.year, day.month, day.day, 10, 0)


def test_scheduling_records_the_meeting_in_the_transcript(facilitator, case):
    """Scheduling writes a "meeting.scheduled" event with when, why and where."""
    local_time = _in_a_week(case)

    meeting = schedule_meeting(
        facilitator,
        case,
        local_time=local_time,
        purpose="initial_plan",
        location="  Family   room 2 ",
    )

    events = transcript_events(case.id)
    assert [(event.kind, event.seq) for event in events] == [
        ("case.opened", 1),
        ("meeting.scheduled", 2),
    ]
    scheduled = events[1]
    assert (scheduled.target_type, scheduled.target_id, scheduled.section) == (
        "Meeting",
        meeting.id,
        "meeting",
    )
    assert scheduled.actor_user_id == facilitator.id
    assert scheduled.after == {
        "scheduled_at": from_local(local_time, profile("miteam").zone).isoformat(),
        "purpose": "initial_plan",
        "location": "Family room 2",
    }
    assert (meeting.status, meeting.created_by_user_id) == (MeetingStatus.SCHEDULED, facilitator.id)


def test_join_codes_are_unique_across_many_meetings(facilitator, case):
    """Two hundred meetings get two hundred different codes, all from the code alphabet."""
    meetings = [
        factories.make_meeting(facilitator, case, days_ahead=1 + n % 300) for n in range(200)
    ]

    codes = [meeting.join_code for meeting in meetings]
    assert len(set(codes)) == 200
    for code in codes:
        assert len(code) == join_codes.LENGTH
        assert set(code) <= set(join_codes.ALPHABET)
        assert join_codes.normalise(code) == code


def test_a_code_already_taken_is_never_given_again(facilitator, case, monkeypatch):
    """When the random code clashes with an existing meeting's, another one is drawn."""
    drawn = iter(["ACE347", "ACE347", "ACE347", "FGH679"])
    monkeypatch.setattr(join_codes, "new_code", lambda: next(drawn))

    first = factories.make_meeting(facilitator, case)
    second = factories.make_meeting(facilitator, case)

    assert (first.join_code, second.join_code) == ("ACE347", "FGH679")


def test_only_the_case_s_team_schedules_its_meetings(case):
    """Someone from another team is told the case does not exist; nothing is written."""
    outsider = factories.make_user(team=factories.make_team("South Team"))

    with pytest.raises(NotFound):
        schedule_meeting(
            outsider, case, local_time=_in_a_week(case), purpose="initial_plan", location="Room 1"
        )

    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0
    assert [event.kind for event in transcript_events(case.id)] == ["case.opened"]


def test_invalid_names_every_bad_field(facilitator, case):
    """One refusal carries a message for the time, the purpose and the place at once."""
    with pytest.raises(Invalid) as refused:
        schedule_meeting(facilitator, case, local_time=None, purpose="party", location=" ")

    assert set(refused.value.errors) == {"scheduled_at", "purpose", "location"}


def test_rescheduling_to_the_same_values_writes_no_event(facilitator, case):
    """Saving the change form untouched leaves the transcript alone."""
    meeting = factories.make_meeting(facilitator, case)
    local_time = meeting.scheduled_at.astimezone(profile("miteam").zone).replace(tzinfo=None)

    reschedule_meeting(
        facilitator,
        meeting,
        local_time=local_time,
        purpose="initial_plan",
        location=meeting.location,
    )

    assert [event.kind for event in transcript_events(case.id)] == [
        "case.opened",
        "meeting.scheduled",
    ]


def test_a_cancelled_meeting_cannot_be_rescheduled_or_cancelled(facilitator, case):
    """Cancelling is final: later changes are refused and not recorded."""
    meeting = factories.make_meeting(facilitator, case)
    cancel_meeting(facilitator, meeting)

    with pytest.raises(Invalid):
        reschedule_meeting(
            facilitator, meeting, local_time=_in_a_week(case), purpose="other", location="Elsewhere"
        )
    with pytest.raises(Invalid):
        cancel_meeting(facilitator, meeting)

    assert [event.kind for event in transcript_events(case.id)] == [
        "case.opened",
        "meeting.scheduled",
        "meeting.cancelled",
    ]
