"""A case moves to another framework between meetings: every item keeps its words, shows under
the nearest section of the new framework (or "From the earlier framework"), the move is in the
transcript, and plan versions and copies still read as they were framed."""

from __future__ import annotations

import pytest

from fttm.board.models import Strength, Worry
from fttm.cases.frameworks import MOVED, framework_at
from fttm.extensions import db
from fttm.frameworks import FRAMEWORKS, parse_framework
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import csrf_token, latest_id
from tests.live_meeting import LiveMeeting

STRENGTH = "Maria never misses school pickup"
WORRY = "The flat is cold in winter"
SECRET = "Father on probation until May"
GONE = "A strength someone took back"


@pytest.fixture
def first_meeting(app, client, auth, facilitator):
    """A Signs of Safety case whose first meeting wrote a strength, a worry, a confidential
    worry and a strength deleted since, and has ended."""
    auth.login(facilitator)
    live = LiveMeeting(app, client, facilitator).start()
    maria = live.phone("Maria", "parent")
    assert maria.add("strength", {"text": STRENGTH}).status_code == 200
    assert maria.add("worry", {"text": WORRY, "need_domain": "housing"}).status_code == 200
    assert live.staff.add("worry", {"text": SECRET, "confidential": "1"}).status_code == 200
    assert live.staff.add("strength", {"text": GONE}).status_code == 200
    assert live.staff.flag("strength", latest_id(Strength), "delete").status_code == 200
    end_meeting(facilitator, live.meeting)
    yield live
    live.close()


def _move(client, case_id: int, framework: str):
    token = csrf_token(client, f"/cases/{case_id}")
    return client.post(
        f"/cases/{case_id}/framework", data={"framework": framework, "csrf_token": token}
    )


def _next_meeting(live, facilitator):
    meeting = factories.make_meeting(facilitator, live.case, days_ahead=1)
    start_meeting(facilitator, meeting)
    return meeting


def test_every_item_is_still_there_under_the_nearest_section(client, facilitator, first_meeting):
    live = first_meeting
    words = {(s.id, s.text, s.section) for s in db.session.scalars(db.select(Strength))}
    words |= {(w.id, w.text, w.section) for w in db.session.scalars(db.select(Worry))}

    moved = _move(client, live.case.id, "olmsted")

    assert moved.status_code == 302
    page = client.get(f"/cases/{live.case.id}").get_data(as_text=True)
    assert "The board now uses Consultation and Information Sharing Framework" in page
    db.session.expire_all()
    after = {(s.id, s.text, s.section) for s in db.session.scalars(db.select(Strength))}
    after |= {(w.id, w.text, w.section) for w in db.session.scalars(db.select(Worry))}
    assert after == words  # nothing rewritten, nothing lost
    meeting = _next_meeting(live, facilitator)
    board = client.get(f"/meetings/{meeting.id}/board/")
    assert board.status_code == 200
    strengths = client.get(f"/meetings/{meeting.id}/board/sections/strengths")
    danger = client.get(f"/meetings/{meeting.id}/board/sections/danger")
    assert STRENGTH in strengths.get_data(as_text=True)
    assert WORRY in danger.get_data(as_text=True) and SECRET in danger.get_data(as_text=True)
    assert GONE in strengths.get_data(as_text=True)  # among the deleted, to restore
    assert client.get(f"/meetings/{meeting.id}/board/sections/worries").status_code == 404


def test_the_move_is_in_the_transcript_and_replays_as_framed(client, facilitator, first_meeting):
    live = first_meeting
    before_move = db.session.scalar(
        db.select(db.func.max(TranscriptEvent.seq)).where(TranscriptEvent.case_id == live.case.id)
    )

    assert _move(client, live.case.id, "olmsted").status_code == 302

    [event] = db.session.scalars(
        db.select(TranscriptEvent).where(
            TranscriptEvent.case_id == live.case.id, TranscriptEvent.kind == MOVED
        )
    ).all()
    assert event.before == {"framework": "signs_of_safety"}
    assert event.after == {"framework": "olmsted"}
    assert framework_at(live.case, before_move).key == "signs_of_safety"
    assert framework_at(live.case, event.seq).key == "olmsted"
    # The first meeting's transcript still reads its board as Signs of Safety framed it.
    transcript = client.get(f"/meetings/{live.id}/transcript").get_data(as_text=True)
    assert "Maria (Parent) added a strength" in transcript
    # Its plan version and family copy too.
    version = client.get(f"/meetings/{live.id}/plan").get_data(as_text=True)
    assert "What&#39;s working well" in version and "Danger statements" not in version
    copy = client.get(f"/meetings/{live.id}/plan/family").get_data(as_text=True)
    assert STRENGTH in copy and WORRY in copy and SECRET not in copy


