"""The board's commands on their own: who may change what, conflicts, retries, the transcript."""

from __future__ import annotations

from datetime import date

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
from fttm.board.models import Action, ActionStatus, SafetyRating, Strength
from fttm.cases.models import Case
from fttm.core import recorder
from fttm.core.recorder import last_seq
from fttm.core.registry import KINDS
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.family_map.models import Person
from fttm.joining.commands import join_as_staff, remove
from fttm.meetings.commands import end_meeting, lock_section, start_meeting
from fttm.meetings.models import Participant, ParticipantStatus
from tests import factories
from tests.helpers import count, transcript_events

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "Tom & Jerry's {{ 7*7 }}"]


@pytest.fixture
def mum(staff) -> Viewer:
    """Maria, a parent, admitted on her phone."""
    return factories.make_phone(staff, "Maria", "parent")


@pytest.fixture
def nan(staff) -> Viewer:
    """Nan, a relative, admitted on her phone."""
    return factories.make_phone(staff, "Nan", "relative")


def _footprint(case_id: int) -> tuple:
    """Everything a command could write: rows of each board model, events, the sequence counter."""
    db.session.expire_all()
    models = {kind.model for kind in KINDS.values()} | {SafetyRating, Participant}
    return (
        tuple(sorted((m.__name__, count(m)) for m in models)),
        len(transcript_events(case_id)),
        db.session.get(Case, case_id).event_seq,
    )


def _fresh(item):
    """`item` as it is in the database now."""
    db.session.expire_all()
    return db.session.get(type(item), item.id)


def _prepare(staff: Viewer, kind: str) -> dict[str, str]:
    """A full form for `kind`, with every optional field filled and whatever it refers to made."""
    person = Person(case_id=staff.meeting.case_id, name="Leo (age 9)")
    db.session.add(person)
    db.session.commit()
    goal = add_item(staff, "goal", {"text": "Leo is safe at home"})
    objective = add_item(staff, "objective", {"text": "A warm flat", "goal_id": str(goal.id)})
    forms = {
        "strength": {"text": "Maria reads to Leo each night", "person_id": str(person.id)},
        "worry": {
            "text": "The flat is cold",
            "need_domain": "housing",
            "person_id": str(person.id),
        },
        "goal": {"text": "The family has a stable home"},
        "objective": {"text": "Rent paid on time", "goal_id": str(goal.id)},
        "action": {
            "what": "Call the housing office about the boiler",
            "who_participant_id": str(staff.participant.id),
            "who_person_id": str(person.id),
            "who_service": "Housing advice",
            "where_how": "By phone, from the family centre",
            "due_on": "2026-12-31",
            "status": "in_progress",
            "goal_id": str(goal.id),
            "objective_id": str(objective.id),
        },
        "safety_step": {
            "kind": "reactive",
            "text": "Call Nan",
            "when": "Any evening",
            "trigger": "If Maria feels overwhelmed",
            "who_participant_id": "",
            "who_person_id": str(person.id),
            "who_service": "",
        },
        "note": {"text": "Family agreed to the housing plan"},
    }
    return forms[kind]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_adding_each_kind_saves_it_with_its_author_and_event(case, meeting, staff, mum, kind):
    """The item is on the board, authored by the adder, and "<kind>.added" records it all."""
    viewer = staff if kind == "note" else mum
    form = _prepare(staff, kind)

    item = add_item(viewer, kind, form)

    item = _fresh(item)
    assert item.case_id == case.id
    assert item.created_by_participant_id == viewer.participant.id
    assert item.created_by_user_id == viewer.participant.user_id
    assert item.confidential is False and item.deleted_at is None
    event = transcript_events(case.id)[-1]
    assert event.kind == f"{kind}.added"
    assert (event.meeting_id, event.section) == (meeting.id, KINDS[kind].section)
    assert (event.target_type, event.target_id) == (type(item).__name__, item.id)
    assert event.actor_participant_id == viewer.participant.id
    assert event.before is None
    expected = {
        name: (int(v) if name.endswith("_id") and v else v or None) for name, v in form.items()
    }
    # A strength or worry records the mapping section it was written in (the framework's first
    # holding its kind, when its form names none).
    written_in = {"section": KINDS[kind].section} if KINDS[kind].mapped else {}
    assert event.after == {**written_in, **expected, "confidential": False}
    for name, value in expected.items():
        typed = getattr(item, name)
        assert (typed.isoformat() if isinstance(typed, date) else typed) == value


