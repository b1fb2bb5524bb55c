"""Who a phone is in the family map: said by the phone once it is let in, or by the facilitator
when letting it in; never anyone confidential, never before the phone is in."""

from __future__ import annotations

import html

import pytest

from fttm.errors import NotAllowed, NotFound
from fttm.family_map.models import Person
from fttm.joining.commands import join_as_staff, say_who_i_am
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.meetings.models import Participant, ParticipantStatus
from fttm.timestamps import utcnow
from fttm.transcript.sentences import sentence
from tests import factories
from tests.helpers import fresh, participant_named, select_options, transcript_events
from tests.live_meeting import LiveMeeting


@pytest.fixture
def people(live) -> dict[str, Person]:
    """The family map: two people everyone may see, one kept from the family, one deleted."""
    return {
        "mum": factories.make_person(live.case.id, "Maria Lopez"),
        "leo": factories.make_person(live.case.id, "Leo (age 9)"),
        "hidden": factories.make_person(live.case.id, "Uncle Kept Apart", confidential=True),
        "gone": factories.make_person(live.case.id, "Gran Removed", deleted_at=utcnow()),
    }


def _me(live) -> str:
    """Where a phone of the live meeting reads and says who it is."""
    return f"/join/meetings/{live.id}/me"


def test_an_admitted_phone_says_who_it_is_from_its_board(live, maria, people):
    """Maria's board has a "you in the family map" corner offering the shared people only; she
    picks herself, it is saved with its transcript event, and the corner says so."""
    board = maria.board().get_data(as_text=True)
    assert f'hx-get="{_me(live)}"' in board

    corner = maria.browser.get(_me(live)).get_data(as_text=True)
    assert select_options(corner, "me-person_id") == {
        "": "Not in the map / rather not say",
        str(people["leo"].id): "Leo (age 9)",
        str(people["mum"].id): "Maria Lopez",
    }
    assert "Uncle Kept Apart" not in corner and "Gran Removed" not in corner

    saved = maria.post(_me(live), {"me-person_id": str(people["mum"].id)})

    page = html.unescape(saved.get_data(as_text=True))
    assert saved.status_code == 200
    assert "You are Maria Lopez in the family map." in page and "Saved." in page
    assert fresh(Participant, maria.participant_id).person_id == people["mum"].id
    [event] = transcript_events(live.case.id, kind="participant.identified")
    assert event.actor_participant_id == maria.participant_id
    assert (event.before, event.after) == ({"person_id": None}, {"person_id": people["mum"].id})
    assert sentence(event) == "Maria (Parent) said who they are in the family map"


def test_saying_the_same_again_records_nothing_and_none_unlinks(live, maria, people):
    """A resent choice changes nothing; "not in the map" takes the link away, recorded."""
    maria.post(_me(live), {"me-person_id": str(people["leo"].id)})
    maria.post(_me(live), {"me-person_id": str(people["leo"].id)})
    assert len(transcript_events(live.case.id, kind="participant.identified")) == 1

    assert maria.post(_me(live), {"me-person_id": ""}).status_code == 200

    assert fresh(Participant, maria.participant_id).person_id is None
    assert len(transcript_events(live.case.id, kind="participant.identified")) == 2


@pytest.mark.parametrize("who", ["hidden", "gone", "other case", "unknown", "nonsense", "huge"])
def test_a_phone_cannot_claim_someone_it_may_not_see(live, maria, people, facilitator, who):
    """Confidential, deleted, another case's, nobody's or a non-number: refused by name of the
    field, nothing saved, and the confidential person is not named in the answer."""
    other = factories.make_person(factories.make_case(facilitator).id, "Someone Else")
    sent = {
        "hidden": people["hidden"].id,
        "gone": people["gone"].id,
        "other case": other.id,
        "unknown": 987654,
        "nonsense": "Leo",
        "huge": 2**63,
    }[who]

    refused = maria.post(_me(live), {"me-person_id": str(sent)})

    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400
    assert "Choose someone from the family map, or leave it empty." in page
    assert "Uncle Kept Apart" not in page and "Someone Else" not in page
    assert fresh(Participant, maria.participant_id).person_id is None
    assert transcript_events(live.case.id, kind="participant.identified") == []


