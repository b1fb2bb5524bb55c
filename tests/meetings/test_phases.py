"""A live meeting moves through its agenda: each move a command with its transcript event, the
wall's focus following in the same change, every screen told (and caught up), only the team's
staff able to move it, and how long each phase took read back from the events alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.meetings import agenda, phases
from fttm.meetings.commands import end_meeting, open_meeting, start_meeting
from fttm.meetings.models import Meeting
from fttm.timestamps import clock_at
from tests import factories
from tests.helpers import meeting_row, transcript_events

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def _moves(case_id: int) -> list:
    return transcript_events(case_id, kind=phases.MOVED)


def test_going_live_starts_the_first_phase_not_skipped(facilitator, case):
    """Start: the meeting is in its first phase (the first one left on the agenda), since now."""
    meeting = factories.make_meeting(facilitator, case)
    agenda.skip(facilitator, meeting, "welcome", True)
    with clock_at(START):
        start_meeting(facilitator, meeting)
    row = meeting_row(meeting.id)
    assert (row.phase, row.phase_started_at) == ("ground_rules", START)
    [event] = _moves(case.id)
    assert event.before == {"phase": None, "at": None}
    assert event.after == {
        "phase": "ground_rules",
        "name": "Ground rules",
        "names": {"fr": "Règles de base"},  # so the transcript names it in each reader's language
        "at": START.isoformat(),
    }


def test_next_previous_and_jump_each_move_and_bring_the_section_to_the_wall(
    facilitator, meeting, published
):
    """Each move sets the phase and its start, records from → to, and puts the phase's section
    in focus on the wall in the same change; a phase about no section shows the whole board."""
    published.clear()
    with clock_at(START) as clock:
        phases.move(facilitator, meeting, step="next")
        clock.advance(timedelta(minutes=3))
        phases.move(facilitator, meeting, step="next")
        clock.advance(timedelta(minutes=12))
        phases.move(facilitator, meeting, to="safety_plan")
        clock.advance(timedelta(minutes=1))
        phases.move(facilitator, meeting, step="previous")
        phases.move(facilitator, meeting, to="welcome")
    row = meeting_row(meeting.id)
    assert row.phase == "welcome" and row.wall_focus == "overview"
    moves = _moves(meeting.case_id)
    assert [(e.before["phase"], e.after["phase"]) for e in moves][1:] == [
        ("welcome", "ground_rules"),
        ("ground_rules", "strengths"),
        ("strengths", "safety_plan"),
        ("safety_plan", "plan"),
        ("plan", "welcome"),
    ]
    assert moves[3].after["at"] == (START + timedelta(minutes=15)).isoformat()
    assert moves[3].before["at"] == (START + timedelta(minutes=3)).isoformat()
    # one change each, the wall's move inside it when the section is not already in focus
    assert [[e.kind for e in batch] for batch in published] == [
        ["meeting.phase_moved"],
        ["meeting.phase_moved", "meeting.wall_steered"],
        ["meeting.phase_moved", "meeting.wall_steered"],
        ["meeting.phase_moved", "meeting.wall_steered"],
        ["meeting.phase_moved", "meeting.wall_steered"],
    ]
    focuses = [
        e.after["wall_focus"]
        for e in transcript_events(meeting.case_id, kind="meeting.wall_steered")
    ]
    assert focuses == ["strengths", "safety_plan", "plan", "overview"]


@pytest.mark.parametrize(
    ("move", "error", "said"),
    [
        ({"step": "previous"}, Invalid, "first phase"),
        ({"step": "sideways"}, Invalid, "next or previous"),
        ({"to": "payroll"}, NotFound, None),
        ({"to": "ground_rules"}, Invalid, "skipped"),
        ({}, Invalid, "next or previous"),
    ],
)
def test_a_move_that_cannot_be_made_is_refused_and_nothing_recorded(
    facilitator, case, move, error, said
):
    """Before the first phase, to a skipped or unknown one, or nowhere: refused, nothing kept."""
    meeting = factories.make_meeting(facilitator, case)
    agenda.skip(facilitator, meeting, "ground_rules", True)
    start_meeting(facilitator, meeting)
    before = transcript_events(case.id)
    with pytest.raises(error) as refused:
        phases.move(facilitator, meeting, **move)
    if said:
        assert said in str(refused.value)
    assert transcript_events(case.id) == before
    assert meeting_row(meeting.id).phase == "welcome"


def test_no_move_past_the_last_phase_nor_outside_a_live_meeting(facilitator, case):
    """The last phase has no next; a meeting not live (open, ended) does not move."""
    meeting = factories.make_meeting(facilitator, case)
    open_meeting(facilitator, meeting)
    with pytest.raises(Invalid, match="only while the meeting is live"):
        phases.move(facilitator, meeting, step="next")
    start_meeting(facilitator, meeting)
    phases.move(facilitator, meeting, to="plus_delta")
    with pytest.raises(Invalid, match="last phase"):
        phases.move(facilitator, meeting, step="next")
    end_meeting(facilitator, meeting)
    with pytest.raises(Invalid, match="only while the meeting is live"):
        phases.move(facilitator, meeting, step="previous")


def test_another_team_cannot_move_the_phase(facilitator, meeting):
    """Only the case's team moves its meeting."""
    outsider = factories.make_user(team=factories.make_team("Elsewhere"))
    with pytest.raises(NotFound):
        phases.move(outsider, meeting, step="next")
    assert meeting_row(meeting.id).phase == "welcome"


