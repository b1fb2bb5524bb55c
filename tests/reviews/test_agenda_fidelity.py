"""The fidelity the agenda proves, from the transcript alone: the plan's actions written in the
meeting's planning phases and not before it, and time for the family's own planning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fttm.board.commands import add_item
from fttm.core.recorder import Actor, meeting_change
from fttm.core.viewers import Viewer
from fttm.family_time import commands as family_time
from fttm.joining.commands import join_as_staff
from fttm.meetings import agenda, phases
from fttm.meetings.commands import end_meeting, open_meeting, start_meeting
from fttm.reviews.fidelity import meeting_fidelity
from fttm.timestamps import clock_at
from tests import factories

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
ACTION = {"what": "Maria books the dentist for Leo", "who_service": "Maria"}


def _staff(facilitator, meeting) -> Viewer:
    return Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)


def test_actions_written_in_the_plan_phase_meet_it(facilitator, case):
    meeting = factories.make_meeting(facilitator, case)
    with clock_at(START) as clock:
        start_meeting(facilitator, meeting)
        staff = _staff(facilitator, meeting)
        clock.advance(timedelta(minutes=20))
        phases.move(facilitator, meeting, to="plan")
        clock.advance(timedelta(minutes=2))
        add_item(staff, "action", ACTION)
        phases.move(facilitator, meeting, to="safety_plan")
        clock.advance(timedelta(minutes=2))
        add_item(staff, "action", {**ACTION, "what": "Rosa keeps the spare key"})
        clock.advance(timedelta(minutes=2))
        end_meeting(facilitator, meeting)
    indicator = meeting_fidelity(meeting).get("planned_in_meeting")
    assert indicator.met is True
    assert indicator.figures == (
        "2 of 2 new actions were written in a planning phase "
        "(0 in other phases, 0 before the meeting started)."
    )


def test_an_action_written_before_the_meeting_went_live_fails_it(facilitator, case):
    meeting = factories.make_meeting(facilitator, case)
    with clock_at(START) as clock:
        open_meeting(facilitator, meeting)
        staff = _staff(facilitator, meeting)
        add_item(staff, "action", {**ACTION, "what": "Maria attends every parenting class"})
        clock.advance(timedelta(minutes=5))
        start_meeting(facilitator, meeting)
        clock.advance(timedelta(minutes=1))
        phases.move(facilitator, meeting, to="plan")
        clock.advance(timedelta(minutes=1))
        add_item(staff, "action", ACTION)
        clock.advance(timedelta(minutes=1))
        end_meeting(facilitator, meeting)
    indicator = meeting_fidelity(meeting).get("planned_in_meeting")
    assert indicator.met is False
    assert "(0 in other phases, 1 before the meeting started)" in indicator.figures
    assert indicator.details == (
        "“Maria attends every parenting class” was written before the meeting",
    )


def test_actions_written_outside_the_planning_phases_do_not_meet_it(facilitator, meeting, staff):
    add_item(staff, "action", ACTION)  # still welcoming everyone
    end_meeting(facilitator, meeting)
    indicator = meeting_fidelity(meeting).get("planned_in_meeting")
    assert indicator.met is False
    assert indicator.figures.startswith("0 of 1 new action was written in a planning phase")


def test_no_new_actions_is_not_applicable(facilitator, meeting):
    end_meeting(facilitator, meeting)
    assert meeting_fidelity(meeting).get("planned_in_meeting").met is None


def _best_interests_meeting(facilitator, *, skip_family_time: bool = False):
    case = factories.make_case(
        facilitator, jurisdiction="bicpm", permanency_goal="family_preservation"
    )
    meeting = factories.make_meeting(facilitator, case)
    if skip_family_time:
        agenda.skip(facilitator, meeting, "family_time", True)
    return meeting


def test_a_family_time_phase_that_lasted_meets_it(facilitator):
    meeting = _best_interests_meeting(facilitator)
    with clock_at(START) as clock:
        start_meeting(facilitator, meeting)
        phases.move(facilitator, meeting, to="family_time")  # the professionals leave
        clock.advance(timedelta(minutes=40))
        family_time.end(facilitator, meeting)  # and come back
        phases.move(facilitator, meeting, step="next")
        clock.advance(timedelta(minutes=5))
        end_meeting(facilitator, meeting)
    indicator = meeting_fidelity(meeting).get("family_time")
    assert (indicator.met, indicator.figures) == (True, "The family planned alone for 40 min.")


def test_private_time_still_running_at_the_end_counts_until_then(facilitator):
    meeting = _best_interests_meeting(facilitator)
    with clock_at(START) as clock:
        start_meeting(facilitator, meeting)
        phases.move(facilitator, meeting, to="family_time")
        clock.advance(timedelta(minutes=30))
        end_meeting(facilitator, meeting)
    indicator = meeting_fidelity(meeting).get("family_time")
    assert (indicator.met, indicator.figures) == (True, "The family planned alone for 30 min.")


def test_family_time_skipped_or_never_reached_fails_it(facilitator):
    meeting = _best_interests_meeting(facilitator, skip_family_time=True)
    start_meeting(facilitator, meeting)
    end_meeting(facilitator, meeting)
    indicator = meeting_fidelity(meeting).get("family_time")
    assert indicator.met is False
    assert "skipped or never reached" in indicator.figures


def test_private_family_time_recorded_meets_it_even_without_an_agenda_phase(facilitator, meeting):
    """The family-time helper's events count as well as a phase (here, a MiTEAM meeting)."""
    with meeting_change(meeting, Actor.for_user(facilitator)) as current:
        current.record("family_time.started", meeting, after={}, section="meeting")
    end_meeting(facilitator, meeting)
    assert meeting_fidelity(meeting).get("family_time").met is True


def test_an_agenda_without_family_time_makes_it_not_applicable(facilitator, meeting):
    end_meeting(facilitator, meeting)
    indicator = meeting_fidelity(meeting).get("family_time")
    assert indicator.met is None
    assert "no private family time" in indicator.figures
