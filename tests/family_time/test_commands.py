"""Private family time through its commands: starting and ending it, a family member's new item
kept as a draft (never a board item), drafts shared as board items in their writers' names, and
the end of the meeting keeping or discarding what was not shared."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from fttm.board import commands as board
from fttm.board.models import Action, SafetyStep, Strength, Worry
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.family_time import commands
from fttm.family_time.models import DraftStatus, FamilyDraft
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import footprint

WORDS = "Grandma Rosa takes Leo every Friday"


@pytest.fixture
def phones(staff):
    """Maria and Nan on their phones, in the live meeting."""
    return (
        factories.make_phone(staff, "Maria", "parent"),
        factories.make_phone(staff, "Nan", "relative"),
    )


@pytest.fixture
def private(staff, facilitator, phones):
    """Private family time has started."""
    commands.start(facilitator, staff.meeting)
    return phones


def _events(case_id: int, prefix: str = "") -> list[TranscriptEvent]:
    return db.session.scalars(
        sa.select(TranscriptEvent)
        .where(TranscriptEvent.case_id == case_id, TranscriptEvent.kind.startswith(prefix))
        .order_by(TranscriptEvent.seq)
    ).all()


def _all_event_text(case_id: int) -> str:
    return json.dumps([[e.kind, e.before, e.after] for e in _events(case_id)])


def _rows(model, case_id: int) -> list:
    return db.session.scalars(sa.select(model).where(model.case_id == case_id)).all()


def test_the_facilitator_starts_and_ends_private_family_time(staff, facilitator):
    """Starting sets the time and records family_time.started; ending records family_time.ended."""
    meeting = staff.meeting
    commands.start(facilitator, meeting)
    assert meeting.family_time_started_at is not None
    with pytest.raises(Invalid, match="already"):
        commands.start(facilitator, meeting)

    commands.end(facilitator, meeting)

    assert meeting.family_time_started_at is None
    kinds = [e.kind for e in _events(meeting.case_id, "family_time.")]
    assert kinds == ["family_time.started", "family_time.ended"]
    with pytest.raises(Invalid, match="not running"):
        commands.end(facilitator, meeting)


def test_private_family_time_starts_only_in_a_live_meeting(facilitator, case):
    """A meeting not started yet has no family time; another team's staff cannot start it."""
    meeting = factories.make_meeting(facilitator, case)
    with pytest.raises(Invalid, match="live"):
        commands.start(facilitator, meeting)
    start_meeting(facilitator, meeting)
    other = factories.make_user(team=factories.make_team(), name="Otto Other")
    with pytest.raises(NotFound):
        commands.start(other, meeting)
    assert meeting.family_time_started_at is None


@pytest.mark.parametrize(
    ("kind", "form", "model"),
    [
        ("strength", {"text": WORDS}, Strength),
        ("worry", {"text": WORDS, "need_domain": "safety"}, Worry),
        ("action", {"what": WORDS, "where_how": "At her flat"}, Action),
        ("safety_step", {"kind": "reactive", "text": WORDS, "trigger": "Dad drinks"}, SafetyStep),
    ],
)
def test_a_family_members_new_item_becomes_a_draft_and_never_a_board_item(
    staff, private, kind, form, model
):
    """The board's own add command keeps it as a draft; no event carries its words."""
    maria, _nan = private

    draft = board.add_item(maria, kind, dict(form))

    assert isinstance(draft, FamilyDraft)
    assert draft.text == WORDS and draft.kind == kind
    assert draft.created_by_participant_id == maria.participant.id
    assert _rows(model, staff.meeting.case_id) == []
    [event] = _events(staff.meeting.case_id, "family_draft.")
    assert event.kind == "family_draft.added" and event.after == {"kind": kind}
    assert WORDS not in _all_event_text(staff.meeting.case_id)
    title = commands.title_field(kind)
    assert draft.details == {name: value for name, value in form.items() if name != title}


def test_staff_items_still_go_on_the_board_during_private_family_time(staff, private):
    """The facilitator's own item is a board item as usual."""
    item = board.add_item(staff, "strength", {"text": "Staff note of a strength"})
    assert isinstance(item, Strength)