def test_a_phone_cannot_move_the_phase_and_a_get_never_does(live, maria):
    """A family phone's forged POST is refused; looking at the address writes nothing."""
    url = f"/meetings/{live.id}/phase"
    before = transcript_events(live.case.id)
    answer = maria.post(url, {"step": "next"})
    assert answer.status_code in (302, 403, 404)
    assert maria.browser.get(url).status_code in (302, 404, 405)
    assert live.staff.browser.get(url).status_code == 405
    assert transcript_events(live.case.id) == before
    assert meeting_row(live.id).phase == "welcome"


def test_the_console_moves_the_phase_and_every_screen_is_told(live, maria):
    """Staff post "next": the status comes back with the new phase; the phone is pushed "We're
    on: …" with its link, nothing confidential; the wall is told its new focus."""
    wall = live.socket(live.staff, auth={"meeting": live.id, "screen": "wall"})
    phone = live.socket(maria)
    live.drain()
    live.staff.add("strength", {"text": "Ray's record", "confidential": "1"})
    answer = live.staff.post(f"/meetings/{live.id}/phase", {"to": "safety_plan"})
    assert answer.status_code == 200
    assert "Next: Agreeing the plan and next steps" in answer.get_data(as_text=True)
    pushed = json.dumps(phone.received())
    assert "We\\u2019re on:" in pushed or "We're on:" in pushed
    assert 'href=\\"#section-safety_plan\\"' in pushed and "go there" in pushed
    assert "Ray's record" not in pushed and "Ray\\u2019s record" not in pushed
    assert "Next:" not in pushed  # no controls reach a phone
    views = [payload for name, payload in wall.received() if name == "wall:view"]
    assert views[-1]["focus"] == "safety_plan"


def test_a_screen_that_missed_the_move_catches_up(live, maria):
    """A phone away while the phase moved is sent the status with the new phase on return."""
    phone = live.socket(maria)
    live.drain()
    seq = live.seq()
    phone.disconnect()
    assert live.staff.post(f"/meetings/{live.id}/phase", {"step": "next"}).status_code == 200
    phone = live.socket(maria)
    sections = {name: seq for name in ("status", "strengths", "worries", "family_map", "plan")}
    sections |= {name: seq for name in ("safety_plan", "safety_scale", "notes", "participants")}
    ack = phone.emit("board:sync", {"since": seq, "sections": sections}, callback=True)
    assert ack["ok"] is True
    updates = phone.updates()
    assert any("Ground rules" in u.get("sections", {}).get("status", "") for u in updates)


