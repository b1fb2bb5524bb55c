"""When a plan version's endorsement and the family's copies are due, for both profiles, and when
they stop being due: endorsed by a supervisor, a copy given to each parent and the young person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from fttm.cases.timeframes import (
    DUE_SOON_DAYS,
    Deadline,
    DeadlineKind,
    case_deadlines,
    plan_progress,
)
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map.people import add_person, delete_person, edit_person
from fttm.joining.commands import join_as_staff
from fttm.jurisdictions import profile
from fttm.meetings import commands as meeting_commands
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.plans import versions as plan_versions
from fttm.plans.models import CopyMethod, Endorsement, EndorsementDecision, FamilyCopy, PlanVersion
from tests import factories

BICPM = {"jurisdiction": "bicpm", "permanency_goal": "family_reunification"}
ENDORSEMENT, COPY = DeadlineKind.ENDORSEMENT, DeadlineKind.FAMILY_COPY
# 16:00 UTC is late morning in Detroit and the small hours of the next day in Melbourne: BICPM
# tests do not depend on the plan's day, MiTEAM tests count from the Detroit day.
AFTERNOON_UTC = 16


@pytest.fixture
def make_plan(facilitator, monkeypatch) -> Callable[..., PlanVersion]:
    """End a meeting of the case at `ended` (UTC) through the real command, after building its
    family map with `family(viewer)`; return the plan version it took."""

    def make(case, ended: datetime, family: Callable[[Viewer], None] | None = None):
        meeting = factories.make_meeting(facilitator, case)
        start_meeting(facilitator, meeting)
        if family is not None:
            family(Viewer(meeting, join_as_staff(facilitator, meeting), facilitator))
        # The meeting ends "on" the day the test is about: the clock the command reads is set.
        monkeypatch.setattr(meeting_commands, "utcnow", lambda: ended)
        monkeypatch.setattr(plan_versions, "utcnow", lambda: ended)
        end_meeting(facilitator, meeting)
        monkeypatch.undo()
        db.session.refresh(case)
        return db.session.get(PlanVersion, _version_of(meeting.id))

    return make


def _version_of(meeting_id: int) -> int:
    """The id of the plan version a meeting ended with."""
    return db.session.scalar(sa.select(PlanVersion.id).where(PlanVersion.meeting_id == meeting_id))


def _due(case, today: date) -> dict[DeadlineKind, date]:
    """The case's open deadlines by kind."""
    return {d.kind: d.due for d in case_deadlines(case, profile(case.jurisdiction), today)}


def _decide(version: PlanVersion, supervisor, decision: EndorsementDecision, at: datetime):
    """A supervisor's decision on the version, as the endorsement command will store it."""
    db.session.add(
        Endorsement(
            plan_version_id=version.id,
            supervisor_id=supervisor.id,
            decision=decision,
            comment="Checked in supervision",
            decided_at=at,
        )
    )
    db.session.commit()


def _give_copy(version: PlanVersion, facilitator, name: str, person=None) -> None:
    """A copy of the version handed to someone, as the copy command will store it."""
    db.session.add(
        FamilyCopy(
            plan_version_id=version.id,
            person_id=person.id if person else None,
            recipient_name=name,
            method=CopyMethod.IN_PERSON,
            given_on=date(2025, 2, 10),
            recorded_by_user_id=facilitator.id,
        )
    )
    db.session.commit()


def _utc(day: date) -> datetime:
    """The afternoon of `day` in UTC."""
    return datetime(day.year, day.month, day.day, AFTERNOON_UTC, tzinfo=UTC)


# ---- Due dates: the Best Interests profile (21 days from substantiation) ----


@pytest.mark.parametrize(
    ("substantiated", "due"),
    [
        (date(2025, 1, 8), date(2025, 1, 29)),  # a Wednesday: stays
        (date(2025, 1, 4), date(2025, 1, 24)),  # due Saturday 25 January: the Friday before
        (date(2025, 1, 5), date(2025, 1, 24)),  # due Sunday 26 January: the Friday before
    ],
)
def test_bicpm_endorsement_and_copy_are_due_with_the_plan(
    facilitator, make_plan, substantiated, due
):
    """Seed 002: completed, endorsed and a copy provided within 21 days of substantiation."""
    case = factories.make_case(facilitator, substantiation_date=substantiated, **BICPM)
    assert _due(case, substantiated) == {DeadlineKind.PLAN: due}

    make_plan(case, _utc(substantiated + timedelta(days=9)))

    due_dates = _due(case, substantiated + timedelta(days=10))
    assert (due_dates[ENDORSEMENT], due_dates[COPY]) == (due, due)
    assert due.weekday() < 5
    assert DeadlineKind.PLAN not in due_dates


