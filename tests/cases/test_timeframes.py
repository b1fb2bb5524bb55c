"""What is due on a case and when, from its jurisdiction profile's timeframes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fttm.cases.timeframes import DeadlineKind, case_deadlines, next_deadline
from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.meetings.models import MeetingStatus
from tests import factories

BICPM = {"jurisdiction": "bicpm", "permanency_goal": "family_reunification"}


def _due(case, today: date | None = None) -> list[tuple[DeadlineKind, date]]:
    """The case's deadlines as (kind, due date), in the order the app gives them."""
    return [(d.kind, d.due) for d in case_deadlines(case, profile(case.jurisdiction), today)]


def _end(case, meeting, ended_at: datetime) -> None:
    """Mark a meeting ended at `ended_at` (no command ends meetings yet)."""
    meeting.status = MeetingStatus.ENDED
    meeting.ended_at = ended_at
    db.session.commit()
    db.session.refresh(case)


def test_bicpm_plan_is_due_21_days_after_substantiation(facilitator):
    """A Best Interests case plan is due three weeks after substantiation (a weekday here)."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 8), **BICPM)

    assert _due(case, date(2025, 1, 9)) == [(DeadlineKind.PLAN, date(2025, 1, 29))]


@pytest.mark.parametrize(
    ("substantiated", "friday"),
    [
        (date(2025, 1, 4), date(2025, 1, 24)),  # due Saturday 25 January
        (date(2025, 1, 5), date(2025, 1, 24)),  # due Sunday 26 January
    ],
)
def test_bicpm_weekend_due_date_moves_to_the_friday_before(facilitator, substantiated, friday):
    """A BICPM deadline falling on a weekend is brought forward to the Friday, never missed."""
    case = factories.make_case(facilitator, substantiation_date=substantiated, **BICPM)

    [deadline] = case_deadlines(case, profile("bicpm"), date(2025, 1, 6))

    assert deadline.due == friday
    assert deadline.due.weekday() == 4


def test_miteam_plan_is_due_30_days_after_placement(facilitator):
    """A placed child's MiTEAM plan counts from the placement date."""
    case = factories.make_case(
        facilitator, substantiation_date=date(2025, 1, 10), placement_date=date(2025, 2, 1)
    )

    assert _due(case, date(2025, 2, 2)) == [(DeadlineKind.PLAN, date(2025, 3, 3))]


def test_miteam_plan_without_placement_counts_from_substantiation(facilitator):
    """An in-home MiTEAM case's plan is due 30 days after substantiation."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))

    assert _due(case, date(2025, 1, 11)) == [(DeadlineKind.PLAN, date(2025, 2, 9))]


def test_miteam_keeps_a_deadline_on_a_weekend(facilitator):
    """MiTEAM counts calendar days: a Sunday deadline stays on Sunday."""
    case = factories.make_case(
        facilitator, substantiation_date=date(2025, 1, 10), placement_date=date(2025, 1, 31)
    )

    assert _due(case, date(2025, 2, 1)) == [(DeadlineKind.PLAN, date(2025, 3, 2))]


def test_a_deadline_is_overdue_only_after_its_day(facilitator):
    """On the due date the plan is not late yet; the day after it is."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    miteam = profile("miteam")
    due = date(2025, 2, 9)

    assert next_deadline(case, miteam, due - timedelta(days=1)).overdue is False
    assert next_deadline(case, miteam, due).overdue is False
    assert next_deadline(case, miteam, due + timedelta(days=1)).overdue is True


def test_after_a_meeting_ends_the_next_deadline_is_the_90_day_review(facilitator):
    """Once a plan is made in a meeting, what is due is its review 90 days later."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    meeting = factories.make_meeting(facilitator, case)
    _end(case, meeting, datetime(2025, 2, 3, 16, 0, tzinfo=UTC))

    deadline = next_deadline(case, profile("miteam"), date(2025, 2, 4))

    assert (deadline.kind, deadline.due, deadline.overdue) == (
        DeadlineKind.REVIEW,
        date(2025, 5, 4),
        False,
    )
    assert _due(case, date(2025, 2, 4)) == [(DeadlineKind.REVIEW, date(2025, 5, 4))]
    assert next_deadline(case, profile("miteam"), date(2025, 5, 5)).overdue is True


def test_the_review_counts_from_the_local_day_the_meeting_ended(facilitator):
    """A meeting ending in the evening in Detroit counts from that day, not the UTC date."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    meeting = factories.make_meeting(facilitator, case)
    # 03:00 UTC on 1 March is 22:00 on 28 February in Detroit.
    _end(case, meeting, datetime(2025, 3, 1, 3, 0, tzinfo=UTC))

    assert _due(case, date(2025, 3, 1)) == [(DeadlineKind.REVIEW, date(2025, 5, 29))]