def test_an_action_keeps_typed_values(staff, mum):
    """The due date is a date and the status a status, not the text that was typed."""
    action = _fresh(add_item(mum, "action", _prepare(staff, "action")))

    assert action.due_on == date(2026, 12, 31)
    assert action.status == ActionStatus.IN_PROGRESS


def test_a_note_belongs_to_the_meeting_it_was_written_in(meeting, staff):
    """Notes are the facilitator's record of this meeting."""
    note = add_item(staff, "note", {"text": "Started late: bus strike"})

    assert _fresh(note).meeting_id == meeting.id


# --- who may change what -------------------------------------------------------------------


def test_family_members_change_their_own_strengths(case, mum):
    """Maria edits and deletes what she added."""
    strength = add_item(mum, "strength", {"text": "I cook with the kids"})

    edit_item(mum, "strength", strength.id, {"text": "We cook together"}, base_versions={"text": 1})
    assert _fresh(strength).text == "We cook together"
    delete_item(mum, "strength", strength.id)
    assert _fresh(strength).deleted_at is not None
    assert [e.kind for e in transcript_events(case.id)][-2:] == [
        "strength.edited",
        "strength.deleted",
    ]


def test_family_members_cannot_change_someone_else_s_strength(case, staff, mum, nan):
    """Nan may not edit or delete Maria's strength, nor the facilitator's; nothing changes."""
    hers = add_item(mum, "strength", {"text": "Maria never misses a school meeting"})
    facilitators = add_item(staff, "strength", {"text": "The family asked for help early"})
    before = _footprint(case.id)

    for item in (hers, facilitators):
        with pytest.raises(NotAllowed):
            edit_item(nan, "strength", item.id, {"text": "Changed"}, base_versions={"text": 1})
        with pytest.raises(NotAllowed):
            delete_item(nan, "strength", item.id)

    assert _footprint(case.id) == before
    assert _fresh(hers).text == "Maria never misses a school meeting"


def test_the_facilitator_edits_deletes_and_restores_anything(case, staff, mum):
    """Staff can change any item and bring back a deleted one."""
    strength = add_item(mum, "strength", {"text": "Maria is kind"})

    edit_item(
        staff, "strength", strength.id, {"text": "Maria is patient"}, base_versions={"text": 1}
    )
    delete_item(staff, "strength", strength.id)
    assert _fresh(strength).deleted_at is not None
    restore_item(staff, "strength", strength.id)

    strength = _fresh(strength)
    assert (strength.text, strength.deleted_at) == ("Maria is patient", None)
    assert strength.created_by_participant_id == mum.participant.id
    events = transcript_events(case.id)[-3:]
    assert [e.kind for e in events] == ["strength.edited", "strength.deleted", "strength.restored"]
    assert all(e.actor_user_id == staff.user.id for e in events)
    assert events[2].before["deleted_at"] is not None and events[2].after == {"deleted_at": None}


def test_family_members_cannot_restore_or_mark_confidential(case, staff, mum):
    """Even for their own items: restoring and confidentiality are the facilitator's."""
    mine = add_item(mum, "strength", {"text": "I ask for help"})
    gone = add_item(mum, "strength", {"text": "Oops"})
    delete_item(mum, "strength", gone.id)
    before = _footprint(case.id)

    with pytest.raises(NotAllowed):
        restore_item(mum, "strength", gone.id)
    with pytest.raises(NotAllowed):
        set_confidential(mum, "strength", mine.id, True)
    with pytest.raises(NotAllowed):
        set_confidential(mum, "strength", mine.id, False)

    assert _footprint(case.id) == before
    assert _fresh(mine).confidential is False and _fresh(gone).deleted_at is not None