def test_bicpm_counts_from_substantiation_even_with_a_placement(facilitator, make_plan):
    """A child placed after substantiation does not move the 21 days."""
    case = factories.make_case(
        facilitator,
        substantiation_date=date(2025, 1, 8),
        placement_date=date(2025, 1, 20),
        **BICPM,
    )
    assert _due(case, date(2025, 1, 21)) == {DeadlineKind.PLAN: date(2025, 1, 29)}

    make_plan(case, _utc(date(2025, 1, 27)))

    due_dates = _due(case, date(2025, 1, 28))
    assert (due_dates[ENDORSEMENT], due_dates[COPY]) == (date(2025, 1, 29), date(2025, 1, 29))


def test_bicpm_review_every_90_days_moves_off_a_weekend(facilitator, make_plan):
    """The 90-day review of a BICPM plan falling on a Sunday is due the Friday before."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 8), **BICPM)
    # 23:00 UTC on Sunday 26 January is 10:00 on Monday 27 January in Melbourne.
    make_plan(case, datetime(2025, 1, 26, 23, 0, tzinfo=UTC))

    review = _due(case, date(2025, 1, 28))[DeadlineKind.REVIEW]

    assert review == date(2025, 4, 25)  # 90 days after 27 January is Sunday 27 April
    assert review.weekday() == 4


# ---- Due dates: the MiTEAM profile (30-day plan, 14 days to endorse and copy, 90-day reviews) ----


@pytest.mark.parametrize(
    ("placement", "plan_due"),
    [
        (date(2025, 2, 1), date(2025, 3, 3)),  # 30 days from placement
        (None, date(2025, 2, 9)),  # in-home case: 30 days from substantiation (a Sunday, kept)
    ],
)
def test_miteam_endorsement_and_copy_are_due_14_days_after_the_plan(
    facilitator, make_plan, placement, plan_due
):
    """Whether the child was placed or not, the version's deadlines count from the plan's day."""
    case = factories.make_case(
        facilitator, substantiation_date=date(2025, 1, 10), placement_date=placement
    )
    assert _due(case, date(2025, 1, 11)) == {DeadlineKind.PLAN: plan_due}

    make_plan(case, _utc(date(2025, 2, 7)))  # a Friday: 14 days later is a Friday too

    assert _due(case, date(2025, 2, 8)) == {
        ENDORSEMENT: date(2025, 2, 21),
        COPY: date(2025, 2, 21),
        DeadlineKind.REVIEW: date(2025, 5, 8),
    }


def test_miteam_keeps_an_endorsement_due_on_a_weekend(facilitator, make_plan):
    """MiTEAM counts calendar days: 14 days after a Saturday meeting is a Saturday."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))

    make_plan(case, _utc(date(2025, 2, 8)))

    due = _due(case, date(2025, 2, 9))
    assert due[ENDORSEMENT] == due[COPY] == date(2025, 2, 22)
    assert due[ENDORSEMENT].weekday() == 5


def test_miteam_plan_day_is_the_local_day_in_detroit(facilitator, make_plan):
    """A meeting ending at 22:00 in Detroit (03:00 UTC the next day) counts from its local day."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))

    make_plan(case, datetime(2025, 2, 8, 3, 0, tzinfo=UTC))

    assert _due(case, date(2025, 2, 8))[ENDORSEMENT] == date(2025, 2, 21)


def test_each_review_counts_90_days_from_the_latest_plan(facilitator, supervisor, make_plan):
    """After the review meeting the next review, endorsement and copy follow the new version."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    first = make_plan(case, _utc(date(2025, 2, 7)))
    _decide(first, supervisor, EndorsementDecision.ENDORSED, _utc(date(2025, 2, 10)))
    _give_copy(first, facilitator, "Ana Rivera")
    assert _due(case, date(2025, 2, 11)) == {DeadlineKind.REVIEW: date(2025, 5, 8)}

    make_plan(case, _utc(date(2025, 5, 6)))

    assert _due(case, date(2025, 5, 7)) == {
        ENDORSEMENT: date(2025, 5, 20),
        COPY: date(2025, 5, 20),
        DeadlineKind.REVIEW: date(2025, 8, 4),
    }


# ---- The supervisor's endorsement ----