def test_bad_input_for_a_draft_is_refused_and_nothing_is_saved(staff, private):
    """An empty text, a wrong choice, an unknown or staff-only kind: a clear refusal, no row."""
    maria, _nan = private
    before = footprint(staff.meeting.case_id)
    with pytest.raises(Invalid) as empty:
        board.add_item(maria, "strength", {"text": "   "})
    assert empty.value.errors == {"text": "This can't be empty."}
    with pytest.raises(Invalid) as wrong:
        board.add_item(maria, "safety_step", {"kind": "sometimes", "text": WORDS})
    assert "kind" in wrong.value.errors
    with pytest.raises(Invalid):
        board.add_item(maria, "strength", {"text": "x" * 1001})
    with pytest.raises(NotFound):
        board.add_item(maria, "note", {"text": WORDS})
    with pytest.raises(NotFound):
        board.add_item(maria, "nonsense", {"text": WORDS})
    assert footprint(staff.meeting.case_id) == before
    assert _rows(FamilyDraft, staff.meeting.case_id) == []


def test_a_family_edit_of_a_board_item_waits_until_the_plan_is_shared(staff, facilitator, phones):
    """During private time the family cannot change board items (it would show at once)."""
    maria, _nan = phones
    strength = board.add_item(maria, "strength", {"text": "Before private time"})
    commands.start(facilitator, staff.meeting)
    with pytest.raises(NotAllowed, match="private family time"):
        board.edit_item(
            maria, "strength", strength.id, {"text": "Changed"}, base_versions={"text": 1}
        )
    with pytest.raises(NotAllowed, match="private family time"):
        board.delete_item(maria, "strength", strength.id)
    assert db.session.get(Strength, strength.id).text == "Before private time"


def test_family_members_edit_and_delete_each_others_drafts(staff, private):
    """The family writes its plan together: Nan changes Maria's draft; a stale edit conflicts."""
    maria, nan = private
    draft = board.add_item(maria, "strength", {"text": WORDS})

    commands.edit_draft(nan, draft.id, "Grandma Rosa, every Friday", base_version=1)

    assert db.session.get(FamilyDraft, draft.id).text == "Grandma Rosa, every Friday"
    with pytest.raises(Conflict):
        commands.edit_draft(maria, draft.id, "Stale words", base_version=1)
    with pytest.raises(Invalid):
        commands.edit_draft(maria, draft.id, "", base_version=2)
    commands.delete_draft(maria, draft.id)
    assert commands.open_drafts(staff.meeting.case_id) == []
    assert "Grandma" not in _all_event_text(staff.meeting.case_id)


def test_staff_and_other_meetings_cannot_reach_a_draft(staff, private, facilitator):
    """Staff never read or change a draft; nor does a phone of another case's meeting."""
    maria, _nan = private
    draft = board.add_item(maria, "strength", {"text": WORDS})
    with pytest.raises(NotFound):
        commands.edit_draft(staff, draft.id, "Staff words", base_version=1)
    with pytest.raises(NotFound):
        commands.delete_draft(staff, draft.id)
    other_case = factories.make_case(facilitator, family_name="Other")
    other_meeting = factories.make_meeting(facilitator, other_case)
    start_meeting(facilitator, other_meeting)
    other_staff = Viewer(other_meeting, join_as_staff(facilitator, other_meeting), facilitator)
    stranger = factories.make_phone(other_staff, "Stranger", "parent")
    with pytest.raises(NotFound):
        commands.edit_draft(stranger, draft.id, "Not mine", base_version=1)
    with pytest.raises(NotFound):
        commands.delete_draft(stranger, draft.id)
    assert db.session.get(FamilyDraft, draft.id).text == WORDS


def test_sharing_puts_every_draft_on_the_board_in_its_writers_name(staff, private):
    """Each draft becomes a board item attributed to whoever wrote it, with its usual event."""
    maria, nan = private
    board.add_item(maria, "strength", {"text": WORDS})
    board.add_item(nan, "action", {"what": "Nan drives Leo to school", "due_on": "2027-01-15"})
    board.add_item(nan, "safety_step", {"kind": "proactive", "text": "Call Nan", "when": "Daily"})

    items = commands.share(nan)

    case_id = staff.meeting.case_id
    assert staff.meeting.family_time_started_at is None
    [strength] = _rows(Strength, case_id)
    [action] = _rows(Action, case_id)
    [step] = _rows(SafetyStep, case_id)
    assert len(items) == 3
    assert strength.created_by_participant_id == maria.participant.id
    assert action.created_by_participant_id == nan.participant.id
    assert str(action.due_on) == "2027-01-15" and step.when == "Daily"
    added = {e.kind: e for e in _events(case_id) if e.kind.endswith(".added")}
    assert added["strength.added"].actor_name == "Maria"
    assert added["strength.added"].after["text"] == WORDS
    assert added["action.added"].actor_name == "Nan"
    kinds = [e.kind for e in _events(case_id, "family_time.")]
    assert kinds == ["family_time.started", "family_time.shared", "family_time.ended"]
    assert {d.status for d in _rows(FamilyDraft, case_id)} == {DraftStatus.SHARED}


