"""The demo seed: a believable family to try fttm with, written through the one write path."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fttm.cases.timeframes import DeadlineKind, next_deadline
from fttm.demo import seed_demo
from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.meetings import join_codes
from fttm.meetings.commands import cancel_meeting
from fttm.models import (
    Action,
    Case,
    EcomapConnection,
    Goal,
    Household,
    Meeting,
    MeetingPurpose,
    MeetingStatus,
    Objective,
    Person,
    Relationship,
    SafetyStep,
    SafetyStepKind,
    Strength,
    TranscriptEvent,
    User,
    Worry,
)
from fttm.timestamps import utcnow

BOARD = {  # transcript kind → the rows it records
    "household.added": Household,
    "person.added": Person,
    "relationship.added": Relationship,
    "ecomap_connection.added": EcomapConnection,
    "strength.added": Strength,
    "worry.added": Worry,
    "goal.added": Goal,
    "objective.added": Objective,
    "action.added": Action,
    "safety_step.added": SafetyStep,
}


@pytest.fixture
def seeded(app):
    """The demo, seeded once into an empty database."""
    return seed_demo()


def _case(number: str) -> Case:
    """The demo case with this number."""
    return db.session.scalar(sa.select(Case).where(Case.case_number == number))


def _rows(model, case: Case) -> list:
    """Every row of `model` on the case's board."""
    return list(db.session.scalars(sa.select(model).where(model.case_id == case.id)))


def _row_counts() -> dict[str, int]:
    """How many rows every table has."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_family_map_has_three_generations_around_a_focus_child(seeded):
    """Grandparents → parents → children, drawn with parentage lines, and one focus child."""
    case = _case("DEMO-1001")
    people = {person.id: person for person in _rows(Person, case)}
    parentage = [r for r in _rows(Relationship, case) if r.is_parentage]
    parents_of: dict[int, set[int]] = {}
    for line in parentage:
        parents_of.setdefault(line.to_person_id, set()).add(line.from_person_id)
    children = {
        child
        for child, parents in parents_of.items()
        if any(parent in parents_of for parent in parents)
    }
    parents = {parent for child in children for parent in parents_of[child]}
    grandparents = {gp for parent in parents for gp in parents_of.get(parent, ())}
    assert len(children) >= 2 and len(parents) == 2 and len(grandparents) >= 3
    focus = [person for person in people.values() if person.is_focus_child]
    assert len(focus) == 1 and focus[0].id in children
    for child in children:  # a child is born after each parent
        assert all(people[p].birth_year < people[child].birth_year for p in parents_of[child])
    deceased = [person for person in people.values() if person.deceased]
    assert deceased and all(person.death_year for person in deceased)
    assert {r.kind for r in _rows(Relationship, case) if r.is_union} >= {"divorced", "cohabiting"}
    assert len(_rows(Household, case)) == 2


def test_ecomap_and_assessment_use_the_profile_vocabularies(seeded):
    """Ecomap categories and need domains are keys the case's profile knows, so labels show."""
    case = _case("DEMO-1001")
    miteam = profile(case.jurisdiction)
    connections = _rows(EcomapConnection, case)
    assert 4 <= len(connections) <= 6
    assert all(miteam.has("ecomap_categories", c.category) for c in connections)
    assert {c.strength for c in connections} >= {"strong", "moderate", "tenuous", "stressful"}
    strengths, worries = _rows(Strength, case), _rows(Worry, case)
    assert len(strengths) >= 3 and any(s.person_id for s in strengths)
    assert len(worries) == 3
    assert all(miteam.has("need_domains", w.need_domain) for w in worries)


def test_plan_actions_are_smart_and_safety_plan_has_both_kinds(seeded):
    """Each action says who, where/how and by when (still ahead); reactive steps name a trigger."""
    case = _case("DEMO-1001")
    today = profile(case.jurisdiction).today()
    goals = _rows(Goal, case)
    assert len(goals) == 1 and len(goals[0].objectives) == 2
    actions = _rows(Action, case)
    assert len(actions) >= 3
    for action in actions:
        assert action.who_person_id or action.who_service
        assert action.where_how and action.due_on > today
        assert action.objective_id in {o.id for o in goals[0].objectives}
    assert any("555 0100" in action.what for action in actions)
    steps = _rows(SafetyStep, case)
    proactive = [s for s in steps if s.kind == SafetyStepKind.PROACTIVE]
    reactive = [s for s in steps if s.kind == SafetyStepKind.REACTIVE]
    assert len(proactive) >= 2 and len(reactive) >= 2
    assert all(step.trigger and step.trigger.startswith("If ") for step in reactive)


