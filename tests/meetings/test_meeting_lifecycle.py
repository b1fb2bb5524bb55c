"""A meeting's life: scheduled → open → live → ended, its settings and its section locks."""

from __future__ import annotations

import pytest

from fttm.core.registry import LOCKABLE_SECTIONS, board_sections
from fttm.errors import Invalid, NotFound
from fttm.meetings.commands import (
    cancel_meeting,
    end_meeting,
    lock_section,
    open_meeting,
    set_option,
    start_meeting,
)
from fttm.meetings.models import MeetingStatus
from tests import factories
from tests.helpers import transcript_events


@pytest.fixture
def meeting(facilitator, case):
    """A meeting of the case, scheduled for next week."""
    return factories.make_meeting(facilitator, case)


def _kinds(case_id: int) -> list[str]:
    """The kinds of the case's events, in order."""
    return [event.kind for event in transcript_events(case_id)]


def test_a_meeting_goes_from_scheduled_to_ended_recording_each_step(facilitator, case, meeting):
    """Opening, starting and ending each move the status, stamp the time and write an event."""
    assert (meeting.opened_at, meeting.started_at, meeting.ended_at) == (None, None, None)

    open_meeting(facilitator, meeting)
    assert meeting.status == MeetingStatus.OPEN and meeting.opened_at is not None
    assert meeting.started_at is None

    start_meeting(facilitator, meeting)
    assert meeting.status == MeetingStatus.LIVE and meeting.started_at is not None
    assert meeting.ended_at is None

    end_meeting(facilitator, meeting)
    assert meeting.status == MeetingStatus.ENDED and meeting.ended_at is not None
    assert meeting.opened_at <= meeting.started_at <= meeting.ended_at

    steps = [
        e
        for e in transcript_events(case.id)
        if e.kind.startswith("meeting.")
        and e.kind != "meeting.phase_moved"  # tests/meetings/test_phases.py
    ][1:]  # after scheduled
    assert [(e.kind, e.before, e.after) for e in steps] == [
        ("meeting.opened", {"status": "scheduled"}, {"status": "open"}),
        ("meeting.started", {"status": "open"}, {"status": "live"}),
        ("meeting.ended", {"status": "live"}, {"status": "ended"}),
    ]
    for event in steps:
        assert (event.meeting_id, event.target_type, event.target_id) == (
            meeting.id,
            "Meeting",
            meeting.id,
        )
        assert (event.actor_user_id, event.actor_name) == (facilitator.id, "Fran Facilitator")
        assert event.section == "meeting" and event.at is not None


def test_starting_a_scheduled_meeting_opens_it_first(facilitator, case, meeting):
    """The facilitator can press "start" straight away: the meeting is opened, then started."""
    start_meeting(facilitator, meeting)

    assert meeting.status == MeetingStatus.LIVE
    assert meeting.opened_at is not None and meeting.started_at is not None
    # going live starts the agenda's first phase (tests/meetings/test_phases.py)
    assert _kinds(case.id)[-3:] == ["meeting.opened", "meeting.started", "meeting.phase_moved"]


@pytest.mark.parametrize("first_state", ["open", "live"])
def test_a_case_has_one_open_meeting_at_a_time(facilitator, case, meeting, first_state):
    """While one meeting of a case is open or live, another cannot be opened or started."""
    second = factories.make_meeting(facilitator, case, days_ahead=14)
    (open_meeting if first_state == "open" else start_meeting)(facilitator, meeting)
    before = _kinds(case.id)

    with pytest.raises(Invalid) as refused:
        open_meeting(facilitator, second)
    assert "status" in refused.value.errors
    with pytest.raises(Invalid):
        start_meeting(facilitator, second)

    assert second.status == MeetingStatus.SCHEDULED and second.opened_at is None
    assert _kinds(case.id) == before

    end_meeting(facilitator, meeting)
    open_meeting(facilitator, second)
    assert second.status == MeetingStatus.OPEN


