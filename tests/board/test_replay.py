"""Invariant 2: replaying a meeting's transcript over the board as it was when the meeting started
gives the board as it was when the meeting ended, using nothing but the events.
"""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa

from fttm.board.commands import (
    add_item,
    delete_item,
    edit_item,
    rate_safety,
    restore_item,
    set_confidential,
)
from fttm.board.models import SafetyRating, Strength
from fttm.core.recorder import jsonable, last_seq
from fttm.core.registry import KINDS
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, NotAllowed
from fttm.extensions import db
from fttm.family_map.models import Person
from fttm.joining.commands import join_as_staff, remove
from fttm.meetings.commands import end_meeting, lock_section, set_option, start_meeting
from fttm.meetings.models import Meeting
from fttm.transcript.models import TranscriptEvent
from tests import factories

Board = dict[tuple, dict]


def board_of(case_id: int) -> Board:
    """Every item on the case's board (deleted ones too) and every safety rating given, as dicts."""
    db.session.expire_all()
    board: Board = {}
    for kind in KINDS.values():
        for item in db.session.scalars(sa.select(kind.model).where(kind.model.case_id == case_id)):
            board[(kind.name, item.id)] = {
                **{field.name: jsonable(getattr(item, field.name)) for field in kind.fields},
                **({"section": item.section} if kind.mapped else {}),
                "deleted": item.deleted_at is not None,
                "confidential": item.confidential,
                "author": item.created_by_participant_id,
            }
    ratings = sa.select(SafetyRating).join(Meeting).where(Meeting.case_id == case_id)
    for rating in db.session.scalars(ratings):
        board[("safety_rating", rating.meeting_id, rating.participant_id)] = {"score": rating.score}
    return board


def events_of(meeting: Meeting, after_seq: int) -> list[TranscriptEvent]:
    """The meeting's events after `after_seq`, in order; every event of the case in that window
    must belong to the meeting (no change to the board escapes its meeting's transcript).
    """
    db.session.expire_all()
    events = list(
        db.session.scalars(
            sa.select(TranscriptEvent)
            .where(TranscriptEvent.case_id == meeting.case_id, TranscriptEvent.seq > after_seq)
            .order_by(TranscriptEvent.seq)
        )
    )
    assert [e.seq for e in events] == list(range(after_seq + 1, after_seq + 1 + len(events)))
    strays = [(e.seq, e.kind) for e in events if e.meeting_id != meeting.id]
    assert not strays, f"changes outside the meeting's transcript: {strays}"
    return events


def replay(start: Board, events: list[TranscriptEvent]) -> Board:
    """The board `start` with each event applied, from its before/after payloads alone."""
    board = copy.deepcopy(start)
    for event in events:
        name, _dot, verb = event.kind.partition(".")
        where = f"event {event.seq} {event.kind}"
        if name == "safety_rating":
            # The rater is the event's actor: the payload holds only the score.
            key = ("safety_rating", event.meeting_id, event.actor_participant_id)
            assert board.get(key) == event.before, f"{where}: before is not the replayed state"
            board[key] = dict(event.after)
            continue
        if name not in KINDS:
            continue  # meeting, participant and section events do not change the board
        key = (name, event.target_id)
        if verb == "added":
            assert key not in board, f"{where}: added twice"
            board[key] = {
                **event.after,
                "deleted": False,
                "confidential": False,
                "author": event.actor_participant_id,
            }
            continue
        row = board[key]
        if verb == "edited":
            before = {field: row.get(field) for field in event.before}
            assert before == event.before, f"{where}: before is not the replayed state"
            row.update(event.after)
        elif verb in ("deleted", "restored"):
            assert (event.before["deleted_at"] is not None) == row["deleted"], where
            row["deleted"] = event.after["deleted_at"] is not None
        elif verb in ("made_confidential", "shared"):
            assert event.before["confidential"] == row["confidential"], where
            row["confidential"] = event.after["confidential"]
        else:
            raise AssertionError(f"{where}: replay does not know this kind of event")
    return board


@pytest.fixture
def case(facilitator):
    """A MiTEAM case with Leo in its family map."""
    case = factories.make_case(facilitator, family_name="Lopez")
    factories.make_person(case.id, "Leo Lopez")
    return case


