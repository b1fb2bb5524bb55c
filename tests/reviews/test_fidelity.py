"""Fidelity indicators (seed 003's documentation measures) on hand-built meetings whose answers
are known: each indicator met, not met, and not applicable where it can be, and a team's sums.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fttm.board.commands import add_item, edit_item, rate_safety
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map.people import add_person
from fttm.joining.commands import join_as_staff, join_meeting, remove
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.reviews.fidelity import meeting_fidelity, team_fidelity
from tests import factories

SOON = (date.today() + timedelta(days=30)).isoformat()
SPECIFIC = {
    "what": "Call the school office every Friday morning",
    "who_service": "Ana",
    "due_on": SOON,
}


def strength(viewer: Viewer, text: str = "Rosa picks the children up after school"):
    """Add a strength as `viewer`."""
    return add_item(viewer, "strength", {"text": text})


def ended(facilitator, meeting):
    """End the meeting and measure it."""
    end_meeting(facilitator, meeting)
    return meeting_fidelity(meeting)


def live_meeting(facilitator, case, purpose: str = "initial_plan") -> Viewer:
    """A new live meeting of `case` with the facilitator at the projector."""
    meeting = factories.make_meeting(facilitator, case, purpose=purpose)
    start_meeting(facilitator, meeting)
    return Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)


def set_ended_days_ago(meeting, days: int) -> None:
    """Move a meeting's end back in time, as if it had been held `days` ago."""
    meeting.ended_at = meeting.ended_at - timedelta(days=days)
    db.session.commit()


# ---- (1) The family's suggestions ----


def test_family_writing_a_third_of_the_items_and_edits_meets_it(facilitator, meeting, staff):
    maria = factories.make_phone(staff, "Maria", "parent")
    provider = factories.make_phone(staff, "Dr Lee", "service_provider")
    item = strength(maria)
    edit_item(
        maria, "strength", item.id, {"text": "Rosa collects them daily"}, base_versions={"text": 1}
    )
    strength(staff)
    strength(staff, "The children love their school")
    strength(provider, "Maria comes to every appointment")
    add_item(staff, "note", {"text": "Maria asked for a later time next meeting"})

    indicator = ended(facilitator, meeting).get("family_voice")

    assert indicator.figures == (
        "2 of 5 items and edits came from the family (1 from other team members, 2 from staff)."
    )
    assert indicator.met is True


def test_staff_writing_most_of_the_plan_does_not_meet_it(facilitator, meeting, staff):
    maria = factories.make_phone(staff, "Maria", "parent")
    strength(maria)
    for text in ("Safe house", "Regular school", "Good food"):
        strength(staff, text)

    indicator = ended(facilitator, meeting).get("family_voice")

    assert indicator.met is False
    assert indicator.figures.startswith("1 of 4 items and edits came from the family")
    assert "a third" in indicator.explanation


def test_a_meeting_where_nothing_was_written_does_not_meet_it(facilitator, meeting, staff):
    factories.make_phone(staff, "Maria", "parent")

    indicator = ended(facilitator, meeting).get("family_voice")

    assert indicator.met is False
    assert indicator.figures == "Nothing was added or edited in this meeting."


# ---- (2) Team members' input ----


def test_team_input_counts_admitted_members_who_wrote_or_rated(facilitator, meeting, staff):
    maria = factories.make_phone(staff, "Maria", "parent")
    nan = factories.make_phone(staff, "Nan", "relative")
    factories.make_phone(staff, "Uncle Joe", "relative")
    gone = factories.make_phone(staff, "Removed Rob", "friend")
    join_meeting(meeting, display_name="Still Waiting", role="friend")
    strength(maria)
    rate_safety(nan, "6")
    remove(staff.participant, gone.participant)

    indicator = ended(facilitator, meeting).get("team_input")

    assert indicator.met is True
    assert indicator.figures == "2 of 3 team members added, edited or rated something."
    assert indicator.details == ("No input from Uncle Joe",)


def test_team_input_not_met_when_most_members_stay_silent(facilitator, meeting, staff):
    maria = factories.make_phone(staff, "Maria", "parent")
    factories.make_phone(staff, "Nan", "relative")
    factories.make_phone(staff, "Dr Lee", "service_provider")
    strength(maria)
    strength(staff)

    indicator = ended(facilitator, meeting).get("team_input")

    assert indicator.met is False
    assert indicator.figures == "1 of 3 team members added, edited or rated something."
    assert set(indicator.details) == {"No input from Nan", "No input from Dr Lee"}


def test_team_input_not_met_when_only_staff_took_part(facilitator, meeting, staff):
    strength(staff)

    indicator = ended(facilitator, meeting).get("team_input")

    assert indicator.met is False
    assert indicator.figures == "Nobody besides staff was admitted to the meeting."


# ---- (3) Behaviourally specific actions ----