def test_another_case_s_open_meeting_does_not_block(facilitator, case, meeting):
    """The one-at-a-time rule is per case: two families can meet at the same time."""
    other = factories.make_meeting(facilitator, factories.make_case(facilitator))
    start_meeting(facilitator, other)

    start_meeting(facilitator, meeting)

    assert meeting.status == other.status == MeetingStatus.LIVE


def test_a_meeting_that_has_not_opened_cannot_be_ended(facilitator, case, meeting):
    """Ending a scheduled meeting is refused and leaves it scheduled, with nothing recorded."""
    before = _kinds(case.id)

    with pytest.raises(Invalid):
        end_meeting(facilitator, meeting)

    assert meeting.status == MeetingStatus.SCHEDULED and meeting.ended_at is None
    assert _kinds(case.id) == before


def test_an_ended_meeting_stays_ended(facilitator, case, meeting):
    """An ended meeting cannot be ended again, reopened or restarted."""
    start_meeting(facilitator, meeting)
    end_meeting(facilitator, meeting)
    ended_at, before = meeting.ended_at, _kinds(case.id)

    for command in (end_meeting, open_meeting, start_meeting):
        with pytest.raises(Invalid):
            command(facilitator, meeting)

    assert meeting.status == MeetingStatus.ENDED and meeting.ended_at == ended_at
    assert _kinds(case.id) == before


def test_a_cancelled_meeting_cannot_be_opened_or_started(facilitator, case, meeting):
    """Calling a meeting off is final: its code will never open a board."""
    cancel_meeting(facilitator, meeting)

    for command in (open_meeting, start_meeting, end_meeting):
        with pytest.raises(Invalid):
            command(facilitator, meeting)

    assert meeting.status == MeetingStatus.CANCELLED