def test_endorsement_stays_open_when_returned_and_closes_when_endorsed(
    facilitator, supervisor, make_plan
):
    """Open after the meeting; a return sends it back to the facilitator, still due; endorsed,
    it is no longer due."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    version = make_plan(case, _utc(date(2025, 2, 7)))
    today = date(2025, 2, 12)
    assert ENDORSEMENT in _due(case, today)

    _decide(version, supervisor, EndorsementDecision.RETURNED, _utc(date(2025, 2, 10)))
    assert _due(case, today)[ENDORSEMENT] == date(2025, 2, 21)

    _decide(version, supervisor, EndorsementDecision.ENDORSED, _utc(date(2025, 2, 11)))
    assert ENDORSEMENT not in _due(case, today)
    assert plan_progress([case.id])[case.id].endorsed is True


def test_a_plan_returned_after_endorsement_is_due_again(facilitator, supervisor, make_plan):
    """The latest decision counts: endorsed, then returned, is back with the facilitator."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    version = make_plan(case, _utc(date(2025, 2, 7)))
    _decide(version, supervisor, EndorsementDecision.ENDORSED, _utc(date(2025, 2, 10)))
    _decide(version, supervisor, EndorsementDecision.RETURNED, _utc(date(2025, 2, 11)))

    assert ENDORSEMENT in _due(case, date(2025, 2, 12))


def test_endorsing_an_older_version_does_not_endorse_the_latest(facilitator, supervisor, make_plan):
    """Only the case's latest plan version is waiting: endorsing version 1 late changes nothing."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    first = make_plan(case, _utc(date(2025, 2, 7)))
    make_plan(case, _utc(date(2025, 5, 6)))

    _decide(first, supervisor, EndorsementDecision.ENDORSED, _utc(date(2025, 5, 7)))

    assert _due(case, date(2025, 5, 8))[ENDORSEMENT] == date(2025, 5, 20)


# ---- Copies for the family: each parent and the young person ----


def _family(people: dict) -> Callable[[Viewer], None]:
    """Build Maya (the focus child), her mother Ana and father Luis (birth parents), and her
    foster carer Joy on the map; `people` receives them by first name."""

    def build(staff: Viewer) -> None:
        maya = add_person(staff, {"name": "Maya Rivera", "is_focus_child": "1", "born": "2012"})
        people["maya"] = maya
        for key, name, how in (
            ("ana", "Ana Rivera", "parent:biological"),
            ("luis", "Luis Rivera", "parent:biological"),
            ("joy", "Joy Carer", "parent:foster"),
        ):
            people[key] = add_person(staff, {"name": name, "relation": how, "other": str(maya.id)})

    return build


def test_the_copy_is_due_until_each_parent_and_the_young_person_has_one(facilitator, make_plan):
    """One copy per birth parent and one for Maya; the foster carer's copy is not required."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    people: dict = {}
    version = make_plan(case, _utc(date(2025, 2, 7)), _family(people))
    today = date(2025, 2, 12)

    for key in ("ana", "joy", "maya"):
        _give_copy(version, facilitator, people[key].name, people[key])
        assert _due(case, today)[COPY] == date(2025, 2, 21), f"still due after {key}"

    _give_copy(version, facilitator, people["luis"].name, people["luis"])
    assert COPY not in _due(case, today)


def test_a_copy_recorded_by_name_only_counts_for_that_person(facilitator, make_plan):
    """A copy written down with the recipient's name (not picked from the map) still counts."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    people: dict = {}
    version = make_plan(case, _utc(date(2025, 2, 7)), _family(people))
    _give_copy(version, facilitator, "Maya Rivera", people["maya"])
    _give_copy(version, facilitator, "Ana Rivera", people["ana"])

    _give_copy(version, facilitator, "  luis  RIVERA ")
    assert COPY not in _due(case, date(2025, 2, 12))


def test_a_parent_taken_off_the_map_is_not_owed_a_copy(facilitator, make_plan):
    """Someone removed from the family map (added by mistake) no longer counts."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    people: dict = {}

    def family(staff: Viewer) -> None:
        _family(people)(staff)
        delete_person(staff, people["luis"].id)

    version = make_plan(case, _utc(date(2025, 2, 7)), family)
    _give_copy(version, facilitator, "Maya Rivera", people["maya"])
    _give_copy(version, facilitator, "Ana Rivera", people["ana"])

    assert COPY not in _due(case, date(2025, 2, 12))


