"""The family the live-board browser tests meet, written through the app's own commands.

The Riveras' case: a first meeting, held and ended, in which the facilitator drew three
generations on the family map and wrote the board and the plan; then their review meeting, a
week away, which the tests open. The tests read the family's words from here, never from the demo,
so rewording the demo cannot break them.
"""

from __future__ import annotations

from datetime import date, timedelta

from fttm.auth.models import User
from fttm.board.commands import add_item
from fttm.core.viewers import Viewer
from fttm.family_map.lines import add_relationship
from fttm.family_map.people import add_person
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.meetings.models import Meeting
from tests import factories

FACILITATOR = "Jordan Ellis"
# Every surname on the family map: none may reach a phone before it is let in.
SURNAMES = ("Rivera", "Delgado", "Carter")
# Plain text with nothing to escape, shared with the family (not confidential).
HANDOVER_WORRY = (
    "Handovers between Ana and Marcus have turned into shouting in front of the children."
)

# (key, name, sex, age); Maya is the focus child.
PEOPLE = (
    ("rosa", "Rosa Delgado", "female", 63),
    ("gloria", "Gloria Rivera", "female", 64),
    ("marcus", "Marcus Rivera", "male", 38),
    ("ana", "Ana Rivera", "female", 36),
    ("sam", "Sam Carter", "male", 40),
    ("leo", "Leo Rivera", "male", 14),
    ("maya", "Maya Rivera", "female", 9),
)
# (who, how, to whom), as the family map's "Draw a line" form puts it.
LINES = (
    ("rosa", "parent:biological", "ana"),
    ("gloria", "parent:biological", "marcus"),
    ("marcus", "partner:divorced", "ana"),
    ("ana", "partner:cohabiting", "sam"),
    ("ana", "parent:biological", "leo"),
    ("marcus", "parent:biological", "leo"),
    ("ana", "parent:biological", "maya"),
    ("marcus", "parent:biological", "maya"),
)
STRENGTHS = (
    "Ana has taken Maya and Leo to every doctor and dentist appointment this year.",
    "Grandma Rosa picks the children up from school three days a week.",
)
WORRIES = (
    ("safety", HANDOVER_WORRY),
    ("education", "Leo has missed 11 school days this term and is falling behind in maths."),
)
GOAL = "Maya and Leo are safe and cared for at home by a sober adult every day."
OBJECTIVE = "Handovers between Ana and Marcus happen calmly, away from the children."
# (who, what, where and how, due in days)
ACTIONS = (
    ("rosa", "Rosa will host the Friday handovers at her home", "At Rosa's home, 5 pm", 30),
    ("leo", "Leo will meet the school counsellor about maths", "At school, Tuesday lunch", 21),
)
SAFETY_STEP = (
    "marcus",
    "Marcus leaves calmly and the handover moves to Rosa's home the next day.",
    "If an argument starts at a handover",
)


def review_meeting(facilitator: User) -> Meeting:
    """The Riveras' case with its first meeting held, and their review meeting, a week away."""
    case = factories.make_case(facilitator, family_name="Rivera")
    first = factories.make_meeting(facilitator, case, days_ahead=1)
    start_meeting(facilitator, first)
    staff = Viewer(first, join_as_staff(facilitator, first), facilitator)
    people = _family_map(staff)
    _board(staff, people)
    end_meeting(facilitator, first)
    return factories.make_meeting(facilitator, case, purpose="review_90_day")


def _family_map(staff: Viewer) -> dict[str, int]:
    """Draw the Riveras, three generations; their ids by key."""
    year = date.today().year
    people = {}
    for key, name, sex, age in PEOPLE:
        fields = {"name": name, "sex": sex, "born": str(year - age)}
        if key == "maya":
            fields["is_focus_child"] = "1"
        people[key] = add_person(staff, fields).id
    for who, how, whom in LINES:
        add_relationship(
            staff, {"person": str(people[who]), "relation": how, "other": str(people[whom])}
        )
    return people


def _board(staff: Viewer, people: dict[str, int]) -> None:
    """What is working well, the worries, the plan and a step of the safety plan."""
    for text in STRENGTHS:
        add_item(staff, "strength", {"text": text})
    for domain, text in WORRIES:
        add_item(staff, "worry", {"text": text, "need_domain": domain})
    goal = add_item(staff, "goal", {"text": GOAL})
    objective = add_item(staff, "objective", {"goal_id": str(goal.id), "text": OBJECTIVE})
    for who, what, where_how, days in ACTIONS:
        add_item(
            staff,
            "action",
            {
                "what": what,
                "who_person_id": str(people[who]),
                "where_how": where_how,
                "due_on": (date.today() + timedelta(days=days)).isoformat(),
                "goal_id": str(goal.id),
                "objective_id": str(objective.id),
            },
        )
    who, text, trigger = SAFETY_STEP
    add_item(
        staff,
        "safety_step",
        {"kind": "reactive", "text": text, "trigger": trigger, "who_person_id": str(people[who])},
    )