def test_another_team_cannot_run_the_meeting(facilitator, case, meeting):
    """A facilitator of another team is told the meeting does not exist, for every step."""
    outsider = factories.make_user(team=factories.make_team("South Team"), name="Otto Outsider")
    before = _kinds(case.id)
    attempts = [
        lambda: open_meeting(outsider, meeting),
        lambda: start_meeting(outsider, meeting),
        lambda: set_option(outsider, meeting, "admit_everyone", True),
        lambda: lock_section(outsider, meeting, "strengths", True),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    start_meeting(facilitator, meeting)
    with pytest.raises(NotFound):
        end_meeting(outsider, meeting)

    assert meeting.status == MeetingStatus.LIVE
    assert not meeting.admit_everyone and not meeting.locked_sections
    assert _kinds(case.id) == [*before, "meeting.opened", "meeting.started", "meeting.phase_moved"]


def test_a_supervisor_of_the_team_can_run_the_meeting(supervisor, case, meeting):
    """Any caseworker of the case's team may open and close the meeting, not only its author."""
    start_meeting(supervisor, meeting)
    end_meeting(supervisor, meeting)

    assert meeting.status == MeetingStatus.ENDED
    assert transcript_events(case.id)[-1].actor_user_id == supervisor.id


@pytest.mark.parametrize("option", ["admit_everyone", "join_details_hidden"])
def test_settings_switch_on_and_off_with_an_event(facilitator, case, meeting, option):
    """Each switch flips the setting and records the old and new value."""
    start_meeting(facilitator, meeting)

    set_option(facilitator, meeting, option, True)
    assert getattr(meeting, option) is True
    set_option(facilitator, meeting, option, False)
    assert getattr(meeting, option) is False

    changes = [e for e in transcript_events(case.id) if e.kind == "meeting.setting_changed"]
    assert [(e.before, e.after) for e in changes] == [
        ({option: False}, {option: True}),
        ({option: True}, {option: False}),
    ]
    assert all(e.meeting_id == meeting.id and e.actor_user_id == facilitator.id for e in changes)


def test_a_setting_can_be_chosen_before_the_meeting_opens(facilitator, case, meeting):
    """The facilitator may decide to admit everyone while preparing the meeting."""
    set_option(facilitator, meeting, "admit_everyone", True)

    assert meeting.admit_everyone is True
    assert _kinds(case.id)[-1] == "meeting.setting_changed"


@pytest.mark.parametrize("option", ["status", "locked_sections", "admit", ""])
def test_an_unknown_setting_is_refused(facilitator, case, meeting, option):
    """Only the two switches can be set; anything else is refused and nothing is written."""
    start_meeting(facilitator, meeting)
    before = _kinds(case.id)

    with pytest.raises(Invalid) as refused:
        set_option(facilitator, meeting, option, True)

    assert "option" in refused.value.errors
    assert meeting.status == MeetingStatus.LIVE
    assert _kinds(case.id) == before


def test_settings_of_an_ended_meeting_cannot_change(facilitator, case, meeting):
    """After the meeting, its settings are part of the record."""
    start_meeting(facilitator, meeting)
    end_meeting(facilitator, meeting)
    before = _kinds(case.id)

    with pytest.raises(Invalid):
        set_option(facilitator, meeting, "admit_everyone", True)

    assert meeting.admit_everyone is False
    assert _kinds(case.id) == before


def test_setting_the_same_value_twice_writes_one_event(facilitator, case, meeting):
    """Pressing "admit everyone" twice (a double tap) records it once."""
    start_meeting(facilitator, meeting)

    set_option(facilitator, meeting, "admit_everyone", True)
    set_option(facilitator, meeting, "admit_everyone", True)
    set_option(facilitator, meeting, "join_details_hidden", False)  # already off

    assert _kinds(case.id).count("meeting.setting_changed") == 1


def test_sections_lock_and_unlock_with_events(facilitator, case, meeting):
    """Locking records which section and the locks before and after; unlocking undoes it."""
    start_meeting(facilitator, meeting)

    lock_section(facilitator, meeting, "strengths", True)
    lock_section(facilitator, meeting, "plan", True)
    assert sorted(meeting.locked_sections) == ["plan", "strengths"]
    lock_section(facilitator, meeting, "strengths", False)
    assert meeting.locked_sections == ["plan"]

    locks = [e for e in transcript_events(case.id) if e.kind.startswith("section.")]
    assert [(e.kind, e.section, e.before, e.after) for e in locks] == [
        (
            "section.locked",
            "strengths",
            {"locked_sections": []},
            {"locked_sections": ["strengths"]},
        ),
        (
            "section.locked",
            "plan",
            {"locked_sections": ["strengths"]},
            {"locked_sections": ["strengths", "plan"]},
        ),
        (
            "section.unlocked",
            "strengths",
            {"locked_sections": ["strengths", "plan"]},
            {"locked_sections": ["plan"]},
        ),
    ]
    assert all(e.meeting_id == meeting.id and e.actor_user_id == facilitator.id for e in locks)


@pytest.mark.parametrize(
    "section",
    [name for name in board_sections() if name in LOCKABLE_SECTIONS and name != "earlier"],
)
def test_every_board_section_can_be_locked(facilitator, meeting, section):
    """Each of the six sections can be locked by the facilitator."""
    start_meeting(facilitator, meeting)

    lock_section(facilitator, meeting, section, True)

    assert meeting.locked_sections == [section]


@pytest.mark.parametrize("section", ["participants", "meeting", "Strengths", ""])
def test_an_unknown_section_cannot_be_locked(facilitator, case, meeting, section):
    """Locking something that is not a board section is refused, with nothing written."""
    start_meeting(facilitator, meeting)
    before = _kinds(case.id)

    with pytest.raises(Invalid) as refused:
        lock_section(facilitator, meeting, section, True)

    assert "section" in refused.value.errors
    assert not meeting.locked_sections
    assert _kinds(case.id) == before


def test_locking_twice_or_unlocking_an_open_section_writes_nothing_more(facilitator, case, meeting):
    """A lock that is already in place, or an unlock of an unlocked section, is not recorded."""
    start_meeting(facilitator, meeting)

    lock_section(facilitator, meeting, "worries", False)
    lock_section(facilitator, meeting, "worries", True)
    lock_section(facilitator, meeting, "worries", True)

    assert meeting.locked_sections == ["worries"]
    assert [k for k in _kinds(case.id) if k.startswith("section.")] == ["section.locked"]
