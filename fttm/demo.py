"""A fictional demo family and demo staff, so a newcomer can try fttm in a minute (`fttm demo`).

Every name, address and phone number here is invented; phone numbers use the fictional 555 range.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for

from fttm.auth.commands import create_user, team_named
from fttm.auth.passwords import password_problem
from fttm.cases.commands import CaseDetails, open_case
from fttm.core.recorder import Actor, Change, change, snapshot
from fttm.extensions import db
from fttm.joining import commands as joining
from fttm.jurisdictions import profile
from fttm.meetings import commands as meeting_commands
from fttm.meetings import join_codes
from fttm.models import (
    Action,
    Case,
    ConnectionStrength,
    EcomapConnection,
    EnergyFlow,
    Goal,
    Household,
    Meeting,
    MeetingPurpose,
    MeetingStatus,
    Objective,
    Participant,
    ParticipantStatus,
    Person,
    Relationship,
    RelationshipKind,
    SafetyStep,
    SafetyStepKind,
    Sex,
    Strength,
    User,
    Worry,
)
from fttm.plans import agreement
from fttm.plans.models import (
    Agreement,
    AgreementResponse,
    CopyMethod,
    Endorsement,
    EndorsementDecision,
    FamilyCopy,
    PlanVersion,
)
from fttm.plans.versions import take_version
from fttm.timestamps import from_local, utcnow

TEAM = "Demo Team"
STAFF = (
    ("facilitator", "facilitator@demo.fttm.example", "Jordan Ellis"),
    ("supervisor", "supervisor@demo.fttm.example", "Priya Raman"),
)
LOCATION = "Family Room 2, Midtown Family Services"
# Columns every board item has; an event's snapshot keeps only what the item says.
BOOKKEEPING = frozenset(
    {
        "id",
        "case_id",
        "version",
        "created_at",
        "updated_at",
        "deleted_at",
        "created_by_user_id",
        "created_by_participant_id",
    }
)

# (key, name, sex, born, died, home, note); years ago, so ages stay right as time passes.
PEOPLE = (
    ("ernesto", "Ernesto Delgado", "male", 66, 6, None, "Ana's father"),
    ("rosa", "Rosa Delgado", "female", 63, None, "rosa", "Ana's mother, the children's grandma"),
    ("gloria", "Gloria Rivera", "female", 64, None, None, "Marcus's mother"),
    ("marcus", "Marcus Rivera", "male", 38, None, None, "Maya and Leo's father"),
    ("ana", "Ana Rivera", "female", 36, None, "home", "Maya and Leo's mother"),
    ("sam", "Sam Carter", "male", 40, None, "home", "Ana's partner"),
    ("leo", "Leo Rivera", "male", 14, None, "home", None),
    ("maya", "Maya Rivera", "female", 9, None, "home", None),
)
# (kind, from, to, began, ended: years ago); parentage runs from parent to child.
RELATIONSHIPS = (
    ("widowed", "ernesto", "rosa", 40, 6),
    ("biological", "ernesto", "ana", None, None),
    ("biological", "rosa", "ana", None, None),
    ("biological", "gloria", "marcus", None, None),
    ("divorced", "marcus", "ana", 16, 5),
    ("cohabiting", "ana", "sam", 3, None),
    ("biological", "ana", "leo", None, None),
    ("biological", "marcus", "leo", None, None),
    ("biological", "ana", "maya", None, None),
    ("biological", "marcus", "maya", None, None),
    ("conflict", "ana", "marcus", None, None),
    ("very_close", "maya", "rosa", None, None),
)
# (category, system, strength, flow, person or None for the household, note)
ECOMAP = (
    (
        "school",
        "Lincoln Elementary School",
        "moderate",
        "both",
        "maya",
        "Maya's teacher, Ms. Okafor, calls Ana when something comes up.",
    ),
    ("health", "Midtown Family Health Clinic", "strong", "to_family", None, None),
    (
        "faith",
        "St. Anne's Parish",
        "strong",
        "both",
        "rosa",
        "Rosa sings in the choir; the children go with her on Sundays.",
    ),
    (
        "service_providers",
        "Turning Point Recovery Services",
        "tenuous",
        "to_family",
        "ana",
        "Referral made; Ana has not been able to book an intake yet.",
    ),
    ("court", "Family Court (parenting time)", "stressful", "from_family", "marcus", None),
    ("agency", "Midtown Family Services", "stressful", "both", None, None),
)
# (person key, display name, role): who joined the first meeting on their phones.
PHONES = (("ana", "Ana", "parent"), ("rosa", "Rosa", "relative"), ("leo", "Leo", "young_person"))
# Who wrote each ecomap connection, strength, worry, action and safety step in that meeting:
# a family member's key (on their phone), or None for the facilitator.
ECOMAP_AUTHORS = ("leo", None, "rosa", "ana", "ana", None)
STRENGTH_AUTHORS = ("ana", "rosa", "leo", "ana")
WORRY_AUTHORS = (None, "rosa", "leo")
ACTION_AUTHORS = ("ana", None, "rosa", "leo")
SAFETY_STEP_AUTHORS = (None, "leo", "rosa", None, "leo")

STRENGTHS = (
    ("ana", "Ana has taken Maya and Leo to every doctor and dentist appointment this year."),
    (
        "rosa",
        "Grandma Rosa picks the children up from school three days a week; they feel "
        "safe at her home.",
    ),
    ("maya", "Maya loves reading and the after-school art club, and says so proudly."),
    (
        None,
        "The family eats dinner together most evenings; everyone says home has felt calmer "
        "since the spring.",
    ),
)
# (need domain, person, text)
WORRIES = (
    (
        "substance_use",
        "ana",
        "Ana has been drinking heavily on some weekends, and Maya and Leo "
        "have been at home without a sober adult.",
    ),
    (
        "safety",
        None,
        "Handovers between Ana and Marcus have turned into shouting in front of the children.",
    ),
    ("education", "leo", "Leo has missed 11 school days this term and is falling behind in maths."),
)
GOAL = "Maya and Leo are safe and cared for at home by a sober adult every day."
OBJECTIVES = (
    "Whenever Ana looks after the children she is sober, as the safety network confirms, for "
    "the next 90 days.",
    "Handovers between Ana and Marcus happen calmly, with no arguments in front of the children.",
)
# (objective, who: person, who: service, what, where and how, due in days from today)
ACTIONS = (
    (
        0,
        "ana",
        None,
        "Ana will call Turning Point on 555 0100 to book an intake appointment within two weeks",
        "By phone from home; Sam will sit with her when she calls",
        14,
    ),
    (
        0,
        None,
        "Midtown Family Services (Jordan Ellis)",
        "Jordan will send Ana the Turning Point referral letter and a monthly bus pass",
        "By post and by email to Ana",
        5,
    ),
    (
        1,
        "rosa",
        None,
        "Rosa will host the Friday handovers at her home, so Ana and Marcus do "
        "not meet at the door",
        "At Rosa's home, 5 pm every Friday",
        30,
    ),
    (
        1,
        "leo",
        None,
        "Leo will meet the school counsellor, Ms. Park, to make a maths catch-up plan",
        "At Eastside Middle School at Tuesday lunch; Ana emails Ms. Park to arrange it",
        21,
    ),
)
# (kind, who: person, who: service, what, when, trigger)
SAFETY_STEPS = (
    (
        "proactive",
        "sam",
        None,
        "Sam stays sober and is the adult in charge at home on Friday and Saturday evenings.",
        "Every Friday and Saturday evening",
        None,
    ),
    (
        "proactive",
        "leo",
        None,
        "Grandma Rosa's number (555 0142) is saved on Leo's phone and written on the fridge.",
        "From today",
        None,
    ),
    (
        "reactive",
        "rosa",
        None,
        "Leo or Sam calls Rosa, who comes to take Maya and Leo to her home for the night.",
        "Any time, day or night",
        "If Ana has been drinking while she is looking after the children",
    ),
    (
        "reactive",
        "marcus",
        None,
        "Marcus leaves calmly and the handover moves to Rosa's home the next day.",
        None,
        "If an argument starts at a handover",
    ),
    (
        "reactive",
        None,
        "Midtown Family Services after-hours line",
        "Leo calls the after-hours line on 555 0199.",
        "Any time",
        "If no safe adult can be reached",
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    """A demo staff account and its freshly set password."""

    role: str
    email: str
    password: str


@dataclass(frozen=True)
class SeededDemo:
    """What `fttm demo` prints: how to sign in, and the meeting to open."""

    logins: list[DemoLogin]
    meeting_path: str
    join_code: str


def seed_demo() -> SeededDemo:
    """Create the demo team, staff, families and meetings once; give the staff new passwords."""
    team = team_named(TEAM, create=True)
    logins = [_demo_login(team.id, role, email, name) for role, email, name in STAFF]
    facilitator = db.session.scalar(sa.select(User).where(User.email == STAFF[0][1]))
    rivera = _rivera_case(facilitator)
    _nguyen_case(facilitator)
    meeting = _upcoming_meeting(facilitator, rivera)
    with current_app.test_request_context():
        path = url_for("board.page", meeting_id=meeting.id)
    return SeededDemo(logins, path, join_codes.display(meeting.join_code))


def _new_password(email: str, name: str) -> str:
    """A random password that meets the staff password rule."""
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password, email=email, name=name) is None:
            return password


def _demo_login(team_id: int, role: str, email: str, name: str) -> DemoLogin:
    """Create a demo account, or give the existing one a new password."""
    password = _new_password(email, name)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        create_user(email=email, name=name, role=role, password=password, team_id=team_id)
    else:
        user.set_password(password)
        db.session.commit()
    return DemoLogin(role, email, password)


def _case(facilitator: User, number: str) -> Case | None:
    """The demo team's case with this number, if it was seeded before."""
    return db.session.scalar(
        sa.select(Case).where(Case.team_id == facilitator.team_id, Case.case_number == number)
    )