def _start(facilitator, case, purpose: str) -> tuple[Meeting, Board, int]:
    """Start a meeting of the case; the board and the sequence number as it starts."""
    meeting = factories.make_meeting(facilitator, case, purpose=purpose)
    start_meeting(facilitator, meeting)
    return meeting, board_of(case.id), last_seq(case.id)


def _first_meeting(facilitator, case) -> dict:
    """The initial planning meeting: a goal, an objective, an action, a strength and a worry."""
    meeting, start, seq = _start(facilitator, case, "initial_plan")
    staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    mum = factories.make_phone(staff, "Maria", "parent")
    goal = add_item(staff, "goal", {"text": "Leo lives safely at home"})
    objective = add_item(staff, "objective", {"text": "A warm flat", "goal_id": str(goal.id)})
    boiler = add_item(
        mum,
        "action",
        {
            "what": "Get the boiler fixed",
            "who_service": "Landlord",
            "due_on": "2026-11-30",
            "status": "open",
            "goal_id": str(goal.id),
            "objective_id": str(objective.id),
        },
    )
    edit_item(
        staff,
        "action",
        boiler.id,
        {"where_how": "Letter to landlord"},
        base_versions={"where_how": 0},
    )
    strength = add_item(mum, "strength", {"text": "Maria never misses school pickup"})
    worry = add_item(staff, "worry", {"text": "The flat is cold", "need_domain": "housing"})
    rate_safety(mum, "4")
    end_meeting(facilitator, meeting)
    return {
        "meeting": meeting,
        "start": start,
        "seq": seq,
        "goal": goal,
        "boiler": boiler,
        "strength": strength,
        "worry": worry,
    }


def _review_meeting(facilitator, supervisor, case, first: dict) -> tuple[Meeting, Board, int]:
    """A 90-day review where several people add, edit cells, delete, restore and hide things."""
    meeting, start, seq = _start(facilitator, case, "review_90_day")
    leo_person = db.session.scalar(sa.select(Person).where(Person.case_id == case.id))
    staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    sup = Viewer(meeting, join_as_staff(supervisor, meeting), supervisor)
    mum = factories.make_phone(staff, "Maria", "parent", person_id=None)
    set_option(facilitator, meeting, "admit_everyone", True)
    nan = factories.make_phone(staff, "Nan", "relative")
    leo = factories.make_phone(staff, "Leo", "young_person", person_id=leo_person.id)
    boiler, goal = first["boiler"], first["goal"]

    bedtime = add_item(
        mum, "strength", {"text": "Bedtime routine", "person_id": str(leo_person.id)}
    )
    football = add_item(leo, "strength", {"text": "I go to football practice"}, key="leo-1")
    add_item(leo, "strength", {"text": "I go to football practice"}, key="leo-1")  # retried
    nan_worry = add_item(nan, "worry", {"text": "Maria is tired", "need_domain": "parenting"})
    edit_item(
        mum, "strength", bedtime.id, {"text": "A calm bedtime routine"}, base_versions={"text": 1}
    )
    edit_item(
        staff,
        "worry",
        nan_worry.id,
        {"need_domain": "social_support"},
        base_versions={"need_domain": 1},
    )

    # The actions table: three phones edit three cells of last meeting's row at once.
    loaded = {"what": 0, "status": 0, "due_on": 0, "where_how": 1}
    edit_item(mum, "action", boiler.id, {"status": "in_progress"}, base_versions=loaded)
    edit_item(nan, "action", boiler.id, {"due_on": "2026-10-31"}, base_versions=loaded)
    edit_item(leo, "action", boiler.id, {"where_how": "Phone and letter"}, base_versions=loaded)
    edit_item(
        staff, "action", boiler.id, {"what": "Boiler repaired by landlord"}, base_versions=loaded
    )
    with pytest.raises(Conflict):
        edit_item(nan, "action", boiler.id, {"what": "Buy a heater"}, base_versions=loaded)
    dentist = add_item(
        mum,
        "action",
        {"what": "Take Leo to the dentist", "status": "open", "goal_id": str(goal.id)},
        key="mum-dentist",
    )
    edit_item(
        nan,
        "action",
        dentist.id,
        {"who_participant_id": str(nan.participant.id)},
        base_versions={"who_participant_id": 0},
    )
    edit_item(mum, "action", dentist.id, {"due_on": "2026-09-15"}, base_versions={"due_on": 0})
    edit_item(leo, "action", dentist.id, {"status": "done"}, base_versions={"status": 0}, key="l-2")
    edit_item(leo, "action", dentist.id, {"status": "done"}, base_versions={"status": 0}, key="l-2")

    goal_two = add_item(sup, "goal", {"text": "Maria has support around her"})
    objective = add_item(
        staff, "objective", {"text": "Respite weekly", "goal_id": str(goal_two.id)}
    )
    edit_item(
        staff,
        "objective",
        objective.id,
        {"text": "Respite every Saturday"},
        base_versions={"text": 1},
    )
    add_item(
        staff,
        "safety_step",
        {
            "kind": "proactive",
            "text": "Nan visits each evening",
            "when": "18:00",
            "who_person_id": "",
        },
    )
    reactive = add_item(
        staff,
        "safety_step",
        {"kind": "reactive", "text": "Call Nan", "trigger": "If Maria feels overwhelmed"},
    )
    edit_item(
        staff,
        "safety_step",
        reactive.id,
        {"who_participant_id": str(nan.participant.id), "who_service": "Crisis line"},
        base_versions={"who_participant_id": 1, "who_service": 1},
    )
    with pytest.raises(NotAllowed):
        delete_item(mum, "safety_step", reactive.id)

    # Deleting, restoring, confidentiality.
    delete_item(leo, "strength", football.id)
    restore_item(staff, "strength", football.id)
    delete_item(staff, "strength", first["strength"].id)
    set_confidential(staff, "worry", first["worry"].id, True)
    set_confidential(staff, "worry", nan_worry.id, True)
    set_confidential(staff, "worry", nan_worry.id, False)
    note = add_item(staff, "note", {"text": "Maria asked for respite"})
    edit_item(
        staff,
        "note",
        note.id,
        {"text": "Maria asked for weekend respite"},
        base_versions={"text": 1},
    )
    scrap = add_item(staff, "note", {"text": "typo"})
    delete_item(staff, "note", scrap.id)
    set_confidential(staff, "action", dentist.id, True)

    # A locked section refuses phones; ratings, a change of mind and a retry.
    lock_section(facilitator, meeting, "strengths", True)
    with pytest.raises(NotAllowed):
        add_item(nan, "strength", {"text": "Refused while locked"})
    lock_section(facilitator, meeting, "strengths", False)
    rate_safety(mum, "4", key="m-r1")
    rate_safety(nan, "7")
    rate_safety(leo, "6")
    rate_safety(mum, "5", key="m-r2")
    rate_safety(mum, "4", key="m-r1")  # a late retry of the first rating changes nothing
    rate_safety(staff, "5")
    remove(staff.participant, leo.participant)
    end_meeting(facilitator, meeting)
    return meeting, start, seq


