"""The family's copy of the plan: the plan in plain words, strengths first, as a page and a PDF,
for staff of the case's team and the admitted family members of that very meeting, and never
with a confidential item or person or anyone's safety rating in it.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from markupsafe import escape
from pypdf import PdfReader

from fttm.board.commands import add_item
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map.people import add_person
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.meetings.models import Meeting
from fttm.plans.family_copy import local_day, written_date
from fttm.plans.models import (
    Agreement,
    AgreementResponse,
    Endorsement,
    EndorsementDecision,
    PlanVersion,
)
from tests import factories
from tests.helpers import expect_tagged_pdf, fresh, join_by_code
from tests.live_meeting import Screen

# Words that may only ever reach staff: a confidential item of each section and a hidden person.
SECRETS = (
    "SECRET strength",
    "SECRET police report",
    "SECRET court referral",
    "SECRET safe house",
    "Victor Hidden",
)
ACTION = "Call Turning Point on 9999 9999 to book an intake appointment"
DONE_ACTION = "Enrol Leo in the breakfast club"
STRENGTH = "Maria walks Leo to school every morning"
WORRY = "Leo has missed 12 days of school this term"
EVERY_DAY = "Maria checks in with Nan every evening"
IF_THEN = ("Tom has been drinking", "Maria takes Leo to Nan's house")
RATING_WORDS = ("rating", "Rating", "safety scale", "Safety scale", "/10", "out of 10")


@dataclass
class Planned:
    """An ended meeting with a plan version, and the people in it."""

    meeting: Meeting
    version: PlanVersion
    maria: Screen
    people: dict[str, int]


def plan_in_meeting(live, facilitator) -> dict[str, int]:
    """Draw the family and write its plan on the board of the live meeting, by the facilitator."""
    meeting = fresh(Meeting, live.id)
    staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    maria = add_person(staff, {"name": "Maria Lopez", "sex": "female", "born": "1990"})
    tom = add_person(
        staff,
        {"name": "Tom Lopez", "sex": "male", "born": "1988", "relation": "partner:married"}
        | {"other": str(maria.id)},
    )
    leo = add_person(
        staff,
        {"name": "Leo Lopez", "sex": "male", "born": "2015", "is_focus_child": "1"}
        | {"relation": "child:biological", "other": str(maria.id)},
    )
    from fttm.family_map.lines import add_relationship

    add_relationship(
        staff, {"person": str(tom.id), "relation": "parent:biological", "other": str(leo.id)}
    )
    gran = add_person(
        staff,
        {"name": "Nan Lopez", "sex": "female", "born": "1960", "relation": "parent:biological"}
        | {"other": str(maria.id)},
    )
    victor = add_person(staff, {"name": "Victor Hidden", "sex": "male", "confidential": "1"})
    due = (date.today() + timedelta(days=14)).isoformat()
    add_item(staff, "strength", {"text": STRENGTH, "person_id": str(maria.id)})
    add_item(staff, "strength", {"text": "SECRET strength of Victor", "confidential": "1"})
    add_item(staff, "worry", {"text": WORRY, "person_id": str(leo.id)})
    add_item(staff, "worry", {"text": "SECRET police report", "confidential": "1"})
    goal = add_item(staff, "goal", {"text": "Leo goes to school every day"})
    add_item(
        staff,
        "action",
        {"what": ACTION, "who_person_id": str(maria.id), "due_on": due, "goal_id": str(goal.id)},
    )
    add_item(
        staff, "action", {"what": DONE_ACTION, "who_service": "School nurse", "status": "done"}
    )
    add_item(staff, "action", {"what": "SECRET court referral", "confidential": "1"})
    add_item(staff, "action", {"what": "Pick Leo up on Fridays", "who_person_id": str(victor.id)})
    add_item(staff, "safety_step", {"kind": "proactive", "text": EVERY_DAY, "when": "evenings"})
    add_item(staff, "safety_step", {"kind": "reactive", "trigger": IF_THEN[0], "text": IF_THEN[1]})
    add_item(
        staff,
        "safety_step",
        {"kind": "reactive", "text": "SECRET safe house", "trigger": "x", "confidential": "1"},
    )
    return {"maria": maria.id, "tom": tom.id, "leo": leo.id, "nan": gran.id, "victor": victor.id}


def agree(version: PlanVersion, **fields) -> Agreement:
    """An answer to the plan, written straight to the table (the commands are someone else's)."""
    agreement = Agreement(plan_version_id=version.id, **fields)
    db.session.add(agreement)
    db.session.commit()
    return agreement


@pytest.fixture
def planned(live, maria, facilitator, supervisor) -> Planned:
    """The live meeting's plan, Maria's 3 on the safety scale, the meeting ended, two answers
    and the supervisor's endorsement.
    """
    people = plan_in_meeting(live, facilitator)
    assert maria.rate("3").status_code == 200
    end_meeting(facilitator, fresh(Meeting, live.id))
    version = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == live.id))
    agree(
        version,
        participant_id=maria.participant_id,
        person_id=people["maria"],
        name="Maria",
        role="parent",
        response=AgreementResponse.AGREED,
        comment="I want Leo to be happy at school",
    )
    agree(
        version,
        person_id=people["tom"],
        name="Tom Lopez",
        role="parent",
        response=AgreementResponse.DID_NOT_TAKE_PART,
        comment="In hospital this week",
        recorded_by_user_id=facilitator.id,
    )
    agree(
        version,
        person_id=people["victor"],
        name="Victor Hidden",
        role="relative",
        response=AgreementResponse.AGREED,
    )
    db.session.add(
        Endorsement(
            plan_version_id=version.id,
            supervisor_id=supervisor.id,
            decision=EndorsementDecision.ENDORSED,
        )
    )
    db.session.commit()
    return Planned(fresh(Meeting, live.id), version, maria, people)