def test_a_confidential_item_does_not_exist_for_the_family(case, staff, mum, nan):
    """Once confidential, not even its author's phone can reach it; staff still can."""
    worry = add_item(mum, "worry", {"text": "Dad's drinking"})
    action = add_item(mum, "action", {"what": "Attend AA", "status": "open"})
    set_confidential(staff, "worry", worry.id, True)
    set_confidential(staff, "action", action.id, True)
    before = _footprint(case.id)

    for viewer in (mum, nan):
        with pytest.raises(NotFound):
            edit_item(viewer, "worry", worry.id, {"text": "x"}, base_versions={"text": 2})
        with pytest.raises(NotFound):
            delete_item(viewer, "worry", worry.id)
        with pytest.raises(NotFound):
            edit_item(viewer, "action", action.id, {"what": "x"}, base_versions={"what": 0})
    assert _footprint(case.id) == before

    edit_item(staff, "worry", worry.id, {"text": "Alcohol use"}, base_versions={"text": 2})
    set_confidential(staff, "worry", worry.id, False)
    assert _fresh(worry).text == "Alcohol use" and _fresh(worry).confidential is False
    kinds = [e.kind for e in transcript_events(case.id)]
    assert kinds[-1] == "worry.shared" and "worry.made_confidential" in kinds


def test_items_of_another_case_cannot_be_reached(facilitator, case, staff):
    """An id from another family's board is not found, even for staff."""
    other = factories.make_case(facilitator)
    their_meeting = factories.make_meeting(facilitator, other)
    start_meeting(facilitator, their_meeting)
    theirs = Viewer(their_meeting, join_as_staff(facilitator, their_meeting), facilitator)
    strength = add_item(theirs, "strength", {"text": "Their strength"})

    with pytest.raises(NotFound):
        edit_item(staff, "strength", strength.id, {"text": "x"}, base_versions={"text": 1})
    with pytest.raises(NotFound):
        delete_item(staff, "strength", strength.id)

    assert _fresh(strength).text == "Their strength" and _fresh(strength).deleted_at is None


def test_an_unknown_kind_or_id_is_not_found(staff):
    """Nonsense in the URL is "not found", not an error page."""
    with pytest.raises(NotFound):
        add_item(staff, "family_secret", {"text": "x"})
    with pytest.raises(NotFound):
        edit_item(staff, "strength", 999_999, {"text": "x"}, base_versions={"text": 1})
    with pytest.raises(NotFound):
        restore_item(staff, "strength", 999_999)


# --- the actions table ---------------------------------------------------------------------


def test_anyone_admitted_edits_any_cell_of_any_action(case, staff, mum, nan):
    """The actions table is shared: Nan ticks off Maria's action and sets its date."""
    action = add_item(mum, "action", {"what": "Book the GP", "status": "open"})

    edit_item(nan, "action", action.id, {"status": "done"}, base_versions={"status": 0})
    edit_item(nan, "action", action.id, {"due_on": "2026-11-01"}, base_versions={"due_on": 0})

    action = _fresh(action)
    assert (action.status, action.due_on) == (ActionStatus.DONE, date(2026, 11, 1))
    event = transcript_events(case.id)[-2]
    assert (event.kind, event.actor_participant_id) == ("action.edited", nan.participant.id)
    assert (event.before, event.after) == ({"status": "open"}, {"status": "done"})


def test_family_members_cannot_delete_someone_else_s_action(case, mum, nan):
    """Editing cells is shared; deleting the row is for its author or the facilitator."""
    action = add_item(mum, "action", {"what": "Book the GP", "status": "open"})

    with pytest.raises(NotAllowed):
        delete_item(nan, "action", action.id)

    assert _fresh(action).deleted_at is None


def test_two_people_editing_different_cells_both_keep_their_edits(case, mum, nan):
    """Both phones loaded the row at the same versions; each saves a different cell."""
    action = add_item(mum, "action", {"what": "Call school", "status": "open"})
    cells = ("what", "where_how", "due_on", "status")
    loaded = {name: (_fresh(action).cell_versions or {}).get(name, 0) for name in cells}

    edit_item(mum, "action", action.id, {"what": "Call Leo's teacher"}, base_versions=loaded)
    edit_item(nan, "action", action.id, {"where_how": "By phone"}, base_versions=loaded)
    edit_item(nan, "action", action.id, {"due_on": "2026-10-10"}, base_versions=loaded)

    action = _fresh(action)
    assert (action.what, action.where_how, action.due_on) == (
        "Call Leo's teacher",
        "By phone",
        date(2026, 10, 10),
    )
    assert action.version == 4
    assert [e.kind for e in transcript_events(case.id)][-3:] == ["action.edited"] * 3


