"""A scripted meeting for the transcript's tests: several people add, edit, remove, restore and
hide things on the board and the family map, and the board is read from the database after
every change, so a replay can be held against what the board really was at each moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from fttm.board.commands import (
    add_item,
    delete_item,
    edit_item,
    rate_safety,
    restore_item,
    set_confidential,
)
from fttm.board.models import SafetyRating
from fttm.core.recorder import jsonable, last_seq
from fttm.core.registry import REPLAYED_MODELS
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map.lines import add_connection, remove_line, restore_line
from fttm.family_map.models import EcomapConnection, Person, Relationship
from fttm.family_map.people import (
    add_person,
    delete_person,
    edit_person,
    restore_person,
    set_person_confidential,
)
from fttm.joining.commands import join_as_staff, remove
from fttm.meetings.commands import end_meeting, lock_section, start_meeting
from fttm.meetings.models import Meeting
from tests import factories

# What no transcript event carries (bookkeeping), left out of the comparison.
UNTRACKED = {
    "case_id",
    "version",
    "created_at",
    "updated_at",
    "created_by_user_id",
    "cell_versions",
}


def board_in_database(case_id: int, meeting_id: int) -> dict:
    """Every board and family map row of the case (deleted ones too) and the meeting's ratings,
    read fresh from the database.
    """
    db.session.expire_all()
    rows = {}
    for name, model in REPLAYED_MODELS.items():
        columns = [c.key for c in sa.inspect(model).column_attrs if c.key not in UNTRACKED]
        for item in db.session.scalars(sa.select(model).where(model.case_id == case_id)):
            rows[(name, item.id)] = {key: jsonable(getattr(item, key)) for key in columns}
    ratings = {
        r.id: {"id": r.id, "participant_id": r.participant_id, "score": r.score}
        for r in db.session.scalars(
            sa.select(SafetyRating).where(SafetyRating.meeting_id == meeting_id)
        )
    }
    return {"rows": rows, "ratings": ratings}


@dataclass
class Script:
    """The meeting, who took part, and the board as it really was after each seq."""

    meeting: Meeting
    staff: Viewer
    maria: Viewer
    nan: Viewer
    boards: dict[int, dict] = field(default_factory=dict)
    items: dict[str, object] = field(default_factory=dict)

    def capture(self) -> None:
        """Write down the board as the database holds it right now, at the case's last seq."""
        self.boards[last_seq(self.meeting.case_id)] = board_in_database(
            self.meeting.case_id, self.meeting.id
        )


def run_meeting(facilitator, case) -> Script:
    """Hold the scripted meeting, capturing the board after every step."""
    leo = Person(case_id=case.id, name="Leo Lopez", is_focus_child=True)  # seeded, no event
    db.session.add(leo)
    db.session.commit()
    meeting = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, meeting)
    staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    script = Script(meeting, staff, factories.make_phone(staff, "Maria", "parent"), None)
    script.nan = factories.make_phone(staff, "Nan", "relative")
    script.capture()
    maria, nan, step = script.maria, script.nan, script.capture

    goal = add_item(staff, "goal", {"text": "Leo lives safely at home"})
    step()
    boiler = add_item(
        maria,
        "action",
        {
            "what": "Fix the boiler",
            "who_service": "Landlord",
            "due_on": "2026-11-30",
            "status": "open",
            "goal_id": str(goal.id),
        },
    )
    step()
    pickup = add_item(maria, "strength", {"text": "She never misses pickup"})
    step()
    cold = add_item(nan, "worry", {"text": "The flat is cold", "need_domain": "housing"})
    step()
    edit_item(staff, "action", boiler.id, {"due_on": "2026-12-05"}, base_versions={"due_on": 0})
    step()
    edit_item(nan, "action", boiler.id, {"status": "in_progress"}, base_versions={"status": 0})
    step()
    edit_item(
        maria,
        "strength",
        pickup.id,
        {"text": "Maria never misses pickup"},
        base_versions={"text": 1},
    )
    step()
    delete_item(maria, "strength", pickup.id)
    step()
    restore_item(staff, "strength", pickup.id)
    step()
    set_confidential(staff, "worry", cold.id, True)
    step()
    set_confidential(staff, "worry", cold.id, False)
    step()
    secret = add_item(staff, "note", {"text": "Maria asked for respite", "confidential": "1"})
    step()
    add_item(
        staff,
        "safety_step",
        {"kind": "reactive", "text": "Call Nan", "trigger": "If Maria feels overwhelmed"},
    )
    step()
    tom = add_person(
        staff,
        {
            "name": "Tom Lopez",
            "sex": "male",
            "born": "1980",
            "relation": "parent:biological",
            "other": str(leo.id),
        },
    )
    step()
    edit_person(maria, tom.id, {"name": "Tomás Lopez"}, base_version=tom.version)
    step()
    school = add_connection(
        nan,
        {
            "category": "school",
            "system_name": "Midtown Primary",
            "strength": "strong",
            "person_id": str(leo.id),
        },
    )
    step()
    remove_line(staff, "ecomap_connection", school.id)
    step()
    restore_line(staff, "ecomap_connection", school.id)
    step()
    set_person_confidential(staff, tom.id, True)
    step()
    delete_person(staff, tom.id)
    step()
    restore_person(staff, tom.id)
    step()
    late = add_item(nan, "strength", {"text": "Nan cooks on Sundays"})
    step()
    lock_section(facilitator, meeting, "strengths", True)
    step()
    rate_safety(maria, "4")
    step()
    rate_safety(maria, "6")
    step()
    remove(staff.participant, nan.participant)
    step()
    end_meeting(facilitator, meeting)
    step()
    relationship = db.session.scalar(sa.select(Relationship).where(Relationship.case_id == case.id))
    script.items = {
        "goal": goal,
        "boiler": boiler,
        "pickup": pickup,
        "cold": cold,
        "tom": tom,
        "leo": leo,
        "school": school,
        "secret": secret,
        "late": late,
        "line": relationship,
        "connection": db.session.get(EcomapConnection, school.id),
    }
    return script