def _has_meeting(case: Case, status: MeetingStatus) -> bool:
    """Whether the case has a meeting in this status."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Meeting.id)).where(
                Meeting.case_id == case.id, Meeting.status == status
            )
        )
        > 0
    )


@dataclass
class _Writer:
    """Adds items to a case's board inside one change, each with its transcript event."""

    current: Change
    user_id: int
    clock: datetime
    step: timedelta = timedelta(minutes=1)
    keys: dict[str, Any] = field(default_factory=dict)
    phones: dict[str, Participant] = field(default_factory=dict)

    def add(self, kind: str, section: str, item: Any, by: str | None = None) -> Any:
        """Add `item` and record `kind`; the time is when it was written in the meeting, the
        author the facilitator or, with `by`, the family member on their phone."""
        self.clock += self.step
        item.case_id = self.current.case_id
        phone = self.phones.get(by) if by else None
        if phone is None:
            item.created_by_user_id = self.user_id
        else:
            item.created_by_participant_id = phone.id
        item.created_at = item.updated_at = self.clock
        db.session.add(item)
        db.session.flush()
        fields = tuple(c.key for c in item.__mapper__.column_attrs if c.key not in BOOKKEEPING)
        with self.acting_as(phone):
            self.mark(kind, item, section, snapshot(item, fields), at=self.clock)
        return item

    @contextmanager
    def acting_as(self, phone: Participant | None) -> Iterator[None]:
        """Record events as this participant (the change's own actor when None)."""
        own = self.current.actor
        if phone is not None:
            self.current.actor = Actor.for_participant(phone)
        try:
            yield
        finally:
            self.current.actor = own

    def mark(
        self,
        kind: str,
        target: Any,
        section: str,
        after: dict,
        *,
        before: dict | None = None,
        at: datetime,
    ) -> None:
        """Record an event at the moment it happened (seeded history is written after the fact)."""
        self.current.record(kind, target, before=before, after=after, section=section).at = at

    def person(self, key: str | None) -> int | None:
        """The id of the person seeded under `key`."""
        return self.keys[key].id if key else None