def test_two_people_editing_the_same_cell_the_later_gets_a_conflict(case, mum, nan):
    """Nothing is silently overwritten: Nan is told what Maria saved, and Maria's edit stands."""
    action = add_item(mum, "action", {"what": "Call school", "status": "open"})
    loaded = {"what": 0}
    edit_item(mum, "action", action.id, {"what": "Call Leo's teacher"}, base_versions=loaded)
    before = _footprint(case.id)

    with pytest.raises(Conflict) as conflict:
        edit_item(nan, "action", action.id, {"what": "Email the school"}, base_versions=loaded)

    assert conflict.value.field == "what"
    assert conflict.value.current == "Call Leo's teacher"
    assert conflict.value.item.id == action.id
    assert _fresh(action).what == "Call Leo's teacher"
    assert _footprint(case.id) == before

    edit_item(nan, "action", action.id, {"what": "Email the school"}, base_versions={"what": 1})
    assert _fresh(action).what == "Email the school"


def test_an_edit_without_a_base_version_is_a_conflict(mum):
    """A client that does not say what it started from cannot overwrite anything."""
    action = add_item(mum, "action", {"what": "Call school", "status": "open"})

    with pytest.raises(Conflict):
        edit_item(mum, "action", action.id, {"what": "Blind write"}, base_versions={})

    assert _fresh(action).what == "Call school"


def test_other_items_conflict_on_the_item_version(case, mum):
    """Outside the actions table, any edit since loading (any field) makes a stale save conflict."""
    worry = add_item(mum, "worry", {"text": "Cold flat"})
    edit_item(mum, "worry", worry.id, {"need_domain": "housing"}, base_versions={"need_domain": 1})
    assert _fresh(worry).version == 2

    with pytest.raises(Conflict) as conflict:
        edit_item(mum, "worry", worry.id, {"text": "Damp flat"}, base_versions={"text": 1})

    assert (conflict.value.field, conflict.value.current) == ("text", "Cold flat")
    assert _fresh(worry).text == "Cold flat"
    edit_item(mum, "worry", worry.id, {"text": "Damp flat"}, base_versions={"text": 2})
    assert (_fresh(worry).text, _fresh(worry).version) == ("Damp flat", 3)


def test_saving_an_unchanged_value_writes_nothing(case, mum):
    """Leaving a cell without changing it is not a change."""
    strength = add_item(mum, "strength", {"text": "Calm"})
    before = _footprint(case.id)

    edit_item(mum, "strength", strength.id, {"text": "  Calm "}, base_versions={"text": 1})

    assert _footprint(case.id) == before
    assert _fresh(strength).version == 1


# --- locks, staff-only sections, and when the board is closed --------------------------------


def test_a_locked_section_is_read_only_for_the_family(facilitator, case, meeting, staff, mum):
    """While "strengths" is locked Maria cannot add, edit or delete there; staff still can."""
    mine = add_item(mum, "strength", {"text": "I'm organised"})
    lock_section(facilitator, meeting, "strengths", True)
    before = _footprint(case.id)

    with pytest.raises(NotAllowed, match="locked"):
        add_item(mum, "strength", {"text": "More"})
    with pytest.raises(NotAllowed):
        edit_item(mum, "strength", mine.id, {"text": "x"}, base_versions={"text": 1})
    with pytest.raises(NotAllowed):
        delete_item(mum, "strength", mine.id)
    assert _footprint(case.id) == before

    add_item(staff, "strength", {"text": "Staff can still add"})
    edit_item(staff, "strength", mine.id, {"text": "Very organised"}, base_versions={"text": 1})
    add_item(mum, "worry", {"text": "Other sections stay open"})
    lock_section(facilitator, meeting, "strengths", False)
    add_item(mum, "strength", {"text": "Unlocked again"})
    assert count(Strength) == 3


def test_a_locked_plan_stops_family_edits_to_the_actions_table(facilitator, meeting, staff, mum):
    """Locking "plan" freezes the actions table for phones, not for the facilitator."""
    action = add_item(mum, "action", {"what": "Call school", "status": "open"})
    lock_section(facilitator, meeting, "plan", True)

    with pytest.raises(NotAllowed):
        edit_item(mum, "action", action.id, {"status": "done"}, base_versions={"status": 0})
    with pytest.raises(NotAllowed):
        add_item(mum, "goal", {"text": "A goal"})
    edit_item(staff, "action", action.id, {"status": "done"}, base_versions={"status": 0})

    assert _fresh(action).status == ActionStatus.DONE