def test_sharing_is_all_or_nothing(staff, private, monkeypatch):
    """A failure while putting the second draft on the board leaves every draft a draft."""
    maria, nan = private
    board.add_item(maria, "strength", {"text": WORDS})
    board.add_item(nan, "worry", {"text": "Money is short"})
    real = board.create_item
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(board, "create_item", failing)
    before = footprint(staff.meeting.case_id)
    with pytest.raises(RuntimeError):
        commands.share(maria)
    db.session.expire_all()
    assert footprint(staff.meeting.case_id) == before
    assert len(commands.open_drafts(staff.meeting.case_id)) == 2
    assert staff.meeting.family_time_started_at is not None


def test_ending_private_time_without_sharing_keeps_the_drafts(staff, facilitator, private):
    """The facilitator comes back; the drafts stay drafts and are shared later."""
    maria, _nan = private
    board.add_item(maria, "strength", {"text": WORDS})
    commands.end(facilitator, staff.meeting)
    assert [d.text for d in commands.open_drafts(staff.meeting.case_id)] == [WORDS]
    strength = board.add_item(maria, "strength", {"text": "Now straight to the board"})
    assert isinstance(strength, Strength)

    commands.share(staff)

    texts = {s.text for s in _rows(Strength, staff.meeting.case_id)}
    assert texts == {WORDS, "Now straight to the board"}


def test_a_meeting_with_unshared_drafts_ends_only_once_the_facilitator_chooses(
    staff, facilitator, private
):
    """Without a choice the meeting goes on; "keep" ends it, recording a count and no words."""
    maria, _nan = private
    board.add_item(maria, "strength", {"text": WORDS})
    board.add_item(maria, "worry", {"text": "Second draft"})
    meeting = staff.meeting
    for choice in (None, "", "shred"):
        with pytest.raises(Invalid, match="2 items not yet shared"):
            end_meeting(facilitator, meeting, choice)
        assert meeting.status == "live"

    end_meeting(facilitator, meeting, "keep")

    assert meeting.status == "ended" and meeting.family_time_started_at is None
    [kept] = _events(meeting.case_id, "family_time.drafts_kept")
    assert kept.after == {"count": 2}
    assert WORDS not in _all_event_text(meeting.case_id)
    assert {d.status for d in _rows(FamilyDraft, meeting.case_id)} == {DraftStatus.KEPT}


def test_discarded_drafts_are_gone_from_the_family_plan(staff, facilitator, private):
    """ "Discard" ends the meeting and the drafts wait no more (recorded with their count)."""
    maria, _nan = private
    board.add_item(maria, "strength", {"text": WORDS})
    end_meeting(facilitator, staff.meeting, "discard")
    [discarded] = _events(staff.meeting.case_id, "family_time.drafts_discarded")
    assert discarded.after == {"count": 1}
    assert commands.open_drafts(staff.meeting.case_id) == []


def test_kept_drafts_are_shared_in_the_cases_next_meeting(staff, facilitator, case, private):
    """Kept at the end, the family's draft waits for the case's next meeting, then is shared in
    the name of the person who wrote it."""
    maria, _nan = private
    board.add_item(maria, "strength", {"text": WORDS})
    end_meeting(facilitator, staff.meeting, "keep")
    review = factories.make_meeting(facilitator, case, purpose="review_90_day")
    start_meeting(facilitator, review)
    ana = factories.make_phone(
        Viewer(review, join_as_staff(facilitator, review), facilitator), "Ana", "parent"
    )
    assert [d.text for d in commands.open_drafts(case.id)] == [WORDS]

    commands.share(ana)

    [strength] = _rows(Strength, case.id)
    assert strength.text == WORDS
    assert strength.created_by_participant_id == maria.participant.id
    [added] = _events(case.id, "strength.added")
    assert added.actor_name == "Maria" and added.meeting_id == review.id


def test_a_meeting_without_drafts_ends_as_before(staff, facilitator):
    """No drafts, no question: ending records nothing about family time."""
    end_meeting(facilitator, staff.meeting)
    assert staff.meeting.status == "ended"
    assert _events(staff.meeting.case_id, "family_time.") == []