def test_replaying_the_first_meeting_gives_its_final_board(facilitator, case):
    """From an empty board, the first meeting's events rebuild everything it produced."""
    first = _first_meeting(facilitator, case)
    final = board_of(case.id)

    replayed = replay(first["start"], events_of(first["meeting"], first["seq"]))

    assert first["start"] == {}
    assert replayed == final


def test_replaying_a_review_meeting_gives_its_final_board(facilitator, supervisor, case):
    """A meeting that continues an earlier plan: start board + its events = its final board."""
    first = _first_meeting(facilitator, case)
    meeting, start, seq = _review_meeting(facilitator, supervisor, case, first)
    final = board_of(case.id)
    events = events_of(meeting, seq)

    replayed = replay(start, events)

    assert start != final
    assert replayed == final
    verbs = {e.kind.partition(".")[2] for e in events if e.kind.partition(".")[0] in KINDS}
    assert verbs == {"added", "edited", "deleted", "restored", "made_confidential", "shared"}
    assert {e.kind.partition(".")[0] for e in events} >= {*KINDS, "safety_rating"}
    assert all(
        e.kind != "strength.added" or e.after["text"] != "Refused while locked" for e in events
    )


def test_replay_notices_a_change_that_skipped_the_transcript(facilitator, case):
    """The check is real: a write made behind the command layer's back makes replay disagree."""
    first = _first_meeting(facilitator, case)
    strength = db.session.get(Strength, first["strength"].id)
    strength.text = "Edited directly in the database"
    db.session.commit()

    replayed = replay(first["start"], events_of(first["meeting"], first["seq"]))

    assert replayed != board_of(case.id)
    assert replayed[("strength", strength.id)]["text"] == "Maria never misses school pickup"
