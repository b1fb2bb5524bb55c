"""The one write path: a change and its transcript event commit together, then are published."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from fttm import publisher
from fttm.cases.commands import FIELDS, CaseDetails, update_case
from fttm.cases.models import Case
from fttm.core.recorder import Actor, already_applied, change
from fttm.extensions import db
from fttm.idempotency import AppliedMeanwhile
from fttm.meetings.models import MeetingStatus
from fttm.transcript.models import AppendOnlyError, TranscriptEvent
from tests import factories
from tests.helpers import count, transcript_events


def _details(case: Case, **changes) -> CaseDetails:
    """The case's current details with some of them changed."""
    return replace(CaseDetails(**{name: getattr(case, name) for name in FIELDS}), **changes)


def test_opening_a_case_writes_case_opened_first(facilitator):
    """The first event of a case says who opened it, as whom, and with what details."""
    case = factories.make_case(facilitator, family_name="Okafor", case_number="C-OK-1")
    [event] = transcript_events(case.id)
    assert event.kind == "case.opened" and event.seq == 1
    assert event.actor_user_id == facilitator.id
    assert event.actor_name == "Fran Facilitator" and event.actor_role == "facilitator"
    assert event.target_type == "Case" and event.target_id == case.id
    assert event.before is None
    assert event.after["family_name"] == "Okafor" and event.after["case_number"] == "C-OK-1"
    assert event.after["substantiation_date"] == case.substantiation_date.isoformat()
    assert event.meeting_id is None
    assert event.at is not None


def test_the_actor_is_recorded_as_they_were_then(facilitator):
    """Renaming someone later does not rewrite who did what in the transcript."""
    case = factories.make_case(facilitator)
    facilitator.name = "Frances Renamed"
    db.session.commit()
    assert transcript_events(case.id)[0].actor_name == "Fran Facilitator"


def test_sequence_numbers_rise_by_one_per_case(facilitator, supervisor):
    """Each case counts its own events 1, 2, 3... whoever makes them."""
    first = factories.make_case(facilitator)
    second = factories.make_case(supervisor)
    factories.make_meeting(facilitator, first)
    factories.make_meeting(supervisor, first)
    update_case(facilitator, first, _details(first, family_name="Renamed"))
    factories.make_meeting(facilitator, second)
    assert [event.seq for event in transcript_events(first.id)] == [1, 2, 3, 4]
    assert [event.kind for event in transcript_events(first.id)] == [
        "case.opened",
        "meeting.scheduled",
        "meeting.scheduled",
        "case.updated",
    ]
    assert [event.seq for event in transcript_events(second.id)] == [1, 2]
    db.session.expire_all()
    assert (first.event_seq, second.event_seq) == (4, 2)


def test_an_update_records_the_values_before_and_after(facilitator):
    """Only what changed is recorded, with its old and new value."""
    case = factories.make_case(facilitator, family_name="Okafor")
    update_case(facilitator, case, _details(case, family_name="Okafor-Reyes"))
    event = transcript_events(case.id)[-1]
    assert event.before == {"family_name": "Okafor"}
    assert event.after == {"family_name": "Okafor-Reyes"}


def test_an_update_that_changes_nothing_records_nothing(facilitator):
    """Saving an unchanged form does not clutter the transcript."""
    case = factories.make_case(facilitator)
    update_case(facilitator, case, _details(case))
    assert len(transcript_events(case.id)) == 1


def test_a_failed_new_case_leaves_no_case_and_no_event(facilitator, published):
    """If anything goes wrong, nothing of the change is saved and nothing is published."""
    with (
        pytest.raises(RuntimeError, match="power cut"),
        change(None, Actor.for_user(facilitator)) as current,
    ):
        case = Case(
            team_id=facilitator.team_id,
            case_number="C-LOST",
            family_name="Lost",
            jurisdiction="miteam",
            substantiation_date=facilitator.created_at.date(),
            permanency_goal="remain_home",
        )
        db.session.add(case)
        db.session.flush()
        current.case_id = case.id
        current.record("case.opened", case, after={"family_name": "Lost"})
        raise RuntimeError("power cut")
    assert count(Case) == 0
    assert count(TranscriptEvent) == 0
    assert published == []