def test_each_focus_child_is_owed_a_copy(facilitator, make_plan):
    """Siblings the plan is about each get their own copy, as their mother does."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    people: dict = {}

    def family(staff: Viewer) -> None:
        people["ana"] = add_person(staff, {"name": "Ana Rivera"})
        for key, name in (("maya", "Maya Rivera"), ("leo", "Leo Rivera")):
            people[key] = add_person(
                staff,
                {
                    "name": name,
                    "is_focus_child": "1",
                    "relation": "child:biological",
                    "other": str(people["ana"].id),
                },
            )

    version = make_plan(case, _utc(date(2025, 2, 7)), family)
    _give_copy(version, facilitator, "Ana Rivera", people["ana"])
    _give_copy(version, facilitator, "Maya Rivera", people["maya"])
    assert COPY in _due(case, date(2025, 2, 12))

    _give_copy(version, facilitator, "Leo Rivera", people["leo"])
    assert COPY not in _due(case, date(2025, 2, 12))


def test_a_parent_who_has_died_is_not_owed_a_copy(facilitator, make_plan):
    """A father drawn on the genogram as deceased is not waited for."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    people: dict = {}

    def family(staff: Viewer) -> None:
        _family(people)(staff)
        edit = {"name": "Luis Rivera", "deceased": "1"}
        luis = people["luis"]
        edit_person(staff, luis.id, edit, base_version=luis.version)

    version = make_plan(case, _utc(date(2025, 2, 7)), family)
    _give_copy(version, facilitator, "Maya Rivera", people["maya"])
    _give_copy(version, facilitator, "Ana Rivera", people["ana"])

    assert COPY not in _due(case, date(2025, 2, 12))


@pytest.mark.parametrize("map_has", ["nobody", "a focus child without parents"])
def test_without_a_focus_child_and_parents_on_the_map_one_copy_counts(
    facilitator, make_plan, map_has
):
    """The app cannot know who is owed a copy: the first copy recorded closes the deadline."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))

    def family(staff: Viewer) -> None:
        if map_has != "nobody":
            add_person(staff, {"name": "Maya Rivera", "is_focus_child": "1"})
        add_person(staff, {"name": "Rosa Rivera"})

    version = make_plan(case, _utc(date(2025, 2, 7)), family)
    assert COPY in _due(case, date(2025, 2, 12))

    _give_copy(version, facilitator, "Ana Rivera")
    assert COPY not in _due(case, date(2025, 2, 12))


def test_copies_of_an_earlier_version_do_not_count_for_the_latest(facilitator, make_plan):
    """After a review, the family needs a copy of the new plan."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    first = make_plan(case, _utc(date(2025, 2, 7)))
    _give_copy(first, facilitator, "Ana Rivera")
    make_plan(case, _utc(date(2025, 5, 6)))

    assert _due(case, date(2025, 5, 7))[COPY] == date(2025, 5, 20)


# ---- Due soon ----


@pytest.mark.parametrize(
    ("days_left", "overdue", "due_soon"),
    [
        (-1, True, False),
        (0, False, True),
        (DUE_SOON_DAYS, False, True),
        (DUE_SOON_DAYS + 1, False, False),
    ],
)
def test_due_soon_is_the_coming_week_and_never_overdue(days_left, overdue, due_soon):
    """Due today up to a week ahead is "due soon"; a passed date is overdue instead."""
    today = date(2025, 2, 12)
    deadline = Deadline(DeadlineKind.REVIEW, today + timedelta(days=days_left), today)

    assert (deadline.days_left, deadline.overdue, deadline.due_soon) == (
        days_left,
        overdue,
        due_soon,
    )


def test_new_deadlines_say_what_is_due(facilitator, make_plan, app):
    """The two new kinds read as what a caseworker must do."""
    case = factories.make_case(facilitator, substantiation_date=date(2025, 1, 10))
    make_plan(case, _utc(date(2025, 2, 7)))

    with app.test_request_context():
        labels = {
            d.kind: d.label for d in case_deadlines(case, profile("miteam"), date(2025, 2, 8))
        }

    assert labels[ENDORSEMENT] == "Supervisor endorses the plan"
    assert labels[COPY] == "Copy of the plan to the family"


# ---- A profile that leaves its timeframes out (Ontario: no source found) ----


def test_a_profile_without_timeframes_counts_no_deadline_and_says_so(
    facilitator, make_plan, client, auth
):
    """The Ontario profile leaves out every day count it found no source for: its cases get no
    plan, review, endorsement or copy deadline, before or after a plan, and the case page and the
    family's copy say nothing they cannot source."""
    case = factories.make_case(
        facilitator,
        jurisdiction="ontario",
        permanency_goal="remain_home",
        substantiation_date=date(2025, 1, 8),
        indigenous_child=True,
    )
    assert _due(case, date(2025, 1, 9)) == {}
    version = make_plan(case, _utc(date(2025, 1, 20)))
    assert _due(case, date(2025, 1, 21)) == {}
    assert _due(case, date(2026, 1, 21)) == {}

    auth.login(facilitator)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    said = " ".join(page.split()).replace("&#39;", "'")
    assert (
        "This profile sets no deadline for the case plan, the supervisor's endorsement of a plan, "
        "the family's copy of a plan, the plan's review, and contacting the child's tribe, band "
        "or community: no published source for one was found."
    ) in said
    copy = client.get(f"/meetings/{version.meeting_id}/plan/family").get_data(as_text=True)
    assert copy.count("<dt>") > 0 and "Next review of the plan" not in copy
