"""Plus / delta: after the meeting each phone says what helped and what to change next time; the
facilitator reads it in the fidelity view, and it stays out of the plan and off other screens.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.extensions import db
from fttm.meetings.models import PlusDelta
from fttm.plans.models import PlanVersion
from fttm.transcript.models import TranscriptEvent
from tests.helpers import count, footprint

HELPED = "Having Nan here helped me speak up"
CHANGE = "Start earlier, the kids were tired"


def _end(live):
    assert live.staff.post(f"/meetings/{live.id}/end").status_code in (200, 204)
    db.session.expire_all()


def _say(phone, plus: str = "", delta: str = "", **kwargs):
    return phone.post(
        f"/meetings/{phone.meeting_id}/board/plus-delta", {"plus": plus, "delta": delta}, **kwargs
    )


def test_each_phone_says_what_helped_and_the_facilitator_reads_it(live, maria, nan):
    assert maria.browser.get(f"/meetings/{live.id}/board/plus-delta").status_code == 200
    assert _say(maria, HELPED).status_code == 403  # not before the meeting has ended
    _end(live)
    assert "/board/plus-delta" in maria.section("status").get_data(as_text=True)
    asked = maria.browser.get(f"/meetings/{live.id}/board/plus-delta").get_data(as_text=True)
    assert "Plus: what helped in this meeting?" in asked

    said = _say(maria, f"  {HELPED} ", CHANGE)
    assert said.status_code == 200
    assert "Thank you. The facilitator will read it." in said.get_data(as_text=True)
    assert _say(nan, delta="More breaks").status_code == 200

    fidelity = live.staff.browser.get(f"/meetings/{live.id}/fidelity").get_data(as_text=True)
    assert HELPED in fidelity and CHANGE in fidelity and "More breaks" in fidelity
    assert fidelity.index("Maria") < fidelity.index(HELPED)
    # Nobody else's phone, and nothing of the plan, carries the words.
    nan_sees = nan.browser.get(f"/meetings/{live.id}/board/plus-delta").get_data(as_text=True)
    nan_sees += nan.board().get_data(as_text=True)
    assert HELPED not in nan_sees and CHANGE not in nan_sees
    version = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == live.id))
    assert HELPED not in str(version.snapshot)
    plan_page = live.staff.browser.get(f"/meetings/{live.id}/plan").get_data(as_text=True)
    assert HELPED not in plan_page
    events = db.session.scalars(
        sa.select(TranscriptEvent).where(TranscriptEvent.kind == "plus_delta.given")
    ).all()
    assert [(e.actor_name, e.meeting_id) for e in events] == [("Maria", live.id), ("Nan", live.id)]
    transcript = live.staff.browser.get(f"/meetings/{live.id}/transcript").get_data(as_text=True)
    assert "Maria (Parent) said what helped and what to change next time" in transcript
    assert HELPED not in transcript


def test_saying_it_again_replaces_it(live, maria):
    _end(live)
    _say(maria, HELPED)
    again = _say(maria, HELPED, CHANGE)
    assert again.status_code == 200
    assert count(PlusDelta) == 1
    row = db.session.scalar(sa.select(PlusDelta))
    assert (row.plus, row.delta) == (HELPED, CHANGE)


def test_refused_answers_save_nothing(live, maria):
    _end(live)
    unchanged = footprint(live.case.id), count(PlusDelta)
    empty = _say(maria, "   ", "")
    assert empty.status_code == 400
    assert "Say what helped, or what should change next time." in empty.get_data(as_text=True)
    too_long = _say(maria, HELPED, "x" * 1001)
    assert too_long.status_code == 400
    page = too_long.get_data(as_text=True)
    assert "at most 1000" in page and HELPED in page  # what was typed is given back
    staff = live.staff.post(f"/meetings/{live.id}/board/plus-delta", {"plus": HELPED})
    assert staff.status_code == 404
    assert (footprint(live.case.id), count(PlusDelta)) == unchanged


def test_a_removed_phone_cannot_say_it(live, maria):
    live.remove(maria)
    _end(live)
    assert _say(maria, HELPED).status_code in (403, 404)
    assert count(PlusDelta) == 0


def test_a_retried_answer_is_saved_once(live, maria):
    _end(live)
    for _ in range(2):
        assert _say(maria, HELPED, key="plus-delta-key-01").status_code == 200
    assert count(PlusDelta) == 1
    events = db.session.scalars(
        sa.select(TranscriptEvent).where(TranscriptEvent.kind == "plus_delta.given")
    ).all()
    assert len(events) == 1
