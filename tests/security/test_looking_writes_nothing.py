"""Looking writes nothing: staff who open a running board, a section or its socket are not added
to the meeting and leave no transcript event. They take part by an explicit step, or with their
first change (DESIGN.md invariant 8).

Tried as an attacker would: viewing a live board, or even one section, as staff of the team added
them as a participant and wrote a `participant.joined` event.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fttm.board.models import Strength
from fttm.extensions import db
from fttm.meetings.models import Participant
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import AuthActions, count, footprint, page_csrf
from tests.live_meeting import Screen

SECTIONS = ("status", "participants", "strengths", "worries", "family_map", "plan", "notes")


@pytest.fixture
def colleague(app, team, live) -> Screen:
    """Another facilitator of the team, signed in on their own laptop, who has not taken part."""
    user = factories.make_user(team=team, role="facilitator", name="Cal Colleague")
    browser = app.test_client()
    AuthActions(browser).login(user)
    return Screen(browser, live.id, user.name, csrf="")


def _rows(live) -> tuple:
    """Everything that looking could have written: participants, and the case's events."""
    db.session.expire_all()
    participants = db.session.scalar(
        sa.select(sa.func.count()).where(Participant.meeting_id == live.id)
    )
    return participants, footprint(live.case.id)


def test_opening_the_board_and_every_section_writes_nothing(live, colleague):
    """The page, each fragment, and the socket: no participant, no event."""
    before = _rows(live)

    page = colleague.board()
    for name in SECTIONS:
        assert colleague.section(name).status_code == 200
    socket = live.socket(colleague)

    assert page.status_code == 200
    assert socket.is_connected()
    assert _rows(live) == before
    assert "Cal Colleague" not in live.staff.section("participants").get_data(as_text=True)


def test_staff_who_only_look_see_how_to_take_part(live, colleague):
    """The board offers one explicit step; taking it adds them, with its event."""
    page = colleague.board().get_data(as_text=True)
    # A live meeting's console presents to the room until its user chooses the staff view.
    chosen = colleague.browser.post(
        f"{colleague.base}/presenting",
        data={"presenting": "0"},
        headers={"X-CSRFToken": page_csrf(page)},
    )
    assert chosen.status_code == 302
    page = colleague.board().get_data(as_text=True)
    assert "Take part in this meeting" in page
    colleague.csrf = page_csrf(page)
    before_events = footprint(live.case.id)

    taken = colleague.browser.post(
        f"{colleague.base}/take-part", data={"csrf_token": colleague.csrf}
    )

    assert taken.status_code == 302
    assert "Take part in this meeting" not in colleague.board().get_data(as_text=True)
    assert _joined_events(live, "Cal Colleague") == 1
    assert footprint(live.case.id) != before_events


def test_staff_take_part_with_their_first_change(live, colleague):
    """Their first change adds them to the meeting first, then the change, attributed to them."""
    colleague.csrf = page_csrf(colleague.board().get_data(as_text=True))

    answer = colleague.add("strength", {"text": "Cal saw Leo laugh"})

    assert answer.status_code == 200
    assert count(Strength, text="Cal saw Leo laugh") == 1
    assert _joined_events(live, "Cal Colleague") == 1
    strength = db.session.scalar(sa.select(Strength).where(Strength.text == "Cal saw Leo laugh"))
    joined = db.session.scalar(
        sa.select(Participant).where(
            Participant.meeting_id == live.id, Participant.display_name == "Cal Colleague"
        )
    )
    assert strength.created_by_participant_id == joined.id


def _joined_events(live, name: str) -> int:
    """How many times this person joined the meeting, by the transcript."""
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            TranscriptEvent.meeting_id == live.id,
            TranscriptEvent.kind == "participant.joined",
            TranscriptEvent.actor_name == name,
        )
    )