def _rivera_case(facilitator: User) -> Case:
    """The main demo case: three generations, a plan made 75 days ago, a review coming up."""
    today = profile("miteam").today()
    case = _case(facilitator, "DEMO-1001") or open_case(
        facilitator,
        CaseDetails(
            case_number="DEMO-1001",
            family_name="Rivera",
            jurisdiction="miteam",
            substantiation_date=today - timedelta(days=95),
            permanency_goal="remain_home",
            facilitator_id=facilitator.id,
        ),
    )
    if not _has_meeting(case, MeetingStatus.ENDED):
        _first_meeting(facilitator, case, today)
    return case


def _local(case: Case, day: date, hour: int) -> datetime:
    """`hour` o'clock on `day` where the case is, as a UTC moment."""
    zone = profile(case.jurisdiction).zone
    return from_local(datetime(day.year, day.month, day.day, hour, 0), zone)


def _first_meeting(facilitator: User, case: Case, today: date) -> None:
    """The initial-plan meeting, held and ended 75 days ago, in which the board was written."""
    started = _local(case, today - timedelta(days=75), 10)
    with change(case.id, Actor.for_user(facilitator)) as current:
        # schedule_meeting rightly refuses past times; seeding history writes the row directly.
        meeting = Meeting(
            case_id=case.id,
            purpose=MeetingPurpose.INITIAL_PLAN,
            location=LOCATION,
            status=MeetingStatus.ENDED,
            join_code=meeting_commands._unused_code(),
            scheduled_at=started,
            created_at=started - timedelta(days=10),
            opened_at=started - timedelta(minutes=10),
            started_at=started,
            ended_at=started + timedelta(minutes=90),
            created_by_user_id=facilitator.id,
        )
        db.session.add(meeting)
        db.session.flush()
        writer = _Writer(current, facilitator.id, started)
        writer.mark(
            "meeting.scheduled",
            meeting,
            "meeting",
            snapshot(meeting, meeting_commands.FIELDS),
            at=meeting.created_at,
        )
        current.meeting_id = meeting.id
        writer.mark(
            "meeting.started",
            meeting,
            "meeting",
            {"status": "live"},
            before={"status": "open"},
            at=started,
        )
        _family_map(writer, today.year)
        _assessment(writer)
        _plan(writer, today)
        writer.mark(
            "meeting.ended",
            meeting,
            "meeting",
            {"status": "ended"},
            before={"status": "live"},
            at=meeting.ended_at,
        )
        version = take_version(meeting, at=meeting.ended_at)
        writer.mark("plan_version.taken", version, "plan", {"number": 1}, at=meeting.ended_at)
        _agreed_endorsed_and_copied(writer, version, meeting.ended_at)