def page_of(browser, meeting_id: int) -> str:
    response = browser.get(f"/meetings/{meeting_id}/plan/family")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def pdf_text(response) -> str:
    """The text of every page of a PDF answer."""
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def squashed(text: str) -> str:
    """Text with every run of whitespace made one space (PDF text breaks lines anywhere)."""
    return " ".join(text.split())


def expect_no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret
    for words in RATING_WORDS:
        assert words not in text, words


def test_staff_read_the_plan_in_plain_words_strengths_first(client, planned):
    page = page_of(client, planned.meeting.id)

    headings = [
        "What's going well for your family",
        "What we are worried about",
        "What needs to happen",
        "Keeping everyone safe",
        "Who agreed to this plan",
    ]
    # (a framework's headings are data, so their apostrophes are escaped in the HTML)
    positions = [html.unescape(page).index(heading) for heading in headings]
    assert positions == sorted(positions), "the family's strengths come first"
    assert STRENGTH in page and WORRY in page and ACTION in page and DONE_ACTION in page
    assert "Every day we will…" in page and EVERY_DAY in page
    assert "If something happens, then…" in page
    assert IF_THEN[0] in page and escape(IF_THEN[1]) in page
    due = date.today() + timedelta(days=14)
    assert f'datetime="{due.isoformat()}">{written_date(due)}</time>' in page
    assert "This plan is about Leo Lopez." in page
    assert "Remain at home" in page  # the case's permanency goal, as the profile words it
    assert 'id="genogram"' in page and 'id="ecomap"' in page
    assert "Copies given" in page
    expect_no_secrets(page)


def test_who_agreed_and_the_endorsement_leave_hidden_people_out(client, planned):
    page = page_of(client, planned.meeting.id)

    agreed = page[page.index("Who agreed to this plan") :]
    assert "<strong>Maria</strong> (Parent): Agreed" in agreed
    assert "I want Leo to be happy at school" in agreed
    assert "<strong>Tom Lopez</strong> (Parent): Did not take part" in agreed
    assert "In hospital" not in page  # the facilitator's note on why, not Tom's own words
    assert "Victor" not in page
    assert "The team manager endorsed this plan on" in agreed