def test_a_past_meeting_ended_and_a_90_day_review_is_coming(seeded):
    """The initial plan was made 75 days ago; the printed path and code are the next meeting's."""
    case = _case("DEMO-1001")
    meetings = {m.status: m for m in case.meetings}
    assert set(meetings) == {MeetingStatus.ENDED, MeetingStatus.SCHEDULED}
    held, upcoming = meetings[MeetingStatus.ENDED], meetings[MeetingStatus.SCHEDULED]
    assert held.purpose == MeetingPurpose.INITIAL_PLAN
    assert held.ended_at - held.started_at == timedelta(minutes=90)
    assert held.ended_at < utcnow() - timedelta(days=70)
    assert upcoming.purpose == MeetingPurpose.REVIEW_90_DAY
    assert utcnow() + timedelta(days=6) < upcoming.scheduled_at < utcnow() + timedelta(days=8)
    assert held.join_code != upcoming.join_code
    assert seeded.meeting_path == f"/meetings/{upcoming.id}/board/"
    assert join_codes.normalise(seeded.join_code) == upcoming.join_code


def test_the_review_has_maya_s_drawing_for_everyone_and_a_report_for_staff(seeded):
    """Voices sent in before the review: Maya's drawing through her teacher, shown to the
    family; a counselor's report Ana has not agreed to share, staff only."""
    from io import BytesIO

    from PIL import Image

    from fttm.voices.models import AbsentVoice

    upcoming = next(m for m in _case("DEMO-1001").meetings if m.status == MeetingStatus.SCHEDULED)
    voices = {
        v.from_name: v
        for v in db.session.scalars(
            sa.select(AbsentVoice).where(AbsentVoice.meeting_id == upcoming.id)
        )
    }
    maya, report = voices["Maya"], voices["Dr. Lena Kim, Midtown Counseling"]
    assert maya.shareable and not maya.confidential and maya.through_name == "Ms. Alvarez"
    assert maya.section == "strengths" and maya.picture_type == "image/png"
    assert Image.open(BytesIO(maya.picture)).size == (maya.picture_width, maya.picture_height)
    assert report.confidential and not report.shareable and report.picture is None


def test_the_past_meeting_followed_its_agenda_and_planned_in_its_planning_phase(seeded):
    """The held meeting moved through its phases; its actions were written in "What needs to
    happen", so fidelity shows them planned in the meeting."""
    from fttm.meetings.phases import meeting_timeline
    from fttm.reviews.agenda_fidelity import planned_in_the_meeting

    held = next(m for m in _case("DEMO-1001").meetings if m.status == MeetingStatus.ENDED)
    took = {row["key"]: row["seconds"] for row in meeting_timeline(held) if row["seconds"]}
    assert list(took) == [
        "welcome",
        "ground_rules",
        "strengths",
        "family_map",
        "plan",
        "agreement",
        "plus_delta",
    ]
    assert sum(took.values()) == 90 * 60 and took["welcome"] == 6 * 60
    indicator = planned_in_the_meeting(held)
    assert indicator.met is True, indicator.figures


def test_every_board_row_has_its_transcript_event_in_the_past_meeting(seeded):
    """Invariant 2: each seeded item was recorded, in the meeting where it was written."""
    case = _case("DEMO-1001")
    held = next(m for m in case.meetings if m.status == MeetingStatus.ENDED)
    events = _rows(TranscriptEvent, case)
    assert [e.seq for e in sorted(events, key=lambda e: e.seq)] == list(range(1, len(events) + 1))
    for kind, model in BOARD.items():
        recorded = [e for e in events if e.kind == kind]
        assert sorted(e.target_id for e in recorded) == sorted(r.id for r in _rows(model, case))
        assert recorded and all(e.meeting_id == held.id for e in recorded)
    in_meeting = sorted((e for e in events if e.meeting_id == held.id), key=lambda e: e.seq)
    kinds = [e.kind for e in in_meeting]
    started = kinds.index("meeting.started")  # after its scheduling and opening, as any meeting's
    assert kinds[: started + 1] == ["meeting.scheduled", "meeting.opened", "meeting.started"]
    taken = kinds.index("plan_version.taken")
    assert kinds[taken - 1] == "meeting.ended"
    assert all(held.started_at <= e.at <= held.ended_at for e in in_meeting[started : taken + 1])
    # After the meeting: who agreed, plus / delta, the supervisor's endorsement and the family's
    # copies.
    afterwards = in_meeting[taken + 1 :]
    assert {e.kind for e in afterwards} == {
        "agreement.given",
        "agreement.recorded",
        "plus_delta.given",
        "plan_version.endorsed",
        "family_copy.recorded",
    }
    assert all(e.at >= held.ended_at for e in afterwards)
    assert {e.kind for e in events} >= {"case.opened", "meeting.scheduled"}


