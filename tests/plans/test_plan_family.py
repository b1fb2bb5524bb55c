"""Whom a case plan is for: the focus children and their living birth or adoptive parents. The
agreement (a parent's missing reason), the copies panel and the due dates all use this one rule.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.cases.timeframes import (
    DeadlineKind,
    case_deadlines,
    copy_due_on,
    endorsement_due_on,
)
from fttm.extensions import db
from fttm.family_map.models import plan_family
from fttm.jurisdictions import profile
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.plans.agreement import unexplained_parents
from fttm.plans.copies import copies_status, record_copy
from fttm.plans.models import PlanVersion
from tests import factories


def test_one_rule_for_agreement_copies_and_due_dates(facilitator, case):
    leo = factories.make_person(case.id, "Leo Lopez", is_focus_child=True)
    mum = factories.make_person(case.id, "Maria Lopez")
    foster = factories.make_person(case.id, "Jo Carer")
    dad = factories.make_person(case.id, "Luis Lopez", deceased=True)
    factories.make_relationship(case.id, "biological", mum, leo)
    factories.make_relationship(case.id, "foster", foster, leo)
    factories.make_relationship(case.id, "biological", dad, leo)
    db.session.commit()
    meeting = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, meeting)
    end_meeting(facilitator, meeting)
    version = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == meeting.id))

    family = plan_family(case.id)
    assert [p.name for p in family.parents] == ["Maria Lopez"]  # not the carer, not the late dad
    assert [p.name for p in family.children] == ["Leo Lopez"]
    assert [row.name for row in unexplained_parents(version)] == ["Maria Lopez"]
    assert [r.person.name for r in copies_status(version).waiting] == ["Maria Lopez", "Leo Lopez"]

    def copy_is_due() -> bool:
        kinds = {d.kind for d in case_deadlines(case, profile(case.jurisdiction))}
        return DeadlineKind.FAMILY_COPY in kinds

    assert copy_is_due()
    today = profile(case.jurisdiction).today()
    record_copy(facilitator, version, person_id=leo.id, method="in_person", given_on=today)
    # A copy recorded by name reaches the same person as one recorded from the map.
    record_copy(
        facilitator, version, recipient_name=" maria  LOPEZ ", method="post", given_on=today
    )
    assert copies_status(version).waiting == []
    assert not copy_is_due()


def test_a_review_plan_is_due_counted_from_its_own_day(facilitator):
    """Best Interests: the first plan is due 21 days after substantiation; a review's plan 21
    days after the review, not months overdue the day it is made."""
    case = factories.make_case(
        facilitator, jurisdiction="bicpm", permanency_goal="family_preservation"
    )
    rules = profile("bicpm")
    versions = []
    for purpose in ("initial_plan", "review_90_day"):
        meeting = factories.make_meeting(facilitator, case, purpose=purpose)
        start_meeting(facilitator, meeting)
        end_meeting(facilitator, meeting)
        versions.append(
            db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == meeting.id))
        )
    first, review = versions

    assert endorsement_due_on(case, first, rules) == rules.deadline(case.substantiation_date, 21)
    review_day = review.created_at.astimezone(rules.zone).date()
    assert endorsement_due_on(case, review, rules) == rules.deadline(review_day, 21)
    assert copy_due_on(case, review, rules) >= review_day
