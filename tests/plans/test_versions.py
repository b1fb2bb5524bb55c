"""Plan versions: ending a meeting keeps the plan as it stood, numbered, unchangeable, and two
versions can be compared (what was added, changed, completed or dropped since the last review).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fttm.board.commands import add_item, delete_item, edit_item, set_confidential
from fttm.core.viewers import Viewer
from fttm.errors import Invalid
from fttm.extensions import db
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.plans.models import ImmutableVersionError, PlanVersion
from fttm.plans.versions import compare, previous_version
from fttm.transcript.models import TranscriptEvent
from tests import factories


def _versions(case_id: int) -> list[PlanVersion]:
    return db.session.scalars(
        sa.select(PlanVersion).where(PlanVersion.case_id == case_id).order_by(PlanVersion.number)
    ).all()


def _next_meeting(facilitator, case) -> Viewer:
    """The case's next meeting, live, with the facilitator at the projector."""
    meeting = factories.make_meeting(facilitator, case, days_ahead=90, purpose="review_90_day")
    start_meeting(facilitator, meeting)
    return Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)


@pytest.fixture
def first_plan(staff):
    """A plan made in the first meeting: a strength, a worry, a goal with two actions, a step."""
    goal = add_item(staff, "goal", {"text": "Maya is safe and settled at home"})
    items = {
        "strength": add_item(staff, "strength", {"text": "Grandma Rosa picks the children up"}),
        "worry": add_item(staff, "worry", {"text": "Arguments in front of the children"}),
        "goal": goal,
        "call": add_item(
            staff,
            "action",
            {"what": "Call the school weekly", "who_service": "Ana", "goal_id": str(goal.id)},
        ),
        "book": add_item(
            staff,
            "action",
            {"what": "Book the intake", "who_service": "Ana", "due_on": "2026-12-31"},
        ),
        "step": add_item(
            staff, "safety_step", {"kind": "reactive", "text": "Call Rosa", "trigger": "A fight"}
        ),
    }
    return items


def test_ending_a_meeting_keeps_the_plan_as_version_one(facilitator, case, meeting, first_plan):
    """The facilitator ends the meeting: the plan as it stands is version 1, with its event."""
    end_meeting(facilitator, meeting)

    [version] = _versions(case.id)
    assert (version.number, version.meeting_id) == (1, meeting.id)
    snapshot = version.snapshot
    assert [s["text"] for s in snapshot["strengths"]] == ["Grandma Rosa picks the children up"]
    assert [w["text"] for w in snapshot["worries"]] == ["Arguments in front of the children"]
    actions = {a["what"]: a for a in snapshot["actions"]}
    assert actions["Call the school weekly"]["goal_id"] == first_plan["goal"].id
    assert actions["Book the intake"]["due_on"] == "2026-12-31"
    assert actions["Book the intake"]["who"] == "Ana"
    assert actions["Book the intake"]["status"] == "open"
    assert snapshot["safety_steps"][0]["kind"] == "reactive"
    last = db.session.scalars(
        sa.select(TranscriptEvent)
        .where(TranscriptEvent.case_id == case.id)
        .order_by(TranscriptEvent.seq.desc())
        .limit(2)
    ).all()
    assert [event.kind for event in reversed(last)] == ["meeting.ended", "plan_version.taken"]
    assert last[0].after == {"number": 1} and last[0].target_id == version.id


def test_deleted_items_are_left_out_and_confidential_ones_marked(
    facilitator, case, meeting, staff, first_plan
):
    delete_item(staff, "worry", first_plan["worry"].id)
    set_confidential(staff, "strength", first_plan["strength"].id, True)

    end_meeting(facilitator, meeting)

    snapshot = _versions(case.id)[0].snapshot
    assert snapshot["worries"] == []
    assert snapshot["strengths"][0]["confidential"] is True


def test_a_version_never_changes(facilitator, case, meeting, staff, first_plan):
    """Neither the ORM nor the board's later life changes what people agreed to."""
    end_meeting(facilitator, meeting)
    version = _versions(case.id)[0]
    taken = dict(version.snapshot)

    nxt = _next_meeting(facilitator, case)
    edit_item(
        nxt,
        "action",
        first_plan["call"].id,
        {"what": "Call the school every Friday"},
        base_versions={"what": 0},
    )
    db.session.expire_all()
    assert _versions(case.id)[0].snapshot == taken

    version = _versions(case.id)[0]
    version.number = 7
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(_versions(case.id)[0])
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()


def test_the_review_is_compared_with_the_plan_before_it(
    facilitator, case, meeting, staff, first_plan
):
    """Version 2 against version 1: what was added, changed, completed and dropped."""
    end_meeting(facilitator, meeting)
    nxt = _next_meeting(facilitator, case)
    added = add_item(nxt, "strength", {"text": "Leo's attendance is up to 95%"})
    edit_item(
        nxt,
        "action",
        first_plan["call"].id,
        {"what": "Call the school every Friday"},
        base_versions={"what": 0},
    )
    edit_item(nxt, "action", first_plan["book"].id, {"status": "done"}, base_versions={"status": 0})
    delete_item(nxt, "safety_step", first_plan["step"].id)

    end_meeting(facilitator, nxt.meeting)

    first, second = _versions(case.id)
    assert second.number == 2 and previous_version(second).id == first.id
    assert previous_version(first) is None
    changes = compare(first.snapshot, second.snapshot)
    assert [s["id"] for s in changes["strengths"]["added"]] == [added.id]
    assert changes["strengths"]["dropped"] == changes["strengths"]["changed"] == []
    [changed] = changes["actions"]["changed"]
    assert changed["item"]["id"] == first_plan["call"].id
    assert changed["fields"] == [("what", "Call the school weekly", "Call the school every Friday")]
    assert [a["id"] for a in changes["actions"]["completed"]] == [first_plan["book"].id]
    assert [s["id"] for s in changes["safety_steps"]["dropped"]] == [first_plan["step"].id]
    assert changes["worries"] == {"added": [], "changed": [], "completed": [], "dropped": []}


def test_the_first_version_is_all_new(facilitator, case, meeting, first_plan):
    end_meeting(facilitator, meeting)

    changes = compare(None, _versions(case.id)[0].snapshot)

    assert len(changes["actions"]["added"]) == 2
    assert all(not part["dropped"] for part in changes.values())


def test_only_ending_takes_a_version(facilitator, case):
    """Scheduling, opening and starting a meeting take no version; an ended meeting can't be
    ended again (so it never has two).
    """
    meeting = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, meeting)
    assert _versions(case.id) == []

    end_meeting(facilitator, meeting)
    with pytest.raises(Invalid) as refused:
        end_meeting(facilitator, meeting)
    assert refused.value.errors == {"status": "Only an open or live meeting can be ended."}
    assert [v.number for v in _versions(case.id)] == [1]