def test_a_locked_safety_scale_refuses_family_ratings(facilitator, meeting, staff, mum):
    """Ratings close when the facilitator locks the scale."""
    lock_section(facilitator, meeting, "safety_scale", True)

    with pytest.raises(NotAllowed):
        rate_safety(mum, "5")
    rate_safety(staff, "6")

    assert count(SafetyRating) == 1


def test_notes_are_for_staff_only(case, staff, mum):
    """A phone cannot add, edit or delete the facilitator's notes."""
    note = add_item(staff, "note", {"text": "Decision: housing first"})
    before = _footprint(case.id)

    with pytest.raises(NotAllowed):
        add_item(mum, "note", {"text": "My note"})
    with pytest.raises(NotAllowed):
        edit_item(mum, "note", note.id, {"text": "x"}, base_versions={"text": 1})
    with pytest.raises(NotAllowed):
        delete_item(mum, "note", note.id)

    assert _footprint(case.id) == before


def _every_command(viewer: Viewer, items: dict) -> list:
    """One attempt at each board command by `viewer`, against items added earlier."""
    strength, gone, action = items["strength"], items["gone"], items["action"]
    done = {"status": "done"}
    return [
        lambda: add_item(viewer, "strength", {"text": "Late idea"}),
        lambda: add_item(viewer, "note", {"text": "Late note"}),
        lambda: edit_item(
            viewer, "strength", strength.id, {"text": "x"}, base_versions={"text": 1}
        ),
        lambda: edit_item(viewer, "action", action.id, done, base_versions={"status": 0}),
        lambda: delete_item(viewer, "strength", strength.id),
        lambda: restore_item(viewer, "strength", gone.id),
        lambda: set_confidential(viewer, "strength", strength.id, True),
        lambda: rate_safety(viewer, "7"),
    ]


def _some_items(staff: Viewer, mum: Viewer) -> dict:
    """A strength of Maria's, a deleted strength and an action."""
    gone = add_item(mum, "strength", {"text": "Deleted"})
    delete_item(staff, "strength", gone.id)
    return {
        "strength": add_item(mum, "strength", {"text": "Mine"}),
        "gone": gone,
        "action": add_item(mum, "action", {"what": "Call school", "status": "open"}),
    }


def test_after_the_meeting_ends_nobody_changes_the_board(facilitator, case, meeting, staff, mum):
    """Every command is refused for staff and family once the meeting has ended."""
    items = _some_items(staff, mum)
    end_meeting(facilitator, meeting)
    before = _footprint(case.id)

    for viewer in (staff, mum):
        for attempt in _every_command(viewer, items):
            with pytest.raises(NotAllowed, match="not running"):
                attempt()

    assert _footprint(case.id) == before


def test_before_the_next_meeting_opens_nobody_changes_the_board(facilitator, case, staff, mum):
    """Between meetings the board is read-only too, even for its facilitator."""
    items = _some_items(staff, mum)
    end_meeting(facilitator, staff.meeting)
    review = factories.make_meeting(facilitator, case, purpose="review_90_day")
    stand_in = Participant(
        meeting_id=review.id,
        display_name=facilitator.name,
        role="staff",
        user_id=facilitator.id,
        status=ParticipantStatus.ADMITTED,
        token_nonce="",
    )
    early = Viewer(review, stand_in, facilitator)
    before = _footprint(case.id)

    for attempt in _every_command(early, items):
        with pytest.raises(NotAllowed, match="not running"):
            attempt()

    assert _footprint(case.id) == before


def test_a_removed_person_s_contributions_stay_attributed(staff, mum):
    """Removing Maria keeps what she wrote on the board, still in her name."""
    strength = add_item(mum, "strength", {"text": "Maria's idea"})

    remove(staff.participant, mum.participant)

    strength = _fresh(strength)
    assert strength.deleted_at is None
    assert strength.created_by_participant_id == mum.participant.id


# --- retries -------------------------------------------------------------------------------


