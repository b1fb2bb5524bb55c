"""Agreeing to a plan version: on the phone once the meeting ends, in person through the
facilitator, and why a parent did not take part. Every answer is kept, timestamped and attributed.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.extensions import db
from fttm.plans.agreement import answerers, current_agreements, unexplained_parents
from fttm.plans.models import Agreement, PlanVersion
from fttm.reviews.endorsement import decide
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import AuthActions, count, footprint, page_csrf


def _end(live):
    """The facilitator ends the meeting from the projector; the plan version is taken."""
    assert live.staff.post(f"/meetings/{live.id}/end").status_code in (200, 204)
    db.session.expire_all()
    return db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == live.id))


def _answer(phone, response: str, comment: str = ""):
    return phone.post(
        f"/meetings/{phone.meeting_id}/board/agreement", {"response": response, "comment": comment}
    )


def test_each_phone_is_asked_and_answers_are_attributed(live, maria, nan):
    before_end = maria.browser.get(f"/meetings/{live.id}/board/agreement")
    assert before_end.status_code == 404  # no plan version until the meeting ends
    socket = live.socket(live.staff)
    version = _end(live)
    socket.received()

    asked = maria.browser.get(f"/meetings/{live.id}/board/agreement").get_data(as_text=True)
    assert "Do you agree with the plan (version 1)?" in asked
    assert maria.board().get_data(as_text=True).count("/board/agreement") >= 1

    agreed = _answer(maria, "agreed", "  Thank you   all ")
    assert agreed.status_code == 200
    assert "Your answer: Agreed" in agreed.get_data(as_text=True)
    disagreed = _answer(nan, "disagreed", "Leo should stay with me at weekends")
    assert "Your answer: Did not agree" in disagreed.get_data(as_text=True)

    answers = {a.name: a for a in current_agreements(version)}
    assert answers["Maria"].response == "agreed" and answers["Maria"].comment == "Thank you all"
    assert answers["Maria"].participant_id == maria.participant_id
    assert answers["Maria"].recorded_by_user_id is None
    assert answers["Nan"].response == "disagreed" and answers["Nan"].role == "relative"
    events = db.session.scalars(
        sa.select(TranscriptEvent).where(TranscriptEvent.kind == "agreement.given")
    ).all()
    assert [(e.actor_name, e.after["response"], e.meeting_id) for e in events] == [
        ("Maria", "agreed", live.id),
        ("Nan", "disagreed", live.id),
    ]
    # The projector hears of each answer at once, and shows who said what.
    pushed = [u["sections"]["status"] for u in socket.updates() if "status" in u["sections"]]
    assert pushed and "Leo should stay with me at weekends" in pushed[-1]
    staff_status = live.staff.section("status").get_data(as_text=True)
    assert "Agreed" in staff_status and "Did not agree" in staff_status
    # A phone never sees the others' answers: only its own.
    nan_view = nan.browser.get(f"/meetings/{live.id}/board/agreement").get_data(as_text=True)
    assert "Thank you all" not in nan_view
    assert "Thank you all" not in nan.section("status").get_data(as_text=True)


def test_changing_your_mind_keeps_the_history(live, maria):
    version = _end(live)
    _answer(maria, "disagreed", "Not sure about the curfew")
    _answer(maria, "agreed", "We talked it through")

    assert [a.response for a in current_agreements(version)] == ["agreed"]
    assert count(Agreement, plan_version_id=version.id) == 2


def test_refused_answers_save_nothing(live, maria, nan):
    early = _answer(maria, "agreed")
    assert early.status_code == 404  # the meeting is still running: there is no plan to agree to
    version = _end(live)
    case_id = live.case.id
    unchanged = footprint(case_id), count(Agreement)

    wrong = _answer(maria, "maybe")
    assert wrong.status_code == 400
    assert "Choose whether you agree with the plan." in wrong.get_data(as_text=True)
    too_long = _answer(maria, "agreed", "x" * 1001)
    assert too_long.status_code == 400 and "at most 1000" in too_long.get_data(as_text=True)
    assert (footprint(case_id), count(Agreement)) == unchanged

    staff = live.staff.post(f"/meetings/{live.id}/board/agreement", {"response": "agreed"})
    assert staff.status_code == 404
    assert (footprint(case_id), count(Agreement)) == unchanged
    assert version.agreements == []


def test_a_removed_phone_cannot_answer(live, maria):
    live.remove(maria)
    _end(live)

    assert _answer(maria, "agreed").status_code == 404
    assert count(Agreement) == 0


def test_a_retried_answer_is_saved_once(live, maria):
    _end(live)

    for _ in range(2):
        response = maria.post(
            f"/meetings/{live.id}/board/agreement", {"response": "agreed"}, key="agree-key-0001"
        )
        assert response.status_code == 200
    assert count(Agreement) == 1


def test_facilitator_records_in_person_answers_and_a_parents_absence(live):
    family = factories.make_reyes_family(live.case.id)
    mum, tom = family["maria"], family["tom"]
    maria = live.phone("Maria", "parent", admit=False)
    let_in = f"/meetings/{live.id}/participants/{maria.participant_id}/admit"
    assert live.staff.post(let_in, {"person_id": str(mum.id)}).status_code == 200
    version = _end(live)
    rows = {row.name: row for row in answerers(version)}
    assert "Maria Reyes" not in rows  # she is on the map and in the meeting: asked once
    assert rows["Tom Reyes"].is_parent and not rows["Tom Reyes"].explained
    # Maria was in the meeting: still to answer, not absent (tests/plans/test_pending_answers.py).
    assert [row.name for row in unexplained_parents(version)] == ["Tom Reyes"]
    _answer(maria, "agreed")
    assert [row.name for row in unexplained_parents(version)] == ["Tom Reyes"]
    path = f"/meetings/{live.id}/plan/agreements"
    unchanged = footprint(live.case.id), count(Agreement)

    no_reason = live.staff.post(
        path, {"who": f"person:{tom.id}", "response": "did_not_take_part", "comment": " "}
    )
    assert no_reason.status_code == 400
    assert "Say why they did not take part" in no_reason.get_data(as_text=True)
    nobody = live.staff.post(path, {"who": "person:999999", "response": "agreed"})
    assert nobody.status_code == 400 and "Choose whose answer" in nobody.get_data(as_text=True)
    nameless = live.staff.post(path, {"who": "other", "role": "relative", "response": "agreed"})
    assert "Enter the person&#39;s name." in nameless.get_data(as_text=True)
    assert (footprint(live.case.id), count(Agreement)) == unchanged

    reason = "In prison; the caseworker will visit him with the plan on Friday"
    recorded = live.staff.post(
        path, {"who": f"person:{tom.id}", "response": "did_not_take_part", "comment": reason}
    )
    assert recorded.status_code == 200
    grandpa = live.staff.post(
        path, {"who": "other", "name": "Grandpa Joe", "role": "relative", "response": "agreed"}
    )
    assert grandpa.status_code == 200
    page = grandpa.get_data(as_text=True)
    assert "Grandpa Joe" in page and reason in page and "given in person" in page

    answers = {a.name: a for a in current_agreements(version)}
    assert answers["Tom Reyes"].person_id == tom.id
    assert answers["Tom Reyes"].recorded_by_user_id == live.facilitator.id
    assert answers["Grandpa Joe"].role == "relative"
    assert unexplained_parents(version) == []
    kinds = db.session.scalars(
        sa.select(TranscriptEvent.actor_name).where(TranscriptEvent.kind == "agreement.recorded")
    ).all()
    assert kinds == [live.facilitator.name, live.facilitator.name]


def test_other_teams_cannot_record_answers(app, live):
    _end(live)
    stranger = factories.make_user(team=factories.make_team("South Team"))
    browser = app.test_client()
    AuthActions(browser).login(stranger)
    token = page_csrf(browser.get("/cases/").get_data(as_text=True))

    response = browser.post(
        f"/meetings/{live.id}/plan/agreements",
        data={"who": "other", "name": "X", "role": "relative", "response": "agreed"},
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 404
    assert count(Agreement) == 0


def test_an_endorsed_plans_answers_are_final(live, maria, supervisor):
    version = _end(live)
    _answer(maria, "agreed")
    decide(supervisor, version, "endorsed")

    late = _answer(maria, "disagreed", "Changed my mind")
    assert late.status_code == 403
    assert "This plan is endorsed" in late.get_data(as_text=True)
    in_person = live.staff.post(
        f"/meetings/{live.id}/plan/agreements",
        {"who": "other", "name": "Grandpa Joe", "role": "relative", "response": "agreed"},
    )
    assert in_person.status_code == 400
    assert [a.response for a in current_agreements(version)] == ["agreed"]
    assert "The supervisor has endorsed this plan." in maria.browser.get(
        f"/meetings/{live.id}/board/agreement"
    ).get_data(as_text=True)