def test_the_second_case_is_overdue_for_its_plan_and_the_first_is_not(seeded):
    """The case list shows one overdue plan (Nguyen) and one review still ahead (Rivera)."""
    nguyen, rivera = _case("DEMO-2001"), _case("DEMO-1001")
    assert nguyen.jurisdiction == "bicpm" and not nguyen.meetings
    assert len(_rows(Person, nguyen)) >= 2
    deadline = next_deadline(nguyen, profile(nguyen.jurisdiction))
    assert deadline.kind == DeadlineKind.PLAN and deadline.overdue
    review = next_deadline(rivera, profile(rivera.jurisdiction))
    assert review.kind == DeadlineKind.REVIEW and not review.overdue


def test_seeding_twice_duplicates_nothing_and_gives_new_working_passwords(seeded):
    """A newcomer who lost the passwords runs it again: new passwords, the same demo."""
    before = _row_counts()
    again = seed_demo()
    assert _row_counts() == before
    assert (again.meeting_path, again.join_code) == (seeded.meeting_path, seeded.join_code)
    assert [login.email for login in again.logins] == [login.email for login in seeded.logins]
    for old, new in zip(seeded.logins, again.logins, strict=True):
        user = db.session.scalar(sa.select(User).where(User.email == new.email))
        assert new.password != old.password
        assert user.check_password(new.password) and not user.check_password(old.password)
        assert user.role == new.role and user.team.name == "Demo Team"


def test_a_new_review_is_scheduled_when_the_upcoming_one_was_cancelled(seeded):
    """The printed meeting is always one that can still be opened."""
    facilitator = db.session.scalar(sa.select(User).where(User.role == "facilitator"))
    cancelled = db.session.get(Meeting, int(seeded.meeting_path.split("/")[2]))
    cancel_meeting(facilitator, cancelled)
    again = seed_demo()
    assert again.meeting_path != seeded.meeting_path
    meeting = db.session.get(Meeting, int(again.meeting_path.split("/")[2]))
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.scheduled_at > utcnow()
    assert join_codes.normalise(again.join_code) == meeting.join_code


def test_a_french_speaking_family_met_on_the_ontario_profile(seeded):
    """The Gagnons: an Ontario case whose meeting was held with phones in French, where the
    family wrote its strengths and worries in French, through the phases of Ontario's agenda."""
    from fttm.jurisdictions import phase_name
    from fttm.meetings.phases import meeting_timeline

    case = _case("DEMO-3001")
    rules = profile("ontario")
    assert case.jurisdiction == "ontario" and case.family_name == "Gagnon"
    held = next(m for m in case.meetings if m.status == MeetingStatus.ENDED)
    phones = [p for p in held.participants if p.user_id is None]
    assert {p.display_name: p.language for p in phones} == {
        "Sophie": "fr_CA",
        "Claudette": "fr_CA",
    }
    strengths = [s.text for s in _rows(Strength, case)]
    assert any(text.startswith("Émile va à l'école") for text in strengths)
    worries = _rows(Worry, case)
    domains = [w.need_domain for w in worries if w.need_domain]
    assert len(domains) == 2 and all(rules.has("need_domains", domain) for domain in domains)
    # Written in the Olmsted framework's sections, the Ontario profile's board.
    assert {s.section for s in _rows(Strength, case)} == {"strengths", "safety"}
    assert {w.section for w in worries} == {"danger", "complicating", "gaps"}
    events = _rows(TranscriptEvent, case)
    for kind in ("person.added", "strength.added", "worry.added"):
        recorded = [e for e in events if e.kind == kind]
        assert recorded and all(e.meeting_id == held.id for e in recorded)
    by_phone = {e.actor_name for e in events if e.kind in ("strength.added", "worry.added")}
    assert {"Sophie", "Claudette"} <= by_phone
    rows = [row for row in meeting_timeline(held) if row["seconds"]]
    assert [row["key"] for row in rows] == [  # in the agenda's order
        "welcome",
        "strengths_safety",
        "complicating_gaps",
        "family_map",
        "plus_delta",
    ]
    assert phase_name(rows[3], "fr_CA") == "Génogramme et écocarte"