# (person key, role, response, comment) at the end of the first meeting: Ana, Rosa and Leo
# answered on their phones; the facilitator recorded why Marcus did not take part.
AGREEMENTS = (
    ("ana", "parent", "agreed", "I want Maya home with me and I'll do the parenting course."),
    ("leo", "young_person", "agreed", None),
    ("rosa", "relative", "agreed", "I can have Maya after school on Tuesdays and Thursdays."),
    (
        "marcus",
        "parent",
        "did_not_take_part",
        "Works night shifts out of state; Jordan went through the plan with him by phone the "
        "next morning.",
    ),
)
# (person key, method, days after the meeting) a copy of the plan was given.
COPIES = (
    ("ana", "in_person", 0),
    ("maya", "in_person", 0),
    ("leo", "in_person", 0),
    ("marcus", "post", 2),
)


def _agreed_endorsed_and_copied(writer: _Writer, version: PlanVersion, ended: datetime) -> None:
    """Who agreed with the first plan, the supervisor's endorsement, and the family's copies."""
    for number, (key, role, response, comment) in enumerate(AGREEMENTS):
        phone = writer.phones.get(key)
        at = ended + timedelta(minutes=number + 1)
        answer = Agreement(
            plan_version_id=version.id,
            participant_id=phone.id if phone else None,
            person_id=writer.person(key),
            name=phone.display_name if phone else writer.keys[key].name,
            role=role,
            response=AgreementResponse(response),
            comment=comment,
            recorded_by_user_id=None if phone else writer.user_id,
            recorded_at=at,
        )
        db.session.add(answer)
        db.session.flush()
        after = snapshot(answer, agreement.FIELDS)
        kind = "agreement.given" if phone else "agreement.recorded"
        with writer.acting_as(phone):
            writer.mark(kind, answer, "agreement", after, at=at)
    supervisor = db.session.scalar(sa.select(User).where(User.email == STAFF[1][1]))
    decided = ended + timedelta(days=3)
    facilitator = writer.current.actor
    writer.current.actor = Actor.for_user(supervisor)  # the endorsement is the supervisor's
    endorsement = Endorsement(
        plan_version_id=version.id,
        supervisor_id=supervisor.id,
        decision=EndorsementDecision.ENDORSED,
        comment="Clear actions with owners and dates. Good to see Rosa's after-school offer.",
        decided_at=decided,
    )
    db.session.add(endorsement)
    db.session.flush()
    writer.mark(
        "plan_version.endorsed",
        endorsement,
        "review",
        snapshot(endorsement, ("decision", "comment")),
        at=decided,
    )
    writer.current.actor = facilitator
    for key, method, days in COPIES:
        given = ended + timedelta(days=days)
        copy = FamilyCopy(
            plan_version_id=version.id,
            person_id=writer.person(key),
            recipient_name=writer.keys[key].name,
            method=CopyMethod(method),
            given_on=given.date(),
            recorded_by_user_id=writer.user_id,
            recorded_at=given,
        )
        db.session.add(copy)
        db.session.flush()
        after = snapshot(copy, ("recipient_name", "method", "given_on"))
        writer.mark("family_copy.recorded", copy, "plan", after, at=given)