def test_a_failed_change_to_a_case_leaves_it_as_it_was(facilitator, published):
    """The change, its event and the sequence number are all rolled back together."""
    case = factories.make_case(facilitator, family_name="Okafor")
    published.clear()
    with pytest.raises(RuntimeError), change(case.id, Actor.for_user(facilitator)) as current:
        case.family_name = "Half-saved"
        current.record(
            "case.updated",
            case,
            before={"family_name": "Okafor"},
            after={"family_name": "Half-saved"},
        )
        raise RuntimeError("validation failed late")
    db.session.expire_all()
    assert case.family_name == "Okafor" and case.event_seq == 1
    assert len(transcript_events(case.id)) == 1
    assert published == []


def test_a_change_without_a_transcript_event_is_refused(facilitator, published):
    """No change reaches the database unrecorded."""
    case = factories.make_case(facilitator, family_name="Okafor")
    published.clear()
    with (
        pytest.raises(RuntimeError, match="at least one transcript event"),
        change(case.id, Actor.for_user(facilitator)),
    ):
        case.family_name = "Unrecorded"
    db.session.expire_all()
    assert case.family_name == "Okafor"
    assert published == []


def test_subscribers_receive_the_committed_events(facilitator, published):
    """Screens are told about a change only once it is durable."""
    seen_from_elsewhere: list[int] = []

    def check_durable(events):
        """Look for the events through a connection of its own, as another worker would."""
        with db.engine.connect() as connection:
            seen_from_elsewhere.append(
                connection.scalar(
                    sa.select(sa.func.count())
                    .select_from(TranscriptEvent)
                    .where(TranscriptEvent.id.in_([event.id for event in events]))
                )
            )

    unsubscribe = publisher.subscribe(check_durable)
    try:
        case = factories.make_case(facilitator)
        factories.make_meeting(facilitator, case)
    finally:
        unsubscribe()
    assert [[event.kind for event in batch] for batch in published] == [
        ["case.opened"],
        ["meeting.scheduled"],
    ]
    assert all(
        event.id is not None and event.case_id == case.id for batch in published for event in batch
    )
    assert seen_from_elsewhere == [1, 1]


def test_published_events_read_as_stored_without_loading_them_again(facilitator, published):
    """Subscribers read each event as the database keeps it (its JSON as read back, its moment
    in UTC), without one more query per event: pushes happen before the sender is answered."""
    statements: list[str] = []
    seen: list[dict] = []
    columns = [column.key for column in sa.inspect(TranscriptEvent).column_attrs]

    def read_events(events):
        listen = lambda _c, _cur, statement, *_rest: statements.append(statement)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            seen.extend({key: getattr(event, key) for key in columns} for event in events)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)

    unsubscribe = publisher.subscribe(read_events)
    try:
        case = factories.make_case(facilitator, family_name="Okafor")
    finally:
        unsubscribe()
    assert statements == []
    db.session.expire_all()
    [stored] = transcript_events(case.id)
    assert seen == [{key: getattr(stored, key) for key in columns}]
    assert seen[0]["at"].utcoffset().total_seconds() == 0


def test_a_failing_subscriber_does_not_undo_the_change(facilitator, published):
    """A push that fails is caught up later; the saved change stays saved."""

    def broken(events):
        """A realtime push that fails."""
        raise ConnectionError("socket gone")

    unsubscribe = publisher.subscribe(broken)
    try:
        case = factories.make_case(facilitator)
    finally:
        unsubscribe()
    assert len(transcript_events(case.id)) == 1
    assert len(published) == 1