def test_every_action_specific_meets_it(facilitator, meeting, staff):
    maria = factories.make_phone(staff, "Maria", "parent")
    add_item(staff, "action", SPECIFIC)
    add_item(
        maria,
        "action",
        {"what": "Walk Maya to the bus stop each morning", "who_service": "Maria", "due_on": SOON},
    )

    indicator = ended(facilitator, meeting).get("specific_actions")

    assert indicator.met is True
    assert indicator.figures == "2 of 2 actions are specific, with a who and a by-when."
    assert indicator.details == ()


def test_vague_actions_are_named_with_what_they_lack(facilitator, meeting, staff):
    add_item(staff, "action", SPECIFIC)
    add_item(staff, "action", {"what": "Try to improve parenting at home"})
    add_item(staff, "action", {"what": "Book the intake appointment today", "due_on": SOON})

    indicator = ended(facilitator, meeting).get("specific_actions")

    assert indicator.met is False
    assert indicator.figures == "1 of 3 actions are specific, with a who and a by-when."
    assert indicator.details == (
        "“Try to improve parenting at home” lacks: exactly what will be done, who, and by when",
        "“Book the intake appointment today” lacks: who",
    )


def test_a_plan_without_actions_does_not_meet_it(facilitator, meeting, staff):
    add_item(staff, "goal", {"text": "Maya is safe at home"})

    indicator = ended(facilitator, meeting).get("specific_actions")

    assert (indicator.met, indicator.figures) == (False, "The plan has no actions.")


# ---- (4) The safety plan ----


def test_safety_plan_with_both_kinds_of_step_meets_it(facilitator, meeting, staff):
    add_item(staff, "safety_step", {"kind": "proactive", "text": "Rosa stays on weekends"})
    add_item(staff, "safety_step", {"kind": "reactive", "text": "Call Rosa", "trigger": "A fight"})

    indicator = ended(facilitator, meeting).get("safety_plan")

    assert indicator.met is True
    assert indicator.figures == "1 proactive and 1 reactive steps."


def test_safety_plan_with_only_proactive_steps_does_not_meet_it(facilitator, meeting, staff):
    add_item(staff, "safety_step", {"kind": "proactive", "text": "Rosa stays on weekends"})
    add_item(staff, "safety_step", {"kind": "proactive", "text": "No alcohol in the house"})

    indicator = ended(facilitator, meeting).get("safety_plan")

    assert indicator.met is False
    assert indicator.figures == "2 proactive and 0 reactive steps."


def test_no_safety_plan_is_not_applicable(facilitator, meeting, staff):
    indicator = ended(facilitator, meeting).get("safety_plan")

    assert indicator.met is None


# ---- (5) The young person ----


def test_young_person_who_took_part_meets_it(facilitator, meeting, staff):
    add_person(staff, {"name": "Maya", "born": "15", "is_focus_child": "1"})
    maya = factories.make_phone(staff, "Maya", "young_person")
    strength(maya, "I like my art club")

    indicator = ended(facilitator, meeting).get("young_person")

    assert (indicator.met, indicator.figures) == (True, "Maya took part.")


def test_young_person_who_joined_but_said_nothing_does_not_meet_it(facilitator, meeting, staff):
    add_person(staff, {"name": "Maya", "born": "15", "is_focus_child": "1"})
    factories.make_phone(staff, "Maya", "young_person")

    indicator = ended(facilitator, meeting).get("young_person")

    assert indicator.met is False
    assert indicator.figures == "A young person joined but added, edited or rated nothing."


def test_a_young_focus_child_makes_it_not_applicable(facilitator, meeting, staff):
    add_person(staff, {"name": "Leo", "born": "8", "is_focus_child": "1"})

    indicator = ended(facilitator, meeting).get("young_person")

    assert indicator.met is None
    assert indicator.figures == "The oldest focus child is about 8: under 12, this does not apply."


def test_an_older_sibling_focus_child_still_needs_the_young_person(facilitator, meeting, staff):
    add_person(staff, {"name": "Leo", "born": "8", "is_focus_child": "1"})
    add_person(staff, {"name": "Maya", "born": "13", "is_focus_child": "1"})

    indicator = ended(facilitator, meeting).get("young_person")

    assert indicator.met is False
    assert indicator.figures == "No young person was admitted to the meeting."


def test_unknown_age_and_no_young_person_does_not_meet_it(facilitator, meeting, staff):
    add_person(staff, {"name": "Maya", "is_focus_child": "1"})

    indicator = ended(facilitator, meeting).get("young_person")

    assert indicator.met is False
    assert indicator.figures == (
        "No young person was admitted to the meeting. "
        "The focus child's age is not on the family map."
    )


# ---- (6) The timeframe ----


def test_initial_plan_by_the_deadline_meets_it(facilitator):
    case = factories.make_case(facilitator, substantiation_date=date.today() - timedelta(days=10))
    staff = live_meeting(facilitator, case)

    indicator = ended(facilitator, staff.meeting).get("timeframe")

    assert indicator.met is True
    assert "(counted from substantiation)" in indicator.figures