def _family_map(writer: _Writer, year: int) -> None:
    """The Riveras' households, genogram and ecomap."""
    homes = {"home": Household(name="Rivera-Carter home"), "rosa": Household(name="Rosa's home")}
    for home in homes.values():
        writer.add("household.added", "family_map", home)
    for key, name, sex, born, died, home, note in PEOPLE:
        writer.keys[key] = writer.add(
            "person.added",
            "family_map",
            Person(
                name=name,
                sex=Sex(sex),
                note=note,
                birth_year=year - born,
                deceased=died is not None,
                death_year=year - died if died else None,
                is_focus_child=key == "maya",
                household_id=homes[home].id if home else None,
            ),
        )
    for kind, source, target, began, ended in RELATIONSHIPS:
        writer.add(
            "relationship.added",
            "family_map",
            Relationship(
                kind=RelationshipKind(kind),
                from_person_id=writer.person(source),
                to_person_id=writer.person(target),
                start_year=year - began if began else None,
                end_year=year - ended if ended else None,
            ),
        )
    _phones_join(writer)
    for (category, system, strength, flow, key, note), author in zip(
        ECOMAP, ECOMAP_AUTHORS, strict=True
    ):
        writer.add(
            "ecomap_connection.added",
            "family_map",
            EcomapConnection(
                category=category,
                system_name=system,
                strength=ConnectionStrength(strength),
                flow=EnergyFlow(flow),
                person_id=writer.person(key),
                note=note,
            ),
            by=author,
        )


def _phones_join(writer: _Writer) -> None:
    """Once the genogram is drawn, Ana, Rosa and Leo join on their phones, each choosing
    themselves on the family map, and the facilitator lets them in."""
    meeting_id = writer.current.meeting_id
    for key, name, role in PHONES:
        writer.clock += writer.step
        phone = Participant(
            meeting_id=meeting_id,
            display_name=name,
            role=role,
            person_id=writer.person(key),
            status=ParticipantStatus.ADMITTED,
            token_nonce=secrets.token_hex(8),
            joined_at=writer.clock,
            admitted_at=writer.clock,
        )
        db.session.add(phone)
        db.session.flush()
        writer.phones[key] = phone
        with writer.acting_as(phone):
            joined = snapshot(phone, joining.FIELDS) | {"status": "waiting"}
            writer.mark("participant.joined", phone, "participants", joined, at=writer.clock)
        writer.mark(
            "participant.admitted",
            phone,
            "participants",
            {"status": "admitted"},
            before={"status": "waiting"},
            at=writer.clock,
        )