def test_adding_twice_with_the_same_key_adds_once(case, mum):
    """A retry after a lost acknowledgement returns the same item and writes nothing more."""
    first = add_item(mum, "strength", {"text": "Good with money"}, key="k-add-1")
    after_first = _footprint(case.id)

    again = add_item(mum, "strength", {"text": "Good with money"}, key="k-add-1")

    assert again.id == first.id
    assert _footprint(case.id) == after_first
    assert [e.kind for e in transcript_events(case.id)].count("strength.added") == 1
    other = add_item(mum, "strength", {"text": "Good with money"}, key="k-add-2")
    assert other.id != first.id


def test_editing_twice_with_the_same_key_applies_once(case, mum):
    """The retried edit (now with a stale base version) is recognised, not called a conflict."""
    strength = add_item(mum, "strength", {"text": "Calm"})
    edit_item(
        mum, "strength", strength.id, {"text": "Very calm"}, base_versions={"text": 1}, key="e1"
    )

    again = edit_item(
        mum, "strength", strength.id, {"text": "Very calm"}, base_versions={"text": 1}, key="e1"
    )

    assert again.id == strength.id
    assert _fresh(strength).version == 2
    assert [e.kind for e in transcript_events(case.id)].count("strength.edited") == 1


def test_an_action_cell_edit_retried_applies_once(case, mum, nan):
    """A retried cell edit does not bump the cell's version again, so others do not conflict."""
    action = add_item(mum, "action", {"what": "Call school", "status": "open"})
    for _ in range(2):
        edit_item(
            mum, "action", action.id, {"status": "done"}, base_versions={"status": 0}, key="c1"
        )

    assert (_fresh(action).cell_versions or {}).get("status") == 1
    edit_item(nan, "action", action.id, {"status": "not_done"}, base_versions={"status": 1})
    assert _fresh(action).status == ActionStatus.NOT_DONE


def test_deleting_twice_with_the_same_key_deletes_once(case, mum):
    """The retry of a delete is not "not found"."""
    strength = add_item(mum, "strength", {"text": "x"})
    delete_item(mum, "strength", strength.id, key="d1")

    delete_item(mum, "strength", strength.id, key="d1")

    assert [e.kind for e in transcript_events(case.id)].count("strength.deleted") == 1


def test_a_rating_retried_applies_once(case, mum):
    """A late retry of an earlier rating does not undo the newer one."""
    rate_safety(mum, "3", key="r1")
    rate_safety(mum, "8", key="r2")

    rate_safety(mum, "3", key="r1")

    rating = db.session.scalar(sa.select(SafetyRating))
    assert rating.score == 8
    assert [e.kind for e in transcript_events(case.id)].count("safety_rating.given") == 2


# --- the safety scale ----------------------------------------------------------------------


@pytest.mark.parametrize("score", [str(n) for n in range(11)] + [" 7 ", 5])
def test_a_rating_from_0_to_10_is_accepted(meeting, mum, score):
    """Every whole number from 0 to 10 is a rating."""
    rating = rate_safety(mum, score)

    saved = db.session.scalar(sa.select(SafetyRating))
    assert saved.id == rating.id and saved.score == int(str(score))
    assert (saved.meeting_id, saved.participant_id) == (meeting.id, mum.participant.id)


@pytest.mark.parametrize("score", ["11", "-1", "x", "", " ", "7.5", "10 out of 10", "1e1", "010x"])
def test_a_rating_outside_0_to_10_is_refused(case, mum, score):
    """Anything else is refused with a message, and nothing is saved."""
    before = _footprint(case.id)

    with pytest.raises(Invalid) as refused:
        rate_safety(mum, score)

    assert set(refused.value.errors) == {"score"}
    assert _footprint(case.id) == before


def test_a_superscript_rating_is_refused(mum):
    """A pasted "²" is not a rating."""
    with pytest.raises(Invalid):
        rate_safety(mum, "²")


def test_rating_again_replaces_the_earlier_rating(case, mum, nan):
    """Each person has one rating per meeting; changing it is recorded with before and after."""
    rate_safety(mum, "4")
    rate_safety(nan, "9")

    rate_safety(mum, "8")

    ratings = {r.participant_id: r.score for r in db.session.scalars(sa.select(SafetyRating))}
    assert ratings == {mum.participant.id: 8, nan.participant.id: 9}
    given = [e for e in transcript_events(case.id) if e.kind == "safety_rating.given"]
    assert [(e.actor_participant_id, e.before, e.after) for e in given] == [
        (mum.participant.id, None, {"score": 4}),
        (nan.participant.id, None, {"score": 9}),
        (mum.participant.id, {"score": 4}, {"score": 8}),
    ]
    assert all(e.section == "safety_scale" for e in given)