def test_moving_back_shows_olmsted_entries_under_the_three_columns(
    client, facilitator, first_meeting
):
    live = first_meeting
    assert _move(client, live.case.id, "olmsted").status_code == 302
    meeting = _next_meeting(live, facilitator)
    client.get(f"/meetings/{meeting.id}/board/")  # the facilitator opens the board
    token = csrf_token(client, f"/meetings/{meeting.id}/board/")
    for kind, section, text in (
        ("worry", "harm", "Leo had a bruise in March"),
        ("strength", "safety", "Nan takes Leo when there is shouting"),
    ):
        added = client.post(
            f"/meetings/{meeting.id}/board/items/{kind}",
            data={"text": text, "section": section},
            headers={"X-CSRFToken": token, "HX-Request": "true"},
        )
        assert added.status_code == 200, added.get_data(as_text=True)
    end_meeting(facilitator, meeting)

    assert _move(client, live.case.id, "signs_of_safety").status_code == 302

    third = _next_meeting(live, facilitator)
    worries = client.get(f"/meetings/{third.id}/board/sections/worries").get_data(as_text=True)
    strengths = client.get(f"/meetings/{third.id}/board/sections/strengths").get_data(as_text=True)
    assert "Leo had a bruise in March" in worries and WORRY in worries
    assert "Nan takes Leo when there is shouting" in strengths and STRENGTH in strengths


def test_a_move_is_refused_while_a_meeting_runs_and_for_an_unknown_framework(
    client, facilitator, first_meeting
):
    live = first_meeting
    unknown = _move(client, live.case.id, "strengths_first")
    assert unknown.status_code == 400
    assert "Choose a practice framework from the list." in unknown.get_data(as_text=True)
    _next_meeting(live, facilitator)
    refused = _move(client, live.case.id, "olmsted")
    assert refused.status_code == 400
    assert "A meeting of this case is running" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert live.case.framework is None
    moves = db.session.scalars(db.select(TranscriptEvent).where(TranscriptEvent.kind == MOVED))
    assert moves.all() == []


def test_items_no_section_takes_in_show_under_from_the_earlier_framework(
    client, facilitator, first_meeting, monkeypatch
):
    """A framework with nothing near a section: its items are shown apart, with their words."""
    plain = parse_framework(
        {
            "key": "plain",
            "name": "Plain",
            "name_fr": "Simple",
            "sources": ["A test framework."],
            "sections": [
                {
                    "key": "hopes",
                    "holds": "strength",
                    "title": "Hopes",
                    "title_fr": "Espoirs",
                    "question": "What do you hope for?",
                    "question_fr": "Qu'espérez-vous?",
                    "add_label": "Add a hope",
                    "add_label_fr": "Ajouter un espoir",
                    "empty": "None yet.",
                    "empty_fr": "Aucun.",
                },
                {
                    "key": "concerns",
                    "holds": "worry",
                    "title": "Concerns",
                    "title_fr": "Préoccupations",
                    "question": "What concerns you?",
                    "question_fr": "Qu'est-ce qui vous préoccupe?",
                    "add_label": "Add a concern",
                    "add_label_fr": "Ajouter une préoccupation",
                    "empty": "None yet.",
                    "empty_fr": "Aucune.",
                },
            ],
        },
        "plain.toml",
    )
    monkeypatch.setitem(FRAMEWORKS, "plain", plain)
    live = first_meeting

    assert _move(client, live.case.id, "plain").status_code == 302

    meeting = _next_meeting(live, facilitator)
    page = client.get(f"/meetings/{meeting.id}/board/").get_data(as_text=True)
    earlier = client.get(f"/meetings/{meeting.id}/board/sections/earlier").get_data(as_text=True)
    assert "From the earlier framework" in earlier
    assert STRENGTH in earlier and WORRY in earlier and SECRET in earlier
    assert 'id="section-hopes"' in page and "data-empty" not in earlier.split(">", 1)[0]