def _assessment(writer: _Writer) -> None:
    """What's working well and what we are worried about."""
    for (key, text), author in zip(STRENGTHS, STRENGTH_AUTHORS, strict=True):
        writer.add(
            "strength.added",
            "strengths",
            Strength(text=text, person_id=writer.person(key)),
            by=author,
        )
    for (domain, key, text), author in zip(WORRIES, WORRY_AUTHORS, strict=True):
        writer.add(
            "worry.added",
            "worries",
            Worry(text=text, need_domain=domain, person_id=writer.person(key)),
            by=author,
        )


def _plan(writer: _Writer, today: date) -> None:
    """The goal, its objectives, SMART actions and the safety plan."""
    goal = writer.add("goal.added", "plan", Goal(text=GOAL))
    objectives = [
        writer.add(
            "objective.added", "plan", Objective(goal_id=goal.id, text=text, position=number)
        )
        for number, text in enumerate(OBJECTIVES)
    ]
    for number, (objective, key, service, what, where_how, days) in enumerate(ACTIONS):
        writer.add(
            "action.added",
            "plan",
            Action(
                goal_id=goal.id,
                objective_id=objectives[objective].id,
                what=what,
                who_person_id=writer.person(key),
                who_service=service,
                where_how=where_how,
                due_on=today + timedelta(days=days),
                position=number,
            ),
            by=ACTION_AUTHORS[number],
        )
    for number, (kind, key, service, text, when, trigger) in enumerate(SAFETY_STEPS):
        writer.add(
            "safety_step.added",
            "safety_plan",
            SafetyStep(
                kind=SafetyStepKind(kind),
                text=text,
                when=when,
                trigger=trigger,
                who_person_id=writer.person(key),
                who_service=service,
                position=number,
            ),
            by=SAFETY_STEP_AUTHORS[number],
        )


def _nguyen_case(facilitator: User) -> Case:
    """A second, newer case with no meeting yet, so the case list shows an overdue plan."""
    today = profile("bicpm").today()
    case = _case(facilitator, "DEMO-2001") or open_case(
        facilitator,
        CaseDetails(
            case_number="DEMO-2001",
            family_name="Nguyen",
            jurisdiction="bicpm",
            substantiation_date=today - timedelta(days=25),
            permanency_goal="family_preservation",
            facilitator_id=facilitator.id,
        ),
    )
    if db.session.scalar(sa.select(sa.func.count(Person.id)).where(Person.case_id == case.id)):
        return case
    with change(case.id, Actor.for_user(facilitator)) as current:
        writer = _Writer(current, facilitator.id, utcnow(), step=timedelta(0))
        for key, name, sex, age, focus in (
            ("linh", "Linh Nguyen", "female", 29, False),
            ("bao", "Bao Nguyen", "male", 4, True),
        ):
            writer.keys[key] = writer.add(
                "person.added",
                "family_map",
                Person(name=name, sex=Sex(sex), birth_year=today.year - age, is_focus_child=focus),
            )
        writer.add(
            "relationship.added",
            "family_map",
            Relationship(
                kind=RelationshipKind.BIOLOGICAL,
                from_person_id=writer.person("linh"),
                to_person_id=writer.person("bao"),
            ),
        )
    return case


def _upcoming_meeting(facilitator: User, case: Case) -> Meeting:
    """The case's meeting that is coming up (or under way); a 90-day review in a week if none."""
    now = utcnow()
    for meeting in db.session.scalars(
        sa.select(Meeting).where(Meeting.case_id == case.id).order_by(Meeting.scheduled_at)
    ):
        if meeting.status in (MeetingStatus.OPEN, MeetingStatus.LIVE) or (
            meeting.status == MeetingStatus.SCHEDULED and meeting.scheduled_at > now
        ):
            return meeting
    day = profile(case.jurisdiction).today() + timedelta(days=7)
    return meeting_commands.schedule_meeting(
        facilitator,
        case,
        local_time=datetime(day.year, day.month, day.day, 10, 0),
        purpose=MeetingPurpose.REVIEW_90_DAY.value,
        location=LOCATION,
    )