def test_the_review_counts_from_the_latest_ended_meeting(facilitator):
    """With several plans made, the review follows the most recent one."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    first = factories.make_meeting(facilitator, case, days_ahead=3)
    second = factories.make_meeting(facilitator, case, days_ahead=5)
    _end(case, first, datetime(2025, 2, 3, 16, 0, tzinfo=UTC))
    _end(case, second, datetime(2025, 5, 1, 16, 0, tzinfo=UTC))

    assert _due(case, date(2025, 5, 2)) == [(DeadlineKind.REVIEW, date(2025, 7, 30))]


def test_a_cancelled_meeting_does_not_start_the_review(facilitator):
    """Only an ended meeting made a plan; a cancelled one leaves the plan due."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    meeting = factories.make_meeting(facilitator, case)
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()

    assert _due(case, date(2025, 1, 11)) == [(DeadlineKind.PLAN, date(2025, 2, 9))]


def test_miteam_tribe_contact_is_due_3_days_after_substantiation(facilitator):
    """For an Indigenous child MiTEAM asks for contact with the tribe within three days."""
    case = factories.make_case(
        facilitator, substantiation_date=date(2025, 1, 10), indigenous_child=True
    )

    assert _due(case, date(2025, 1, 11)) == [
        (DeadlineKind.TRIBE_CONTACT, date(2025, 1, 13)),
        (DeadlineKind.PLAN, date(2025, 2, 9)),
    ]


def test_tribe_contact_is_no_longer_due_once_made(facilitator):
    """Recording the date the tribe was contacted clears that deadline."""
    case = factories.make_case(
        facilitator,
        substantiation_date=date(2025, 1, 10),
        indigenous_child=True,
        tribe_contacted_on=date(2025, 1, 12),
    )

    assert _due(case, date(2025, 1, 13)) == [(DeadlineKind.PLAN, date(2025, 2, 9))]


@pytest.mark.parametrize(
    "overrides",
    [
        {"indigenous_child": False},
        {"indigenous_child": True, **BICPM},
    ],
)
def test_no_tribe_contact_deadline_elsewhere(facilitator, overrides):
    """Neither a non-Indigenous child nor a BICPM case has a tribe contact deadline."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10), **overrides)

    kinds = [kind for kind, _ in _due(case, date(2025, 1, 11))]

    assert DeadlineKind.TRIBE_CONTACT not in kinds
    assert kinds == [DeadlineKind.PLAN]


def test_deadlines_are_sorted_soonest_first(facilitator):
    """When the plan falls due before the tribe contact, the plan comes first."""
    case = factories.make_case(
        facilitator,
        substantiation_date=date(2025, 1, 10),
        placement_date=date(2024, 12, 12),
        indigenous_child=True,
    )

    assert _due(case, date(2025, 1, 11)) == [
        (DeadlineKind.PLAN, date(2025, 1, 11)),
        (DeadlineKind.TRIBE_CONTACT, date(2025, 1, 13)),
    ]
    assert next_deadline(case, profile("miteam"), date(2025, 1, 11)).kind == DeadlineKind.PLAN


def test_deadline_labels_say_what_is_due(facilitator, app):
    """Each deadline carries a label a caseworker understands."""
    case = factories.make_case(
        facilitator, substantiation_date=date(2025, 1, 10), indigenous_child=True
    )

    with app.test_request_context():
        labels = [d.label for d in case_deadlines(case, profile("miteam"), date(2025, 1, 11))]

    assert labels == ["Contact the child's tribe or community", "Case plan"]