# --- nothing partial, text as typed, sequence --------------------------------------------------


def test_a_refused_add_saves_nothing(case, staff, mum):
    """Bad input in several fields: nothing written, not even a sequence number."""
    before = _footprint(case.id)

    with pytest.raises(Invalid) as refused:
        add_item(mum, "action", {"what": "", "due_on": "2026-13-01", "status": "maybe"})

    assert set(refused.value.errors) >= {"what", "due_on", "status"}
    assert _footprint(case.id) == before


def test_a_failure_while_recording_leaves_no_trace(case, mum, monkeypatch):
    """If writing the event fails, the item (already flushed) is rolled back with it."""
    strength = add_item(mum, "strength", {"text": "Kept"})
    before = _footprint(case.id)

    def broken(self, *args, **kwargs):
        db.session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr(recorder.Change, "record", broken)
    with pytest.raises(RuntimeError):
        add_item(mum, "strength", {"text": "Lost"})
    with pytest.raises(RuntimeError):
        edit_item(mum, "strength", strength.id, {"text": "Half-saved"}, base_versions={"text": 1})
    with pytest.raises(RuntimeError):
        delete_item(mum, "strength", strength.id)
    with pytest.raises(RuntimeError):
        rate_safety(mum, "5")

    assert _footprint(case.id) == before
    strength = _fresh(strength)
    assert (strength.text, strength.version, strength.deleted_at) == ("Kept", 1, None)


@pytest.mark.parametrize("text", XSS)
def test_text_is_stored_as_typed(case, mum, text):
    """Markup is kept verbatim on the board and in the transcript; the renderer escapes it."""
    strength = add_item(mum, "strength", {"text": text})
    action = add_item(mum, "action", {"what": text, "where_how": text, "status": "open"})

    assert _fresh(strength).text == text
    assert (_fresh(action).what, _fresh(action).where_how) == (text, text)
    assert transcript_events(case.id)[-2].after["text"] == text


def test_last_seq_is_the_case_s_latest_event(facilitator, case, staff, mum):
    """A reconnecting screen is told the latest sequence number of this case, not of others."""
    add_item(mum, "strength", {"text": "One"})
    rate_safety(mum, "5")
    other = factories.make_case(facilitator)
    factories.make_meeting(facilitator, other)

    highest = max(e.seq for e in transcript_events(case.id))
    assert last_seq(case.id) == highest == _fresh(case).event_seq
    assert last_seq(other.id) == 2
    add_item(mum, "worry", {"text": "Two"})
    assert last_seq(case.id) == highest + 1
    assert last_seq(999_999) == 0


def test_actions_remember_the_version_of_each_cell(mum, nan):
    """Each cell counts its own edits; the row counts all of them."""
    action = add_item(mum, "action", {"what": "Call school", "status": "open"})
    edit_item(mum, "action", action.id, {"what": "Call the school"}, base_versions={"what": 0})
    edit_item(nan, "action", action.id, {"what": "Ring the school"}, base_versions={"what": 1})
    edit_item(nan, "action", action.id, {"status": "done"}, base_versions={"status": 0})

    action = _fresh(action)
    assert (action.cell_versions or {}).get("what") == 2
    assert (action.cell_versions or {}).get("status") == 1
    assert action.version == 4
    assert db.session.get(Action, action.id).what == "Ring the school"


def test_staff_can_add_an_item_as_confidential_from_the_start(case, staff, mum):
    """Staff tick "confidential" when adding: the item never reaches a family screen, even once."""
    item = add_item(staff, "strength", {"text": "Known to police in 2019", "confidential": "1"})

    assert _fresh(item).confidential is True
    assert transcript_events(case.id)[-1].after["confidential"] is True


def test_a_family_member_cannot_add_a_confidential_item(case, mum):
    """Only staff decide what is confidential; the refusal saves nothing."""
    before = len(transcript_events(case.id))
    with pytest.raises(NotAllowed):
        add_item(mum, "strength", {"text": "Secret", "confidential": "1"})
    assert len(transcript_events(case.id)) == before