def test_initial_plan_after_the_deadline_does_not_meet_it(facilitator):
    case = factories.make_case(facilitator, substantiation_date=date.today() - timedelta(days=45))
    staff = live_meeting(facilitator, case)

    indicator = ended(facilitator, staff.meeting).get("timeframe")

    assert indicator.met is False


def test_initial_plan_counts_from_placement_when_there_is_one(facilitator):
    """MiTEAM: within 30 days of placement, whatever the substantiation date."""
    case = factories.make_case(
        facilitator,
        substantiation_date=date.today() - timedelta(days=60),
        placement_date=date.today() - timedelta(days=5),
    )
    staff = live_meeting(facilitator, case)

    indicator = ended(facilitator, staff.meeting).get("timeframe")

    assert indicator.met is True
    assert "(counted from placement)" in indicator.figures


@pytest.mark.parametrize(("days_since_plan", "met"), [(80, True), (100, False)])
def test_review_within_ninety_days_of_the_last_plan(facilitator, days_since_plan, met):
    case = factories.make_case(facilitator)
    first = live_meeting(facilitator, case)
    end_meeting(facilitator, first.meeting)
    set_ended_days_ago(first.meeting, days_since_plan)
    review = live_meeting(facilitator, case, purpose="review_90_day")

    indicator = ended(facilitator, review.meeting).get("timeframe")

    assert indicator.met is met


def test_review_without_an_earlier_plan_and_other_meetings_are_not_applicable(facilitator):
    case = factories.make_case(facilitator)
    review = live_meeting(facilitator, case, purpose="review_90_day")
    assert ended(facilitator, review.meeting).get("timeframe").met is None
    placement = live_meeting(facilitator, case, purpose="placement_change")
    assert ended(facilitator, placement.meeting).get("timeframe").met is None


def test_a_profile_that_leaves_its_timeframes_out_measures_no_meeting_by_them(facilitator):
    """Ontario's profile found no source for its plan deadline or review interval: its plan
    meetings are not measured against a number it would have had to invent."""
    case = factories.make_case(
        facilitator,
        jurisdiction="ontario",
        substantiation_date=date.today() - timedelta(days=400),
    )
    first = live_meeting(facilitator, case)
    indicator = ended(facilitator, first.meeting).get("timeframe")
    assert indicator.met is None
    assert indicator.figures == (
        "The profile sets no timeframe for this: it found no source for one."
    )
    assert "leaves out a timeframe it found no source for" in indicator.explanation
    review = live_meeting(facilitator, case, purpose="review_90_day")
    assert ended(facilitator, review.meeting).get("timeframe").met is None


def test_a_meeting_that_has_not_ended_is_not_measured(meeting):
    with pytest.raises(ValueError):
        meeting_fidelity(meeting)


# ---- The team's sums ----


def test_team_sums_count_the_teams_ended_meetings_in_the_period(facilitator, team):
    good_case = factories.make_case(facilitator)
    good = live_meeting(facilitator, good_case)
    maria = factories.make_phone(good, "Maria", "parent")
    strength(maria)
    add_item(good, "action", SPECIFIC)
    add_item(maria, "safety_step", {"kind": "proactive", "text": "Rosa stays on weekends"})
    add_item(maria, "safety_step", {"kind": "reactive", "text": "Call Rosa", "trigger": "A fight"})
    end_meeting(facilitator, good.meeting)

    late_case = factories.make_case(facilitator, substantiation_date=date.today() - timedelta(50))
    late = live_meeting(facilitator, late_case)
    strength(late)
    add_item(late, "safety_step", {"kind": "reactive", "text": "Call the police"})
    end_meeting(facilitator, late.meeting)

    old = live_meeting(facilitator, factories.make_case(facilitator))
    end_meeting(facilitator, old.meeting)
    set_ended_days_ago(old.meeting, 200)
    live_meeting(facilitator, factories.make_case(facilitator))  # still live: not counted

    stranger = factories.make_user(team=factories.make_team("South Team"), name="Other Olga")
    theirs = live_meeting(stranger, factories.make_case(stranger))
    end_meeting(stranger, theirs.meeting)

    summary = team_fidelity(team.id, date.today() - timedelta(days=90))

    assert [r.meeting.id for r in summary.meetings] == [late.meeting.id, good.meeting.id]
    totals = {t.key: (t.met, t.applicable) for t in summary.totals}
    assert totals == {
        "family_voice": (1, 2),
        "team_input": (1, 2),
        "specific_actions": (1, 2),
        "safety_plan": (1, 2),
        "young_person": (0, 2),
        "timeframe": (1, 2),
        # the good meeting's action was written while still in its welcome phase; the late one
        # wrote none; neither agenda (MiTEAM's) has private family time
        "planned_in_meeting": (0, 1),
        "family_time": (0, 0),
    }
    everything = team_fidelity(team.id, None)
    assert {r.meeting.id for r in everything.meetings} == {
        late.meeting.id,
        good.meeting.id,
        old.meeting.id,
    }
    assert {t.key: t.applicable for t in everything.totals}["safety_plan"] == 2