def test_the_orm_refuses_to_change_an_event(facilitator):
    """Code cannot edit history, even by mistake."""
    case = factories.make_case(facilitator)
    event = transcript_events(case.id)[0]
    event.actor_name = "Someone else"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    assert transcript_events(case.id)[0].actor_name == "Fran Facilitator"


def test_the_orm_refuses_to_delete_an_event(facilitator):
    """Code cannot erase history either."""
    case = factories.make_case(facilitator)
    db.session.delete(transcript_events(case.id)[0])
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    assert len(transcript_events(case.id)) == 1


def test_changes_during_an_open_meeting_belong_to_it(facilitator):
    """While a meeting is open or live, the events of its case carry its id."""
    case = factories.make_case(facilitator)
    meeting = factories.make_meeting(facilitator, case)
    update_case(facilitator, case, _details(case, family_name="Before the meeting"))
    for status, name in (
        (MeetingStatus.OPEN, "While open"),
        (MeetingStatus.LIVE, "While live"),
        (MeetingStatus.ENDED, "After the meeting"),
    ):
        meeting.status = status
        db.session.commit()
        update_case(facilitator, case, _details(case, family_name=name))
    by_name = {
        event.after["family_name"]: event.meeting_id
        for event in transcript_events(case.id)
        if event.kind == "case.updated"
    }
    assert by_name == {
        "Before the meeting": None,
        "While open": meeting.id,
        "While live": meeting.id,
        "After the meeting": None,
    }


def test_changes_to_other_cases_do_not_join_a_meeting(facilitator):
    """A meeting of one case does not claim the events of another."""
    meeting_case = factories.make_case(facilitator)
    meeting = factories.make_meeting(facilitator, meeting_case)
    meeting.status = MeetingStatus.LIVE
    db.session.commit()
    other = factories.make_case(facilitator)
    update_case(facilitator, other, _details(other, family_name="Elsewhere"))
    assert [event.meeting_id for event in transcript_events(other.id)] == [None, None]


def test_a_retried_change_is_found_by_its_idempotency_key(facilitator):
    """A client retrying after a lost ack can learn its change was already applied."""
    case = factories.make_case(facilitator)
    other = factories.make_case(facilitator)
    with change(case.id, Actor.for_user(facilitator), idempotency_key="edit-7f3a") as current:
        case.family_name = "Keyed"
        first = current.record("case.updated", case, after={"family_name": "Keyed"})
        second = current.record("case.updated", case, after={"note": "second part"})
    actor = Actor.for_user(facilitator)
    found = already_applied(case.id, "edit-7f3a", actor)
    assert found is not None and found.id == first.id
    assert second.idempotency_key is None
    assert already_applied(case.id, "edit-0000", actor) is None
    assert already_applied(other.id, "edit-7f3a", actor) is None
    assert already_applied(case.id, None, actor) is None


def test_an_idempotency_key_cannot_be_applied_twice(facilitator, published):
    """Even if a retry slipped past the check, the database keeps one change per key."""
    case = factories.make_case(facilitator, family_name="Okafor")
    actor = Actor.for_user(facilitator)
    with change(case.id, actor, idempotency_key="edit-7f3a") as current:
        case.family_name = "Once"
        current.record("case.updated", case, after={"family_name": "Once"})
    published.clear()
    with (
        pytest.raises(AppliedMeanwhile),
        change(case.id, actor, idempotency_key="edit-7f3a") as current,
    ):
        case.family_name = "Twice"
        current.record("case.updated", case, after={"family_name": "Twice"})
        db.session.flush()
    db.session.expire_all()
    assert case.family_name == "Once"
    assert len(transcript_events(case.id)) == 2
    assert published == []


def test_a_system_actor_is_named_as_fttm(facilitator):
    """Changes fttm makes itself are attributed to it, not to a person."""
    case = factories.make_case(facilitator)
    with change(case.id, Actor.system()) as current:
        current.record("case.reviewed", case)
    event = transcript_events(case.id)[-1]
    assert (event.actor_name, event.actor_role, event.actor_user_id) == ("fttm", "system", None)
