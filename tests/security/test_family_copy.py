"""A family copy of a plan version leaves out everyone who is confidential now, as well as those
who were confidential when the version was taken, and every item made confidential since: no name
in the page or the PDF, no symbol in the genogram or the ecomap, no line to them. An action or
safety step they were to do stays in the plan, with no one named.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape
from pypdf import PdfReader

from fttm.board.commands import add_item, set_confidential
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map.lines import add_connection, add_relationship
from fttm.family_map.people import add_person, set_person_confidential
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.meetings.models import Meeting, Participant
from fttm.plans.models import Agreement, AgreementResponse, PlanVersion
from tests import factories
from tests.helpers import fresh
from tests.live_meeting import Screen

# Rosalind was shared when the plan was made and made confidential after; Victor the other way
# round. "Auntie Roz" is what Rosalind called herself on her phone.
LATER_HIDDEN = ("Rosalind", "Quixote", "Auntie Roz")
HIDDEN_THEN = ("Victor", "Hidebrand")
ITEM_HIDDEN_SINCE = ("Dad's new flat has room for Leo", "Quixote church")
STAYS = (
    "Maria Lopez",
    "Leo Lopez",
    "Maria walks Leo to school every morning",
    "Has Leo after school on Tuesdays",
    "Pick Leo up on Fridays",
    "Drive Leo to football",
    "Phone Nan if the shouting starts",
    "Sign the school form",
)
# The staff-only panel of copies given (never printed, never in the PDF) names each parent to
# give a copy to, confidential or not: staff may know them.
COPIES_PANEL = re.compile(r'<section id="copies".*?</article>', re.S)


@dataclass
class Later:
    """A meeting ended with its plan version; since then a review meeting has changed who and
    what is confidential.
    """

    meeting: Meeting
    version: PlanVersion
    maria: Screen


def _staff(facilitator, meeting_id: int) -> Viewer:
    meeting = fresh(Meeting, meeting_id)
    return Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)


def _plan(live, maria: Screen, facilitator) -> dict[str, int]:
    """The family, a relative who helps, and a plan in which she does things."""
    staff = _staff(facilitator, live.id)
    mum = add_person(staff, {"name": "Maria Lopez", "sex": "female", "born": "1990"})
    leo = add_person(
        staff,
        {"name": "Leo Lopez", "sex": "male", "born": "2015", "is_focus_child": "1"}
        | {"relation": "child:biological", "other": str(mum.id)},
    )
    roz = add_person(
        staff,
        {"name": "Rosalind Quixote", "sex": "female", "born": "1970"}
        | {"relation": "feeling:close", "other": str(mum.id)},
    )
    add_relationship(
        staff, {"person": str(roz.id), "relation": "feeling:close", "other": str(leo.id)}
    )
    victor = add_person(
        staff, {"name": "Victor Hidebrand", "sex": "male", "born": "1985", "confidential": "1"}
    )
    add_relationship(
        staff, {"person": str(victor.id), "relation": "parent:biological", "other": str(leo.id)}
    )
    add_connection(
        staff,
        {"person_id": str(roz.id), "category": "faith", "system_name": "Quixote church"}
        | {"strength": "strong"},
    )
    # Rosalind is in the room on her own phone, linked to herself on the map.
    auntie = live.phone("Auntie Roz", "relative")
    db.session.get(Participant, auntie.participant_id).person_id = roz.id
    db.session.commit()
    due = (date.today() + timedelta(days=14)).isoformat()
    add_item(staff, "strength", {"text": STAYS[2], "person_id": str(mum.id)})
    add_item(staff, "strength", {"text": STAYS[3], "person_id": str(roz.id)})
    flat = add_item(staff, "strength", {"text": ITEM_HIDDEN_SINCE[0]})
    add_item(staff, "action", {"what": STAYS[4], "who_person_id": str(roz.id), "due_on": due})
    add_item(staff, "action", {"what": STAYS[5], "who_participant_id": str(auntie.participant_id)})
    add_item(staff, "action", {"what": "Sign the school form", "who_person_id": str(victor.id)})
    add_item(staff, "safety_step", {"kind": "reactive", "trigger": "x", "text": STAYS[6]})
    add_item(
        staff,
        "safety_step",
        {"kind": "proactive", "text": "Check in every evening", "who_person_id": str(roz.id)},
    )
    return {"roz": roz.id, "victor": victor.id, "flat": flat.id, "auntie": auntie.participant_id}


@pytest.fixture
def later(live, maria, facilitator) -> Later:
    """The plan agreed to with Rosalind shared; then, at the review, Rosalind and the strength
    about the flat made confidential, and Victor shared.
    """
    ids = _plan(live, maria, facilitator)
    end_meeting(facilitator, fresh(Meeting, live.id))
    version = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == live.id))
    for name, fields in (
        ("Auntie Roz", {"participant_id": ids["auntie"], "person_id": ids["roz"]}),
        ("Maria", {"participant_id": maria.participant_id}),
    ):
        db.session.add(
            Agreement(
                plan_version_id=version.id,
                name=name,
                role="relative",
                response=AgreementResponse.AGREED,
                **fields,
            )
        )
    db.session.commit()
    review = factories.make_meeting(facilitator, live.case, purpose="review_90_day")
    start_meeting(facilitator, review)
    staff = _staff(facilitator, review.id)
    set_person_confidential(staff, ids["roz"], True)
    set_person_confidential(staff, ids["victor"], False)
    set_confidential(staff, "strength", ids["flat"], True)
    return Later(fresh(Meeting, live.id), version, maria)


def _pdf_text(response) -> str:
    """Every page's text, each run of whitespace one space (PDF text breaks lines anywhere)."""
    assert response.status_code == 200, response.status_code
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _words() -> tuple[str, ...]:
    """Every name and word that must not reach the family's copy."""
    return (*LATER_HIDDEN, *HIDDEN_THEN, *ITEM_HIDDEN_SINCE)


@pytest.mark.parametrize("reader", ["phone", "staff"])
def test_the_family_copy_page_names_no_one_confidential_now_or_then(later, live, reader):
    browser = later.maria.browser if reader == "phone" else live.staff.browser
    response = browser.get(f"/meetings/{later.meeting.id}/plan/family")
    assert response.status_code == 200
    body = response.data
    if reader == "staff":
        assert COPIES_PANEL.search(response.get_data(as_text=True))
        body = COPIES_PANEL.sub("", response.get_data(as_text=True)).encode()

    # Every byte, as written and as HTML escapes it ("Dad's" is "Dad&#39;s" in the page).
    assert not [word for word in _words() if word.encode() in body]
    assert not [word for word in _words() if str(escape(word)).encode() in body]
    # What they were to do is still in the plan the family agreed to, with no one named.
    page = body.decode()
    for words in STAYS:
        assert words in page, words
    assert page.count("<svg") == 2


@pytest.mark.parametrize("reader", ["phone", "staff"])
def test_the_family_copy_pdf_names_no_one_confidential_now_or_then(later, live, reader):
    browser = later.maria.browser if reader == "phone" else live.staff.browser
    text = _pdf_text(browser.get(f"/meetings/{later.meeting.id}/plan/family.pdf"))

    assert not [word for word in _words() if word in text]
    for words in STAYS:
        assert words in text, words
