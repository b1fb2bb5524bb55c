"""Copies of the plan given to the family: staff record when and how each parent and the young
person got theirs; a wrong date, method or person is refused with a clear message and nothing
is saved.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from fttm.cases.timeframes import copy_due_on
from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.plans.copies import copies_status, recipients, record_copy
from fttm.plans.models import FamilyCopy
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import count, page_csrf
from tests.plans import test_family_copy

# The ended meeting with its plan, shared with the family copy's tests.
Planned, planned = test_family_copy.Planned, test_family_copy.planned


def today() -> date:
    """Today where the case is: the app checks copy dates against it, and the machine's own
    date differs from it for several hours of each day.
    """
    return profile("miteam").today()


def events_of(case_id: int) -> int:
    return count(TranscriptEvent, case_id=case_id)


def test_parents_and_the_child_are_offered(planned: Planned):
    offered = [(r.person.name, r.kind) for r in recipients(planned.version)]

    assert offered == [("Maria Lopez", "parent"), ("Tom Lopez", "parent"), ("Leo Lopez", "child")]


def test_a_copy_given_to_a_parent_is_recorded_with_its_event(planned: Planned, facilitator):
    version = planned.version
    before = copies_status(version)
    assert [r.person.name for r in before.waiting] == ["Maria Lopez", "Tom Lopez", "Leo Lopez"]

    copy = record_copy(
        facilitator,
        version,
        person_id=planned.people["maria"],
        method="in_person",
        given_on=today(),
    )

    assert copy.recipient_name == "Maria Lopez" and copy.given_on == today()
    event = db.session.scalar(
        sa.select(TranscriptEvent).where(TranscriptEvent.kind == "family_copy.recorded")
    )
    assert event.section == "plan" and event.meeting_id == planned.meeting.id
    assert event.after["recipient_name"] == "Maria Lopez" and event.after["method"] == "in_person"
    assert event.actor_user_id == facilitator.id
    status = copies_status(version)
    assert [r.person.name for r in status.given] == ["Maria Lopez"]
    assert [r.person.name for r in status.waiting] == ["Tom Lopez", "Leo Lopez"]
    case = planned.meeting.case
    assert status.due_on == copy_due_on(case, version, profile(case.jurisdiction))
    assert status.due_on is not None and not status.overdue


def test_someone_else_is_recorded_by_name(planned: Planned, supervisor):
    record_copy(
        supervisor,
        planned.version,
        recipient_name="  Nan   Lopez ",
        method="post",
        given_on=today().isoformat(),
    )

    copy = db.session.scalar(sa.select(FamilyCopy))
    assert copy.recipient_name == "Nan Lopez" and copy.person_id is None
    assert len(copies_status(planned.version).waiting) == 3  # Nan is not a parent of Leo


def refusals(planned: Planned) -> dict[str, tuple[dict, str, str]]:
    """Each bad copy: its fields, the field the message is on, and words of the message."""
    tomorrow, ever_so_early = today() + timedelta(days=1), today() - timedelta(days=30)
    maria = planned.people["maria"]
    return {
        "future": ({"person_id": maria, "given_on": tomorrow}, "given_on", "future"),
        "before the plan": ({"person_id": maria, "given_on": ever_so_early}, "given_on", "before"),
        "no date": ({"person_id": maria, "given_on": "not a date"}, "given_on", "Enter the date"),
        "method": ({"person_id": maria, "method": "pigeon"}, "method", "how the copy"),
        "unknown person": ({"person_id": 999999}, "recipient", "Choose someone"),
        "not a parent": ({"person_id": planned.people["nan"]}, "recipient", "Choose someone"),
        "empty name": ({"recipient_name": "   "}, "recipient", "Write the name"),
        "nobody": ({}, "recipient", "Choose who"),
    }


@pytest.mark.parametrize(
    "case_name",
    [
        "future",
        "before the plan",
        "no date",
        "method",
        "unknown person",
        "not a parent",
        "empty name",
        "nobody",
    ],
)
def test_bad_copies_are_refused_and_nothing_is_saved(planned: Planned, facilitator, case_name):
    fields, field, words = refusals(planned)[case_name]
    sent = {"method": "in_person", "given_on": today(), **fields}
    events = events_of(planned.meeting.case_id)

    with pytest.raises(Invalid) as refused:
        record_copy(facilitator, planned.version, **sent)

    assert words in refused.value.errors[field]
    assert count(FamilyCopy) == 0
    assert events_of(planned.meeting.case_id) == events


def test_a_person_of_another_case_is_refused(planned: Planned, facilitator):
    from fttm.family_map.models import Person

    other_case = factories.make_case(facilitator)
    stranger = Person(case_id=other_case.id, name="Stranger")
    db.session.add(stranger)
    db.session.commit()

    with pytest.raises(Invalid):
        record_copy(
            facilitator, planned.version, person_id=stranger.id, method="post", given_on=today()
        )
    assert count(FamilyCopy) == 0


def test_staff_of_another_team_cannot_record(planned: Planned):
    other = factories.make_user(team=factories.make_team("South Team"))

    with pytest.raises(NotFound):
        record_copy(
            other, planned.version, recipient_name="Someone", method="post", given_on=today()
        )
    assert count(FamilyCopy) == 0


# ---- Over HTTP ----


def copies_path(planned: Planned) -> str:
    return f"/meetings/{planned.meeting.id}/plan/copies"


def staff_csrf(client, planned: Planned) -> str:
    return page_csrf(client.get(f"/meetings/{planned.meeting.id}/plan/family").get_data(True))


def test_htmx_form_answers_with_the_updated_panel(client, planned: Planned):
    token = staff_csrf(client, planned)
    data = {
        "recipient": str(planned.people["tom"]),
        "method": "post",
        "given_on": today().isoformat(),
    }

    response = client.post(
        copies_path(planned), data=data, headers={"X-CSRFToken": token, "HX-Request": "true"}
    )

    panel = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="copies"' in panel
    assert "Copy recorded." in panel
    assert "<strong>Tom Lopez</strong> — By post" in panel
    assert "Still to be given a copy: Maria Lopez and Leo Lopez." in panel
    assert "<html" not in panel  # a fragment, not a page
    assert count(FamilyCopy) == 1


def test_htmx_form_with_mistakes_answers_400_with_messages(client, planned: Planned):
    token = staff_csrf(client, planned)
    events = events_of(planned.meeting.case_id)
    data = {"recipient": "other", "recipient_name": "", "method": "", "given_on": ""}

    response = client.post(
        copies_path(planned), data=data, headers={"X-CSRFToken": token, "HX-Request": "true"}
    )

    panel = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The copy was not recorded" in panel
    assert "Write the name of the person who was given the copy." in panel
    assert "Choose how the copy was given." in panel
    assert "Enter the date the copy was given." in panel
    assert count(FamilyCopy) == 0 and events_of(planned.meeting.case_id) == events


def test_plain_form_post_goes_back_to_the_page(client, planned: Planned):
    token = staff_csrf(client, planned)
    data = {
        "csrf_token": token,
        "recipient": str(planned.people["leo"]),
        "method": "in_person",
        "given_on": today().isoformat(),
    }

    response = client.post(copies_path(planned), data=data, follow_redirects=True)

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Copy recorded." in page
    assert "<strong>Leo Lopez</strong> — In person" in page


def test_without_the_csrf_token_nothing_is_saved(client, planned: Planned):
    data = {"recipient": "other", "recipient_name": "Nan", "method": "post"}
    response = client.post(copies_path(planned), data=data | {"given_on": today().isoformat()})

    assert response.status_code == 400
    assert count(FamilyCopy) == 0


def test_only_staff_of_the_team_may_record(app, client, auth, planned: Planned, admin):
    data = {"recipient": "other", "recipient_name": "Nan", "method": "post"}
    data["given_on"] = today().isoformat()
    # Maria's phone (no account): sent to sign in, nothing saved.
    phone = planned.maria
    response = phone.post(copies_path(planned), data)
    assert response.status_code in (302, 401, 404)
    auth.logout()
    for user in (admin, factories.make_user(team=factories.make_team("South Team"))):
        auth.login(user)
        token = page_csrf(client.get("/", follow_redirects=True).get_data(True))
        headers = {"X-CSRFToken": token, "HX-Request": "true"}
        response = client.post(copies_path(planned), data=data, headers=headers)
        assert response.status_code == 404
        auth.logout()
    assert count(FamilyCopy) == 0


def test_the_family_page_shows_the_panel_to_staff_only(client, planned: Planned):
    staff_page = client.get(f"/meetings/{planned.meeting.id}/plan/family").get_data(True)
    family_page = planned.maria.browser.get(f"/meetings/{planned.meeting.id}/plan/family")

    assert "Copies given" in staff_page and "Record the copy" in staff_page
    assert "should have a copy by" in staff_page
    assert "Copies given" not in family_page.get_data(as_text=True)