def test_how_long_each_phase_took_comes_from_the_events(facilitator, case):
    """Durations add up a phase returned to; the meeting's end closes the last phase."""
    meeting = factories.make_meeting(facilitator, case)
    with clock_at(START) as clock:
        start_meeting(facilitator, meeting)
        clock.advance(timedelta(minutes=4))
        phases.move(facilitator, meeting, step="next")
        clock.advance(timedelta(minutes=6))
        phases.move(facilitator, meeting, step="previous")
        clock.advance(timedelta(minutes=2))
        phases.move(facilitator, meeting, to="plan")
        clock.advance(timedelta(minutes=30))
        end_meeting(facilitator, meeting)
    events = transcript_events(case.id)
    assert phases.durations(events) == {"welcome": 360.0, "ground_rules": 360.0, "plan": 1800.0}
    rows = {row["key"]: row for row in phases.timeline(meeting, events)}
    assert rows["plan"]["took_minutes"] == 30 and rows["plan"]["minutes"] == 20
    assert rows["strengths"]["seconds"] is None


def _plans():
    """Sequences of moves: next, previous, or a jump to a phase by its place."""
    move = st.one_of(
        st.sampled_from([("step", "next"), ("step", "previous")]),
        st.tuples(st.just("to"), st.integers(min_value=0, max_value=8)),
    )
    return st.lists(st.tuples(move, st.integers(min_value=0, max_value=90)), max_size=12)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=_plans())
def test_a_phase_change_is_replayable_from_the_transcript(facilitator, case, plan):
    """For any sequence of moves (some refused), replaying the transcript gives the live
    meeting's current phase and its start, and the time spent in each phase as it was lived."""
    meeting = factories.make_meeting(facilitator, case, days_ahead=5)
    keys = [entry["key"] for entry in meeting.agenda]
    lived: dict[str, float] = {}
    with clock_at(START) as clock:
        start_meeting(facilitator, meeting)
        here, since = keys[0], START
        for (how, where), minutes in plan:
            clock.advance(timedelta(minutes=minutes))
            target = {how: keys[where] if how == "to" else where}
            try:
                phases.move(facilitator, meeting, **target)
            except Invalid:
                continue
            now = clock.now
            if meeting.phase != here:
                lived[here] = lived.get(here, 0.0) + (now - since).total_seconds()
                here, since = meeting.phase, now
        clock.advance(timedelta(minutes=5))
        lived[here] = lived.get(here, 0.0) + (clock.now - since).total_seconds()
        end = clock.now
    events = [e for e in transcript_events(case.id) if e.meeting_id == meeting.id]
    replayed = phases.spans(events)
    row = db.session.get(Meeting, meeting.id)
    assert replayed[-1].key == row.phase
    assert replayed[-1].started == row.phase_started_at
    assert {k: v for k, v in phases.durations(events, end).items()} == lived
    end_meeting(facilitator, meeting)  # a case has one live meeting at a time


def test_moving_into_the_private_family_time_phase_starts_it(facilitator):
    """The Best Interests agenda's private family time: moving into that phase sends the
    professionals out (private time starts) in the same change, recorded after the move."""
    case = factories.make_case(
        facilitator, jurisdiction="bicpm", permanency_goal="family_preservation"
    )
    meeting = factories.make_meeting(facilitator, case)
    open_meeting(facilitator, meeting)
    start_meeting(facilitator, meeting)
    phases.move(facilitator, meeting, to="family_time")
    row = meeting_row(meeting.id)
    assert row.phase == "family_time" and row.family_time_started_at is not None
    kinds = [event.kind for event in transcript_events(case.id)]
    assert kinds[-3:] == [phases.MOVED, "meeting.wall_steered", "family_time.started"]
    phases.move(facilitator, meeting, step="next")  # the family presents its plan: still private
    assert meeting_row(meeting.id).family_time_started_at is not None
    assert [e.kind for e in transcript_events(case.id)].count("family_time.started") == 1