def test_a_confidential_person_doing_an_action_is_not_named(client, planned):
    page = page_of(client, planned.meeting.id)

    assert "Pick Leo up on Fridays" in page
    assert "Victor Hidden" not in page


def test_the_family_phone_opens_its_copy_without_the_staff_panel(planned):
    page = page_of(planned.maria.browser, planned.meeting.id)

    assert STRENGTH in page and ACTION in page
    assert "Copies given" not in page and "Record the copy" not in page
    expect_no_secrets(page)


def test_pdf_opens_and_holds_the_plan_without_secrets(client, planned):
    for browser in (client, planned.maria.browser):
        response = browser.get(f"/meetings/{planned.meeting.id}/plan/family.pdf")
        text = squashed(pdf_text(response))

        assert "attachment" in response.headers["Content-Disposition"]
        assert "What's going well for your family" in text
        assert STRENGTH in text and WORRY in text
        assert ACTION in text and DONE_ACTION in text
        assert EVERY_DAY in text and IF_THEN[0] in text
        assert "Maria" in text and "Agreed" in text
        assert "Copies given" not in text
        expect_no_secrets(text)
        expect_tagged_pdf(response.data, "en")  # a screen reader reads it, in their language


def test_a_running_meeting_has_no_family_copy(client, auth, facilitator, case):
    running = factories.make_meeting(facilitator, case)
    start_meeting(facilitator, running)
    auth.login(facilitator)

    for suffix in ("family", "family.pdf"):
        assert client.get(f"/meetings/{running.id}/plan/{suffix}").status_code == 404
        assert client.get(f"/meetings/999999/plan/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["family", "family.pdf"])
def test_only_the_team_and_that_meetings_admitted_family_get_in(
    app, client, auth, planned, live, facilitator, supervisor, admin, suffix
):
    path = f"/meetings/{planned.meeting.id}/plan/{suffix}"
    # Staff of the team: facilitator (signed in by `live`) and supervisor.
    assert client.get(path).status_code == 200
    auth.logout()
    auth.login(supervisor)
    assert client.get(path).status_code == 200
    auth.logout()

    assert client.get(path).status_code == 404  # signed out, no phone cookie
    auth.login(admin)
    assert client.get(path).status_code == 404
    auth.logout()
    other = factories.make_user(team=factories.make_team("South Team"))
    auth.login(other)
    assert client.get(path).status_code == 404
    auth.logout()

    assert planned.maria.browser.get(path).status_code == 200


def test_removed_waiting_and_other_meetings_phones_get_nothing(app, live, facilitator, maria):
    nan = live.phone("Nan", "relative")
    waiting = live.phone("Rosa", "relative", admit=False)
    assert live.remove(nan).status_code == 200
    plan_in_meeting(live, facilitator)
    end_meeting(facilitator, fresh(Meeting, live.id))
    # Maria is also in a meeting of another case; that phone has only the other meeting's cookie.
    other = factories.make_meeting(facilitator, factories.make_case(facilitator))
    start_meeting(facilitator, other)
    other_phone = app.test_client()
    join_by_code(other_phone, other.join_code, "Maria")
    end_meeting(facilitator, fresh(Meeting, other.id))

    for suffix in ("family", "family.pdf"):
        path = f"/meetings/{live.id}/plan/{suffix}"
        assert maria.browser.get(path).status_code == 200
        assert nan.browser.get(path).status_code == 404
        assert waiting.browser.get(path).status_code == 404
        assert other_phone.get(path).status_code == 404


def test_dates_are_written_out_on_the_cases_day():
    detroit = ZoneInfo("America/Detroit")

    # 03:00 in London on 1 December is still 30 November in Detroit.
    assert local_day(datetime(2026, 12, 1, 3, 0, tzinfo=UTC), detroit) == date(2026, 11, 30)
    assert written_date(date(2026, 11, 30)) == "30 November 2026"
