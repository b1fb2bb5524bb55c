"""A fictional demo family and demo staff, so a newcomer can try fttm in a minute (`fttm demo`).

Every name, address and phone number here is invented; phone numbers use the fictional 555 range.
The demo is written the way a real meeting is: by the commands, each as the person who made the
change (the facilitator, or a family member on their phone), at the moment it happened
(`fttm.timestamps.clock_at`), so its transcript reads like any other.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm.attributes import set_committed_value

from fttm.auth.commands import create_user, team_named
from fttm.auth.passwords import password_problem
from fttm.board import commands as board
from fttm.cases.commands import CaseDetails, open_case
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map import lines as map_lines
from fttm.family_map import people as map_people
from fttm.family_map.models import PARENTAGE_KINDS, UNION_KINDS
from fttm.joining import commands as joining
from fttm.jurisdictions import profile
from fttm.meetings import commands as meeting_commands
from fttm.meetings import join_codes, phases
from fttm.models import (
    Case,
    Meeting,
    MeetingPurpose,
    MeetingStatus,
    Participant,
    ParticipantStatus,
    Person,
    RelationshipKind,
    User,
)
from fttm.plans import agreement, copies
from fttm.plans.models import PlanVersion
from fttm.plans.versions import latest_version
from fttm.reviews import endorsement, plus_delta
from fttm.timestamps import Clock, clock_at, from_local, to_local, utcnow
from fttm.voices import commands as voices

TEAM = "Demo Team"
STAFF = (
    ("facilitator", "facilitator@demo.fttm.example", "Jordan Ellis"),
    ("supervisor", "supervisor@demo.fttm.example", "Priya Raman"),
)
LOCATION = "Family Room 2, Midtown Family Services"
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
# (person key, response, comment) at the end of the first meeting: Ana, Leo and Rosa answered on
# their phones; the facilitator recorded why Marcus did not take part.
AGREEMENTS = (
    ("ana", "agreed", "I want Maya home with me and I'll do the parenting course."),
    ("leo", "agreed", None),
    ("rosa", "agreed", "I can have Maya after school on Tuesdays and Thursdays."),
    (
        "marcus",
        "did_not_take_part",
        "Works night shifts out of state; Jordan went through the plan with him by phone the "
        "next morning.",
    ),
)
# (person key, what helped, what to change next time): plus / delta on their phones afterwards.
PLUS_DELTAS = (
    ("ana", "Starting with what is going well. I didn't feel judged.", None),
    ("rosa", "Leo drawing the family map himself.", "Start later: I came straight from work."),
    ("leo", None, "Less talking about me like I'm not there."),
)
# (person key, method, days after the meeting) a copy of the plan was given.
COPIES = (
    ("ana", "in_person", 0),
    ("maya", "in_person", 0),
    ("leo", "in_person", 0),
    ("marcus", "post", 2),
)
MINUTE = timedelta(minutes=1)


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
    facilitator = _staff(STAFF[0][1])
    rivera = _rivera_case(facilitator)
    _nguyen_case(facilitator)
    _gagnon_case(facilitator)
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
    user = _staff(email)
    if user is None:
        create_user(email=email, name=name, role=role, password=password, team_id=team_id)
    else:
        user.set_password(password)
        db.session.commit()
    return DemoLogin(role, email, password)


def _staff(email: str) -> User | None:
    """The demo staff account with this email, once created."""
    return db.session.scalar(sa.select(User).where(User.email == email))


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


def _form(**values: Any) -> dict[str, str]:
    """The fields as a form sends them: text, with the empty ones left out."""
    return {name: str(value) for name, value in values.items() if value is not None}


@dataclass
class _Room:
    """The first meeting while it runs: its clock, who is in it, and the family map's people."""

    meeting: Meeting
    clock: Clock
    staff: Viewer
    phones: dict[str, Viewer] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def next(self, by: str | None = None) -> Viewer:
        """Move on a minute; who writes the next thing: the family member `by` on their phone,
        or the facilitator."""
        self.clock.advance(MINUTE)
        return self.phones[by] if by else self.staff

    def person(self, key: str | None) -> int | None:
        """The id of the person on the family map under `key`."""
        return self.people[key].id if key else None


