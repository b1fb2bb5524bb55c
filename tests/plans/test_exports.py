"""The whole case plan as JSON for other case-management systems: every plan version with its
agreements, endorsements and copies, and the family map with confidential people flagged.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import sqlalchemy as sa

from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import join_as_staff
from fttm.jurisdictions import profile
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.plans.copies import record_copy
from fttm.plans.exports import FORMAT, FORMAT_VERSION, case_plan_json
from fttm.plans.models import PlanVersion
from tests import factories
from tests.helpers import fresh
from tests.plans import test_family_copy

# The ended meeting with its plan, shared with the family copy's tests.
Planned, planned = test_family_copy.Planned, test_family_copy.planned


def export_path(planned: Planned) -> str:
    return f"/cases/{planned.meeting.case_id}/plan.json"


def second_version(planned: Planned, facilitator) -> PlanVersion:
    """The 90-day review ends with version 2, one more strength on the board."""
    from fttm.board.commands import add_item

    review = factories.make_meeting(
        facilitator, planned.meeting.case, days_ahead=90, purpose="review_90_day"
    )
    start_meeting(facilitator, review)
    staff = Viewer(review, join_as_staff(facilitator, review), facilitator)
    add_item(staff, "strength", {"text": "Leo has been at school every day"})
    end_meeting(facilitator, review)
    return db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == review.id))


def test_the_export_downloads_as_a_json_file_with_every_version(client, planned, facilitator):
    record_copy(
        facilitator,
        planned.version,
        person_id=planned.people["maria"],
        method="in_person",
        given_on=profile("miteam").today(),
    )
    second = second_version(planned, facilitator)

    response = client.get(export_path(planned))

    assert response.status_code == 200 and response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".json" in disposition
    data = json.loads(response.get_data(as_text=True))
    assert data["format"] == FORMAT and data["format_version"] == FORMAT_VERSION
    assert data["case"]["case_number"] == planned.meeting.case.case_number
    assert data["case"]["permanency_goal"] == {"key": "remain_home", "label": "Remain at home"}
    assert data["case"]["jurisdiction"]["id"] == "miteam"
    numbers = [v["number"] for v in data["plan_versions"]]
    assert numbers == [1, 2]
    first, latest = data["plan_versions"]
    assert first["meeting"]["id"] == planned.meeting.id
    assert first["snapshot"] == fresh(PlanVersion, planned.version.id).snapshot
    assert latest["snapshot"] == fresh(PlanVersion, second.id).snapshot
    assert [a["name"] for a in first["agreements"]] == ["Maria", "Tom Lopez", "Victor Hidden"]
    assert first["agreements"][1]["recorded_in_person"] is True
    assert [e["decision"] for e in first["endorsements"]] == ["endorsed"]
    assert first["copies"][0]["recipient_name"] == "Maria Lopez"
    assert first["copies"][0]["given_on"] == profile("miteam").today().isoformat()
    assert latest["agreements"] == [] and latest["copies"] == []


def test_confidential_items_and_people_are_flagged_not_dropped(client, planned):
    data = json.loads(client.get(export_path(planned)).get_data(as_text=True))

    people = {p["name"]: p for p in data["family_map"]["people"]}
    assert people["Victor Hidden"]["confidential"] is True
    assert people["Maria Lopez"]["confidential"] is False
    assert people["Leo Lopez"]["is_focus_child"] is True
    kinds = {
        (r["from_person_id"], r["to_person_id"]): r["kind"]
        for r in data["family_map"]["relationships"]
    }
    assert kinds[(planned.people["maria"], planned.people["leo"])] == "biological"
    secret = [a for a in data["plan_versions"][0]["snapshot"]["actions"] if a["confidential"]]
    assert [a["what"] for a in secret] == ["SECRET court referral"]


def test_dates_are_iso_and_keys_keep_their_order(client, planned):
    text = client.get(export_path(planned)).get_data(as_text=True)
    data = json.loads(text)

    assert list(data) == [
        "format",
        "format_version",
        "exported_at",
        "case",
        "plan_versions",
        "family_map",
    ]
    version = data["plan_versions"][0]
    assert list(version)[:3] == ["number", "taken_at", "meeting"]
    datetime.fromisoformat(data["exported_at"])
    datetime.fromisoformat(version["taken_at"])
    date.fromisoformat(version["copies_due_on"])
    date.fromisoformat(version["review_due_on"])
    date.fromisoformat(data["case"]["substantiation_date"])
    # The same case exports the same way twice (but for the moment of export).
    again = case_plan_json(planned.meeting.case)
    again["exported_at"] = data["exported_at"]
    assert json.loads(json.dumps(again)) == data


def test_only_staff_of_the_team_may_export(client, auth, planned, supervisor, admin):
    path = export_path(planned)
    auth.logout()
    auth.login(supervisor)
    assert client.get(path).status_code == 200
    auth.logout()

    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert planned.maria.browser.get(path).status_code != 200
    for user in (admin, factories.make_user(team=factories.make_team("South Team"))):
        auth.login(user)
        assert client.get(path).status_code == 404
        auth.logout()
    auth.login(supervisor)
    assert client.get("/cases/999999/plan.json").status_code == 404