def test_only_an_admitted_phone_of_the_meeting_has_a_corner(app, live, maria, facilitator):
    """A waiting or removed phone, a stranger, staff, and a phone of another meeting: 404."""
    waiting = live.phone("Nan", "relative", admit=False)
    removed = live.phone("Tom", "parent")
    assert live.remove(removed).status_code == 200
    other = LiveMeeting(app, app.test_client(), facilitator)
    start_meeting(facilitator, other.meeting)
    elsewhere = other.phone("Zed", "friend", admit=False)

    for browser in (waiting.browser, removed.browser, app.test_client(), live.staff.browser):
        assert browser.get(_me(live)).status_code == 404
        assert browser.post(_me(live), data={"me-person_id": ""}).status_code in (400, 404)
    assert elsewhere.browser.get(_me(live)).status_code == 404
    assert maria.browser.get(f"/join/meetings/{2**63}/me").status_code == 404


def test_after_the_meeting_the_corner_tells_but_no_longer_changes(live, maria, people):
    """Once the meeting has ended the phone reads who it is; a change is refused with a reason."""
    maria.post(_me(live), {"me-person_id": str(people["leo"].id)})
    end_meeting(live.facilitator, live.meeting)

    corner = html.unescape(maria.browser.get(_me(live)).get_data(as_text=True))
    refused = maria.post(_me(live), {"me-person_id": str(people["mum"].id)})

    assert "You are Leo (age 9) in the family map." in corner
    assert "<select" not in corner
    assert refused.status_code == 403
    assert "The meeting has ended" in html.unescape(refused.get_data(as_text=True))
    assert fresh(Participant, maria.participant_id).person_id == people["leo"].id


def test_the_command_refuses_staff_and_phones_not_in(live, maria, people):
    """At the command layer: only an admitted family phone, only while the meeting runs."""
    nan = participant_named(live.id, live.phone("Nan", "relative", admit=False).name)
    staff = join_as_staff(live.facilitator, live.meeting)

    for who in (nan, staff):
        with pytest.raises(NotFound):
            say_who_i_am(who, people["leo"].id)
    end_meeting(live.facilitator, live.meeting)
    with pytest.raises(NotAllowed):
        say_who_i_am(fresh(Participant, maria.participant_id), people["leo"].id)


def test_the_facilitator_says_who_someone_is_when_letting_them_in(live, people):
    """The "Let in" form offers the shared people (never the confidential one); the choice is
    saved with the admission, in its event."""
    nan = live.phone("Nan", "relative", admit=False)
    section = live.staff.section("participants").get_data(as_text=True)
    choices = select_options(section, f"let-in-{nan.participant_id}")
    assert choices == {
        "": "Not in the map / not known",
        str(people["leo"].id): "Leo (age 9)",
        str(people["mum"].id): "Maria Lopez",
    }

    let_in = f"/meetings/{live.id}/participants/{nan.participant_id}/admit"
    hidden = live.staff.post(let_in, {"person_id": str(people["hidden"].id)})
    assert hidden.status_code == 400
    assert fresh(Participant, nan.participant_id).status == ParticipantStatus.WAITING

    assert live.staff.post(let_in, {"person_id": str(people["leo"].id)}).status_code == 200

    nan_now = fresh(Participant, nan.participant_id)
    assert (nan_now.status, nan_now.person_id) == (ParticipantStatus.ADMITTED, people["leo"].id)
    event = transcript_events(live.case.id, kind="participant.admitted")[-1]
    assert event.after == {"status": "admitted", "person_id": people["leo"].id}


def test_letting_in_without_a_choice_links_nobody(live):
    """The select is optional: "Let in" alone admits, as before, with nobody linked."""
    nan = live.phone("Nan", "relative")

    nan_now = fresh(Participant, nan.participant_id)
    assert (nan_now.status, nan_now.person_id) == (ParticipantStatus.ADMITTED, None)
    assert transcript_events(live.case.id, kind="participant.admitted")[-1].after == {
        "status": "admitted"
    }