def _rivera_case(facilitator: User) -> Case:
    """The main demo case: three generations, a plan made 75 days ago, a review coming up."""
    rules = profile("miteam")
    today = rules.today()
    held = today - timedelta(days=75)
    started = from_local(datetime(held.year, held.month, held.day, 10, 0), rules.zone)
    case = _case(facilitator, "DEMO-1001")
    # The case was opened, and its first meeting scheduled, ten days before that meeting.
    with clock_at(started - timedelta(days=10)) as clock:
        if case is None:
            case = open_case(
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
            _first_meeting(facilitator, case, clock, started, today)
    return case


def _first_meeting(
    facilitator: User, case: Case, clock: Clock, started: datetime, today: date
) -> None:
    """The initial-plan meeting, held 75 days ago: the family map, the assessment and the plan
    written in it, then who agreed, the supervisor's endorsement and the family's copies."""
    zone = profile(case.jurisdiction).zone
    meeting = meeting_commands.schedule_meeting(
        facilitator,
        case,
        local_time=to_local(started, zone).replace(tzinfo=None),
        purpose=MeetingPurpose.INITIAL_PLAN.value,
        location=LOCATION,
    )
    clock.now = started - timedelta(minutes=10)
    meeting_commands.open_meeting(facilitator, meeting)
    clock.now = started
    meeting_commands.start_meeting(facilitator, meeting)
    staff = joining.join_as_staff(facilitator, meeting)
    room = _Room(meeting, clock, Viewer(meeting, staff, facilitator))
    _phase(room, "ground_rules", started + 6 * MINUTE)
    _phase(room, "family_map", started + 10 * MINUTE)
    _genogram(room, today.year)
    _phones_join(room)
    _ecomap(room)
    _phase(room, "strengths", started + 25 * MINUTE)
    _assessment(room)
    _phase(room, "plan", started + 45 * MINUTE)
    _plan(room, today)
    _phase(room, "agreement", started + 78 * MINUTE)
    _phase(room, "plus_delta", started + 86 * MINUTE)
    clock.now = started + timedelta(minutes=90)
    meeting_commands.end_meeting(facilitator, meeting)
    version = latest_version(case.id)
    ended = clock.now
    _agreed(room, version)
    _plus_deltas(room)
    _copies_given(room, version, ended)
    clock.now = ended + timedelta(days=3)
    endorsement.decide(
        _staff(STAFF[1][1]),
        version,
        "endorsed",
        "Clear actions with owners and dates. Good to see Rosa's after-school offer.",
    )


def _phase(room: _Room, key: str, at: datetime) -> None:
    """The facilitator moves the meeting on to the agenda's phase `key` at `at` (or now, if the
    last phase ran over)."""
    room.clock.now = max(room.clock.now, at)
    phases.move(room.staff.user, room.meeting, to=key)


def _genogram(room: _Room, year: int) -> None:
    """The Riveras' households, people and the lines between them."""
    homes = {
        key: map_people.add_household(room.next(), {"name": name})
        for key, name in (("home", "Rivera-Carter home"), ("rosa", "Rosa's home"))
    }
    for key, name, sex, born, died, home, note in PEOPLE:
        room.people[key] = map_people.add_person(
            room.next(),
            _form(
                name=name,
                sex=sex,
                born=year - born,
                deceased="1" if died is not None else None,
                death_year=year - died if died else None,
                household_id=homes[home].id if home else None,
                note=note,
                is_focus_child="1" if key == "maya" else None,
            ),
        )
    for kind, source, target, began, ended in RELATIONSHIPS:
        map_lines.add_relationship(
            room.next(),
            _form(
                person=room.person(source),
                other=room.person(target),
                relation=_relation(RelationshipKind(kind)),
                start_year=year - began if began else None,
                end_year=year - ended if ended else None,
            ),
        )


def _ecomap(room: _Room) -> None:
    """The Riveras' connections to schools, health care, faith, services, court and agency."""
    for (category, system, strength, flow, key, note), author in zip(
        ECOMAP, ECOMAP_AUTHORS, strict=True
    ):
        map_lines.add_connection(
            room.next(author),
            _form(
                person_id=room.person(key),
                category=category,
                system_name=system,
                strength=strength,
                flow=flow,
                note=note,
            ),
        )


def _relation(kind: RelationshipKind) -> str:
    """The family map form's choice for a line of this kind, seen from its first person."""
    how = "parent" if kind in PARENTAGE_KINDS else "partner" if kind in UNION_KINDS else "feeling"
    return f"{how}:{kind.value}"


def _phones_join(room: _Room) -> None:
    """Once the genogram is drawn, Ana, Rosa and Leo join on their phones, the facilitator lets
    them in, and each chooses themselves on the family map."""
    for key, name, role in PHONES:
        room.next()
        phone = joining.join_meeting(room.meeting, display_name=name, role=role)
        joining.admit(room.staff.participant, phone)
        joining.say_who_i_am(phone, room.person(key))
        room.phones[key] = Viewer(room.meeting, phone)


def _assessment(room: _Room) -> None:
    """What's working well and what we are worried about."""
    for (key, text), author in zip(STRENGTHS, STRENGTH_AUTHORS, strict=True):
        board.add_item(room.next(author), "strength", _form(text=text, person_id=room.person(key)))
    for (domain, key, text), author in zip(WORRIES, WORRY_AUTHORS, strict=True):
        board.add_item(
            room.next(author),
            "worry",
            _form(text=text, need_domain=domain, person_id=room.person(key)),
        )


def _plan(room: _Room, today: date) -> None:
    """The goal, its objectives, SMART actions and the safety plan."""
    goal = board.add_item(room.next(), "goal", {"text": GOAL})
    objectives = [
        board.add_item(room.next(), "objective", _form(goal_id=goal.id, text=text))
        for text in OBJECTIVES
    ]
    for (objective, key, service, what, where_how, days), author in zip(
        ACTIONS, ACTION_AUTHORS, strict=True
    ):
        board.add_item(
            room.next(author),
            "action",
            _form(
                what=what,
                who_person_id=room.person(key),
                who_service=service,
                where_how=where_how,
                due_on=(today + timedelta(days=days)).isoformat(),
                goal_id=goal.id,
                objective_id=objectives[objective].id,
            ),
        )
    for (kind, key, service, text, when, trigger), author in zip(
        SAFETY_STEPS, SAFETY_STEP_AUTHORS, strict=True
    ):
        board.add_item(
            room.next(author),
            "safety_step",
            _form(
                kind=kind,
                text=text,
                when=when,
                trigger=trigger,
                who_person_id=room.person(key),
                who_service=service,
            ),
        )


def _agreed(room: _Room, version: PlanVersion) -> None:
    """Ana, Leo and Rosa answer on their phones; the facilitator records Marcus's reason."""
    for key, response, comment in AGREEMENTS:
        room.clock.advance(MINUTE)
        if key in room.phones:
            agreement.answer(room.phones[key], version, response, comment)
        else:
            agreement.record_in_person(
                room.staff.user,
                version,
                who=f"person:{room.person(key)}",
                response=response,
                comment=comment,
            )


def _plus_deltas(room: _Room) -> None:
    """Ana, Rosa and Leo say on their phones what helped and what to change next time."""
    for key, helped, change in PLUS_DELTAS:
        room.clock.advance(MINUTE)
        plus_delta.give(room.phones[key], helped, change)


def _copies_given(room: _Room, version: PlanVersion, ended: datetime) -> None:
    """The facilitator records the copies of the plan given to the family."""
    # The focus child and her parents are owed a copy; Leo was given one too, by name.
    owed = {recipient.person.id for recipient in copies.recipients(version)}
    zone = profile(room.meeting.case.jurisdiction).zone
    for key, method, days in COPIES:
        room.clock.now = max(room.clock.now + MINUTE, ended + timedelta(days=days))
        person = room.people[key]
        copies.record_copy(
            room.staff.user,
            version,
            person_id=person.id if person.id in owed else None,
            recipient_name=None if person.id in owed else person.name,
            method=method,
            given_on=to_local(room.clock.now, zone).date(),
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
    preparing = _preparing(facilitator, case)
    mother = map_people.add_person(
        preparing, _form(name="Linh Nguyen", sex="female", born=today.year - 29)
    )
    son = map_people.add_person(
        preparing,
        _form(name="Bao Nguyen", sex="male", born=today.year - 4, is_focus_child="1"),
    )
    map_lines.add_relationship(
        preparing,
        _form(person=mother.id, other=son.id, relation=_relation(RelationshipKind.BIOLOGICAL)),
    )
    return case


# A small French-speaking family on the Ontario profile: Sophie Gagnon, her son Émile and his
# grandmother Claudette, whose phones are in French (fr_CA). What they type stays as typed, in
# French; the words fttm adds are in each screen's language.
GAGNON_PEOPLE = (  # (key, name, sex, years ago born)
    ("claudette", "Claudette Gagnon", "female", 61),
    ("sophie", "Sophie Gagnon", "female", 33),
    ("emile", "Émile Gagnon", "male", 7),
)
GAGNON_PHONES = (("sophie", "Sophie", "parent"), ("claudette", "Claudette", "relative"))
# (who wrote it on their phone, Olmsted section, the person it is about, text)
GAGNON_STRENGTHS = (
    (
        "sophie",
        "strengths",
        "emile",
        "Émile va à l'école tous les jours et il adore son équipe de hockey.",
    ),
    (
        "claudette",
        "safety",
        "claudette",
        "Mamie Claudette habite à cinq minutes et garde Émile les soirs où Sophie travaille.",
    ),
)
# (who wrote it, Olmsted section, need domain, the person it is about, text)
GAGNON_WORRIES = (
    (
        None,
        "danger",
        None,
        "emile",
        "On craint qu'Émile reste seul le soir si Sophie doit travailler de nuit sans personne "
        "pour le garder.",
    ),
    (
        "sophie",
        "complicating",
        "housing",
        "sophie",
        "On risque de perdre l'appartement en mars, le loyer a encore augmenté.",
    ),
    (
        None,
        "complicating",
        "mental_health",
        "sophie",
        "Sophie se sent épuisée et seule depuis la séparation; elle a du mal à dormir.",
    ),
    (
        None,
        "gaps",
        None,
        None,
        "On ne sait pas encore si le propriétaire acceptera une entente de paiement.",
    ),
)


def _gagnon_case(facilitator: User) -> Case:
    """The Ontario case: an initial-plan meeting held last week with a French-speaking family,
    who joined on phones in French and wrote their strengths and worries in French."""
    rules = profile("ontario")
    today = rules.today()
    held = today - timedelta(days=7)
    started = from_local(datetime(held.year, held.month, held.day, 13, 30), rules.zone)
    case = _case(facilitator, "DEMO-3001")
    with clock_at(started - timedelta(days=5)) as clock:
        if case is None:
            case = open_case(
                facilitator,
                CaseDetails(
                    case_number="DEMO-3001",
                    family_name="Gagnon",
                    jurisdiction="ontario",
                    substantiation_date=today - timedelta(days=14),
                    permanency_goal="remain_home",
                    facilitator_id=facilitator.id,
                ),
            )
        if not _has_meeting(case, MeetingStatus.ENDED):
            _gagnon_meeting(facilitator, case, clock, started, today)
    return case


def _gagnon_meeting(
    facilitator: User, case: Case, clock: Clock, started: datetime, today: date
) -> None:
    """The Gagnons' first family-centred conference: the family map, then what is working well
    and what worries them, written on their phones in French."""
    zone = profile(case.jurisdiction).zone
    meeting = meeting_commands.schedule_meeting(
        facilitator,
        case,
        local_time=to_local(started, zone).replace(tzinfo=None),
        purpose=MeetingPurpose.INITIAL_PLAN.value,
        location="Salle familiale 1, Société d'aide à l'enfance (bureau de l'Est)",
    )
    clock.now = started - timedelta(minutes=10)
    meeting_commands.open_meeting(facilitator, meeting)
    clock.now = started
    meeting_commands.start_meeting(facilitator, meeting)
    staff = joining.join_as_staff(facilitator, meeting)
    room = _Room(meeting, clock, Viewer(meeting, staff, facilitator))
    _phase(room, "family_map", started + 10 * MINUTE)
    for key, name, sex, born in GAGNON_PEOPLE:
        room.people[key] = map_people.add_person(
            room.next(),
            _form(
                name=name,
                sex=sex,
                born=today.year - born,
                is_focus_child="1" if key == "emile" else None,
            ),
        )
    for key, name, role in GAGNON_PHONES:
        room.next()
        phone = joining.join_meeting(meeting, display_name=name, role=role, language="fr_CA")
        joining.admit(room.staff.participant, phone)
        joining.say_who_i_am(phone, room.person(key))
        room.phones[key] = Viewer(meeting, phone)
    # The Ontario profile's board is the Olmsted framework's (config/frameworks/olmsted.toml).
    _phase(room, "strengths_safety", started + 25 * MINUTE)
    for author, section, key, text in GAGNON_STRENGTHS:
        form = _form(text=text, section=section, person_id=room.person(key))
        board.add_item(room.next(author), "strength", form)
    _phase(room, "complicating_gaps", started + 40 * MINUTE)
    for author, section, domain, key, text in GAGNON_WORRIES:
        form = _form(text=text, section=section, need_domain=domain, person_id=room.person(key))
        board.add_item(room.next(author), "worry", form)
    _phase(room, "plus_delta", started + 55 * MINUTE)
    clock.now = started + timedelta(minutes=60)
    meeting_commands.end_meeting(facilitator, meeting)


def _preparing(facilitator: User, case: Case) -> Viewer:
    """The facilitator drawing a family map before the case's first meeting.

    fttm draws a family map only in a running meeting, and this case has none yet: the family
    map's commands are given a stand-in meeting and participant that are never saved (as the
    board's viewer does for staff who only look), so the changes are the case preparation's,
    with no meeting, like the case's opening.
    """
    meeting = Meeting(case_id=case.id, status=MeetingStatus.LIVE)
    set_committed_value(meeting, "case", case)  # read-only: no backref puts it in the session
    stand_in = Participant(
        display_name=facilitator.name,
        role=joining.STAFF_ROLE,
        user_id=facilitator.id,
        status=ParticipantStatus.ADMITTED,
        token_nonce="",
    )
    return Viewer(meeting, stand_in, facilitator)


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
    meeting = meeting_commands.schedule_meeting(
        facilitator,
        case,
        local_time=datetime(day.year, day.month, day.day, 10, 0),
        purpose=MeetingPurpose.REVIEW_90_DAY.value,
        location=LOCATION,
    )
    _voices_sent_in(facilitator, meeting, profile(case.jurisdiction).today())
    return meeting


def _voices_sent_in(facilitator: User, meeting: Meeting, today: date) -> None:
    """Before the review: Maya's drawing through her teacher (for the family to see), and a
    counselor's report that Ana has not agreed to share (staff only)."""
    for days_ago, form, picture in _voices():
        given_on = (today - timedelta(days=days_ago)).isoformat()
        voices.add_voice(facilitator, meeting, {**form, "given_on": given_on}, picture)


def _three_houses() -> bytes:
    """Maya's drawing of her three houses (Mom's, Nana Rosa's, Dad's), as a teacher's photo of it
    would come in: a PNG made here, so the demo needs no file of its own."""
    image = Image.new("RGB", (900, 560), (252, 250, 244))
    pen = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    pen.rectangle((0, 470, 900, 560), fill=(150, 200, 120))  # grass
    pen.ellipse((760, 30, 860, 130), fill=(250, 210, 60))  # sun
    houses = (
        (60, (230, 90, 80), "MOM"),
        (340, (90, 140, 220), "NANA"),
        (620, (120, 170, 90), "DAD"),
    )
    for left, colour, label in houses:
        pen.rectangle((left, 290, left + 220, 470), fill=colour, outline=(40, 40, 40), width=4)
        pen.polygon(
            ((left - 20, 290), (left + 110, 180), (left + 240, 290)),
            fill=(120, 80, 60),
            outline=(40, 40, 40),
        )
        pen.rectangle((left + 85, 380, left + 135, 470), fill=(90, 60, 40))  # door
        pen.rectangle((left + 25, 320, left + 70, 360), fill=(200, 230, 250), outline=(40, 40, 40))
        pen.text((left + 110, 520), label, fill=(30, 30, 30), font=font, anchor="ms")
    # Maya and Leo outside Nana's house.
    for x in (470, 520):
        pen.ellipse((x - 14, 395, x + 14, 423), outline=(30, 30, 30), width=3)
        pen.line((x, 423, x, 455), fill=(30, 30, 30), width=3)
        pen.line((x - 15, 435, x + 15, 435), fill=(30, 30, 30), width=3)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _voices() -> tuple[tuple[int, dict[str, str], bytes | None], ...]:
    """(days before today, the form as staff fill it in, a picture) of each voice sent in."""
    return (
        (
            3,
            {
                "source": "child",
                "from_name": "Maya",
                "through_name": "Ms. Alvarez",
                "through_role": "Maya's teacher",
                "section": "strengths",
                "words": "This is Mom's house, Nana's house and Dad's house. "
                "Me and Leo play outside at Nana's.",
                "picture_description": "Three houses in a row, labelled Mom, Nana and Dad, "
                "with Maya and Leo outside Nana's",
                "shareable": "1",
            },
            _three_houses(),
        ),
        (
            2,
            {
                "source": "provider",
                "from_name": "Dr. Lena Kim, Midtown Counseling",
                "section": "worries",
                "words": "Ana has come to 6 of 8 sessions. She asked that the details of what "
                "we discuss stay with the caseworker for now.",
            },
            None,
        ),
    )
