"""Right after the meeting ends, a parent who was in it is still to answer (on their phone, or in
person), not someone who "did not take part": only a parent who was never let in needs a reason,
and only that reason holds up the supervisor's endorsement.
"""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from fttm.errors import Invalid
from fttm.extensions import db
from fttm.plans.agreement import pending_parents, unexplained_parents
from fttm.plans.models import Endorsement, PlanVersion
from fttm.reviews.endorsement import decide, review_queue
from tests import factories
from tests.helpers import count

TOM_AWAY = "Working away in Alberta until June"


def _end(live) -> PlanVersion:
    """The facilitator ends the meeting; the plan version it ended with."""
    assert live.staff.post(f"/meetings/{live.id}/end").status_code in (200, 204)
    db.session.expire_all()
    return db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == live.id))


def _maria_in_the_meeting(live):
    """The Reyes family on the map; Maria joins and is let in as Maria Reyes. Her phone and Tom."""
    family = factories.make_reyes_family(live.case.id)
    maria = live.phone("Maria", "parent", admit=False)
    let_in = f"/meetings/{live.id}/participants/{maria.participant_id}/admit"
    assert live.staff.post(let_in, {"person_id": str(family["maria"].id)}).status_code == 200
    return maria, family["tom"]


def _panel(live) -> str:
    """The console's agreement panel, as its words read."""
    return html.unescape(live.staff.section("status").get_data(as_text=True))


def test_a_parent_in_the_meeting_is_still_to_answer_not_absent(live):
    """The panel asks why Tom did not take part, and waits for Maria's own answer."""
    maria, _tom = _maria_in_the_meeting(live)
    version = _end(live)

    assert [row.name for row in unexplained_parents(version)] == ["Tom Reyes"]
    assert [row.name for row in pending_parents(version)] == ["Maria"]
    panel = _panel(live)
    assert "Still to record: why Tom Reyes did not take part." in panel
    assert "Maria did not take part" not in panel and "why Maria" not in panel
    assert "Waiting for Maria to answer, on their phone or in person." in panel

    maria.post(f"/meetings/{live.id}/board/agreement", {"response": "agreed"})
    assert pending_parents(version) == []
    assert "Waiting for" not in _panel(live)


def test_a_parent_who_joined_without_a_place_on_the_map_is_still_to_answer(live):
    """A parent by role, not linked to the map, is waiting too; the map's parents need reasons."""
    factories.make_reyes_family(live.case.id)
    live.phone("Maria", "parent")
    version = _end(live)

    assert [row.name for row in pending_parents(version)] == ["Maria"]
    assert [row.name for row in unexplained_parents(version)] == ["Maria Reyes", "Tom Reyes"]


def test_a_parent_removed_from_the_meeting_needs_a_reason(live):
    """Removed by the facilitator, Maria is no longer in it: the plan must say why."""
    maria, _tom = _maria_in_the_meeting(live)
    live.remove(maria)
    version = _end(live)

    assert pending_parents(version) == []
    assert [row.name for row in unexplained_parents(version)] == ["Maria Reyes", "Tom Reyes"]


def test_the_supervisor_waits_only_for_the_absent_parents_reason(live, supervisor):
    """Endorsing is refused for Tom's missing reason alone; once it is recorded, it goes
    through while Maria's answer is still to come."""
    _maria, tom = _maria_in_the_meeting(live)
    version = _end(live)
    queue = {entry.version.id: entry for entry in review_queue(live.case.team_id)}
    assert queue[version.id].unexplained == 1

    with pytest.raises(Invalid) as refused:
        decide(supervisor, version, "endorsed")
    words = " ".join(refused.value.errors.values())
    assert "Tom Reyes did not take part" in words and "Maria" not in words
    assert count(Endorsement) == 0

    path = f"/meetings/{live.id}/plan/agreements"
    reason = {"who": f"person:{tom.id}", "response": "did_not_take_part", "comment": TOM_AWAY}
    assert live.staff.post(path, reason).status_code == 200
    decide(supervisor, version, "endorsed")
    assert count(Endorsement) == 1
