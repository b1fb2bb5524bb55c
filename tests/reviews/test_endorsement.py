"""The supervisor's review: a queue of plans waiting for endorsement, oldest first with their due
dates; endorse, or return with comments to the facilitator; every decision recorded.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from fttm.board.commands import add_item
from fttm.cases.timeframes import endorsement_due_on
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import join_as_staff
from fttm.jurisdictions import profile
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.plans.models import Endorsement, PlanVersion
from fttm.reviews.endorsement import review_queue
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import count, csrf_token


def _ended(facilitator, case, *, purpose="initial_plan", action="Call the school weekly"):
    """A meeting of the case that ended with an action on the plan; its plan version."""
    meeting = factories.make_meeting(facilitator, case, purpose=purpose)
    start_meeting(facilitator, meeting)
    staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    add_item(staff, "action", {"what": action, "who_service": "Ana", "due_on": "2026-12-30"})
    end_meeting(facilitator, meeting)
    return db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == meeting.id))


def _decide(client, version, decision: str, comment: str = ""):
    page = f"/meetings/{version.meeting_id}/plan"
    token = csrf_token(client, page)
    return client.post(
        f"{page}/decision",
        data={"csrf_token": token, "decision": decision, "comment": comment},
    )


def test_the_queue_lists_unendorsed_plans_oldest_first_with_due_dates(
    client, auth, facilitator, supervisor
):
    older = _ended(facilitator, factories.make_case(facilitator, family_name="Abara"))
    newer = _ended(facilitator, factories.make_case(facilitator, family_name="Bello"))
    other = factories.make_user(team=factories.make_team("South Team"))
    _ended(other, factories.make_case(other, family_name="Stranger"))

    auth.login(supervisor)
    page = client.get("/reviews").get_data(as_text=True)

    assert page.index("Abara") < page.index("Bello")
    assert "Stranger" not in page
    entries = review_queue(supervisor.team_id)
    assert [e.version.id for e in entries] == [older.id, newer.id]
    rules = profile("miteam")
    assert entries[0].due_on == endorsement_due_on(entries[0].case, older, rules)
    assert entries[0].due_on is not None and entries[0].due_on >= date.today()


def test_a_supervisor_returns_then_endorses_the_next_version(
    client, auth, facilitator, supervisor, case
):
    first = _ended(facilitator, case)
    auth.login(supervisor)

    no_comment = _decide(client, first, "returned", "   ")
    assert no_comment.status_code == 400
    assert "Say what the facilitator should change." in no_comment.get_data(as_text=True)
    assert count(Endorsement) == 0

    returned = _decide(client, first, "returned", "Give the school action a date and a who.")
    assert returned.status_code == 302
    queue = client.get("/reviews").get_data(as_text=True)
    assert "Returned to the facilitator" in queue
    assert "Give the school action a date and a who." in queue

    auth.logout()
    auth.login(facilitator)
    page = client.get(f"/meetings/{first.meeting_id}/plan").get_data(as_text=True)
    assert "Returned to the facilitator" in page
    assert "Give the school action a date and a who." in page
    assert "Record my decision" not in page  # only supervisors decide

    second = _ended(facilitator, case, purpose="other", action="Call the school every Monday")
    auth.logout()
    auth.login(supervisor)
    stale = _decide(client, first, "endorsed")
    assert stale.status_code == 403
    assert "This plan was replaced by version 2." in stale.get_data(as_text=True)

    endorsed = _decide(client, second, "endorsed", "Clear and specific.")
    assert endorsed.status_code == 302
    assert [e.version.id for e in review_queue(supervisor.team_id)] == []
    again = _decide(client, second, "endorsed")
    assert again.status_code == 403 and "already endorsed" in again.get_data(as_text=True)
    page = client.get(f"/meetings/{second.meeting_id}/plan").get_data(as_text=True)
    assert "Endorsed" in page and supervisor.name in page and "Clear and specific." in page

    events = db.session.scalars(
        sa.select(TranscriptEvent)
        .where(TranscriptEvent.kind.like("plan_version.%"), TranscriptEvent.section == "review")
        .order_by(TranscriptEvent.seq)
    ).all()
    assert [(e.kind, e.actor_name) for e in events] == [
        ("plan_version.returned", supervisor.name),
        ("plan_version.endorsed", supervisor.name),
    ]


def test_a_facilitator_cannot_endorse(client, auth, facilitator, case):
    version = _ended(facilitator, case)
    auth.login(facilitator)

    response = _decide(client, version, "endorsed")

    assert response.status_code == 403
    assert "Only a supervisor" in response.get_data(as_text=True)
    assert count(Endorsement) == 0


def test_no_endorsement_while_a_parents_absence_is_unexplained(
    client, auth, facilitator, supervisor, case
):
    leo = factories.make_person(case.id, "Leo", is_focus_child=True)
    dad = factories.make_person(case.id, "Tom Reyes")
    factories.make_relationship(case.id, "biological", dad, leo)
    version = _ended(facilitator, case)
    auth.login(supervisor)

    refused = _decide(client, version, "endorsed")

    assert refused.status_code == 400
    assert "Tom Reyes did not take part" in refused.get_data(as_text=True)
    assert count(Endorsement) == 0
    queue = client.get("/reviews").get_data(as_text=True)
    assert "reason for not taking part is not recorded" in queue


def test_other_teams_and_admins_cannot_reach_reviews(client, auth, facilitator, admin, case):
    version = _ended(facilitator, case)
    outsider = factories.make_user(team=factories.make_team("South Team"), role="supervisor")

    assert client.get("/reviews").status_code == 302  # signed out: to sign in
    auth.login(admin)
    assert client.get("/reviews").status_code == 404
    auth.logout()
    auth.login(outsider)
    assert client.get(f"/meetings/{version.meeting_id}/plan").status_code == 404
    token = csrf_token(client, "/reviews")
    response = client.post(
        f"/meetings/{version.meeting_id}/plan/decision",
        data={"csrf_token": token, "decision": "endorsed"},
    )
    assert response.status_code == 404
    assert count(Endorsement) == 0
