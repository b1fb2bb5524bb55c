"""Joining, admitting and removing people, as commands: who may, what is saved, what is recorded."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from fttm.core.recorder import Actor
from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.joining import tokens
from fttm.joining.commands import admit, join_as_staff, join_meeting, remove
from fttm.live.viewer import participant_from_cookie
from fttm.meetings.commands import (
    cancel_meeting,
    end_meeting,
    open_meeting,
    set_option,
    start_meeting,
)
from fttm.meetings.models import Participant, ParticipantStatus
from tests import factories
from tests.helpers import transcript_events


@pytest.fixture
def host(facilitator, meeting) -> Participant:
    """The facilitator, taking part in the meeting with their account."""
    return join_as_staff(facilitator, meeting)


def _participants(meeting) -> int:
    """How many participants the meeting has."""
    return db.session.scalar(
        sa.select(sa.func.count(Participant.id)).where(Participant.meeting_id == meeting.id)
    )


def _cookie_works(app, meeting, token: str) -> Participant | None:
    """The participant a phone presenting `token` in its cookie is taken for, if any."""
    cookie = f"{tokens.cookie_name(meeting.id)}={token}"
    with app.test_request_context(headers={"Cookie": cookie}):
        return participant_from_cookie(meeting)


@pytest.mark.parametrize("state", ["scheduled", "ended", "cancelled"])
def test_only_an_open_or_live_meeting_can_be_joined(facilitator, case, state):
    """A phone arriving too early, too late or for a cancelled meeting is refused; nothing saved."""
    meeting = factories.make_meeting(facilitator, case)
    if state == "ended":
        start_meeting(facilitator, meeting)
        end_meeting(facilitator, meeting)
    elif state == "cancelled":
        cancel_meeting(facilitator, meeting)
    before = len(transcript_events(case.id))

    with pytest.raises(Invalid) as refused:
        join_meeting(meeting, display_name="Maria", role="parent")

    assert "meeting" in refused.value.errors
    assert _participants(meeting) == 0
    assert len(transcript_events(case.id)) == before


def test_an_open_meeting_can_be_joined_before_it_starts(facilitator, case):
    """People arrive while the facilitator is still setting up."""
    meeting = factories.make_meeting(facilitator, case)
    open_meeting(facilitator, meeting)

    participant = join_meeting(meeting, display_name="Maria", role="parent")

    assert participant.meeting_id == meeting.id


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("display_name", {"display_name": ""}),
        ("display_name", {"display_name": "   "}),
        ("display_name", {"display_name": "M" * 61}),
        ("role", {"role": "wizard"}),
        ("role", {"role": ""}),
        ("role", {"role": "staff"}),
        ("role", {"role": "Parent"}),
    ],
)
def test_a_bad_answer_is_refused_by_field_and_nothing_is_saved(case, meeting, field, values):
    """Each wrong answer names its field; no participant and no event are written."""
    answers = {"display_name": "Maria", "role": "parent", **values}
    before = len(transcript_events(case.id))

    with pytest.raises(Invalid) as refused:
        join_meeting(meeting, **answers)

    assert set(refused.value.errors) == {field}
    assert _participants(meeting) == 0
    assert len(transcript_events(case.id)) == before


def test_every_bad_answer_is_named_at_once(meeting):
    """Name and role are both reported in one refusal."""
    with pytest.raises(Invalid) as refused:
        join_meeting(meeting, display_name="", role="wizard")

    assert set(refused.value.errors) == {"display_name", "role"}


@pytest.mark.parametrize("role", ["parent", "young_person", "relative", "friend", "other"])
def test_a_joiner_gives_a_name_and_a_role_and_is_nobody_in_the_map_yet(case, meeting, role):
    """A good answer saves the tidied name and the role; who they are in the family map is
    said only once they are let in."""
    factories.make_person(case.id, "Maria Lopez")

    participant = join_meeting(meeting, display_name="  Maria \t Lopez  ", role=role)

    assert (participant.display_name, participant.role, participant.person_id) == (
        "Maria Lopez",
        role,
        None,
    )
    assert participant.user_id is None and participant.token_nonce


def test_a_sixty_character_name_is_accepted(meeting):
    """The limit is 60 characters, inclusive."""
    participant = join_meeting(meeting, display_name="N" * 60, role="relative")

    assert participant.display_name == "N" * 60


def test_a_joiner_waits_to_be_admitted(meeting):
    """Without "admit everyone", a new phone waits for the facilitator."""
    participant = join_meeting(meeting, display_name="Maria", role="parent")

    assert participant.status == ParticipantStatus.WAITING
    assert participant.admitted_at is None


def test_with_admit_everyone_a_joiner_is_let_in_at_once(facilitator, meeting):
    """With "admit everyone with the code" switched on, the phone is admitted straight away."""
    set_option(facilitator, meeting, "admit_everyone", True)

    participant = join_meeting(meeting, display_name="Maria", role="parent")

    assert participant.status == ParticipantStatus.ADMITTED
    assert participant.admitted_at is not None


def test_joining_is_recorded_in_the_joiner_s_name(case, meeting):
    """The "participant.joined" event says the joiner did it, under the name and role they gave."""
    participant = join_meeting(meeting, display_name="Nan", role="relative")

    event = transcript_events(case.id)[-1]
    assert event.kind == "participant.joined"
    assert (event.actor_name, event.actor_role) == ("Nan", "relative")
    assert (event.actor_participant_id, event.actor_user_id) == (participant.id, None)
    assert (event.meeting_id, event.target_type, event.target_id) == (
        meeting.id,
        "Participant",
        participant.id,
    )
    assert event.section == "participants"
    assert event.after == {
        "display_name": "Nan",
        "role": "relative",
        "person_id": None,
        "status": "waiting",
    }
    assert participant.token_nonce not in json.dumps(event.after)


def test_actor_for_names_a_participant_as_they_are(meeting, host):
    """The author of a change made from a phone is that participant, with their name and role."""
    participant = join_meeting(meeting, display_name="Maria", role="parent")

    actor = Actor.for_participant(participant)

    assert (actor.name, actor.role, actor.participant_id, actor.user_id) == (
        "Maria",
        "parent",
        participant.id,
        None,
    )
    assert Actor.for_participant(host).user_id == host.user_id


def test_the_facilitator_admits_a_waiting_phone(facilitator, case, meeting, host):
    """Admitting lets the person in and records that the facilitator did it."""
    participant = join_meeting(meeting, display_name="Maria", role="parent")

    admit(host, participant)

    assert participant.status == ParticipantStatus.ADMITTED
    assert participant.admitted_at is not None
    event = transcript_events(case.id)[-1]
    assert event.kind == "participant.admitted"
    assert (event.actor_user_id, event.actor_participant_id) == (facilitator.id, host.id)
    assert event.actor_name == "Fran Facilitator"
    assert (event.target_id, event.meeting_id) == (participant.id, meeting.id)
    assert (event.before, event.after) == ({"status": "waiting"}, {"status": "admitted"})


@pytest.mark.parametrize("state", ["admitted", "removed"])
def test_only_someone_waiting_can_be_admitted(case, meeting, host, state):
    """Admitting twice, or letting a removed person back in this way, is refused."""
    participant = join_meeting(meeting, display_name="Maria", role="parent")
    admit(host, participant)
    if state == "removed":
        remove(host, participant)
    before = len(transcript_events(case.id))

    with pytest.raises(Invalid):
        admit(host, participant)

    assert participant.status == ParticipantStatus(state)
    assert len(transcript_events(case.id)) == before


def test_removing_someone_makes_their_old_token_stop_working(app, case, meeting, host):
    """Removal changes the secret in the token: the phone's cookie no longer identifies anyone."""
    participant = join_meeting(meeting, display_name="Maria", role="parent")
    admit(host, participant)
    old_nonce, old_token = participant.token_nonce, tokens.issue(participant)
    assert _cookie_works(app, meeting, old_token) == participant

    remove(host, participant)

    assert participant.status == ParticipantStatus.REMOVED
    assert participant.removed_at is not None
    assert participant.token_nonce != old_nonce
    assert tokens.issue(participant) != old_token
    assert _cookie_works(app, meeting, old_token) is None


def test_the_removal_event_does_not_reveal_the_token_secret(facilitator, case, meeting, host):
    """The transcript is read by many; neither the old nor the new nonce appears in it."""
    participant = join_meeting(meeting, display_name="Maria", role="parent")
    old_nonce = participant.token_nonce

    remove(host, participant)

    event = transcript_events(case.id)[-1]
    assert event.kind == "participant.removed"
    assert (event.before, event.after) == ({"status": "waiting"}, {"status": "removed"})
    assert event.actor_user_id == facilitator.id
    written = json.dumps(
        [e.before for e in transcript_events(case.id)]
        + [e.after for e in transcript_events(case.id)]
    )
    assert old_nonce not in written and participant.token_nonce not in written


def test_someone_removed_cannot_be_removed_again(case, meeting, host):
    """A second removal is refused and not recorded."""
    participant = join_meeting(meeting, display_name="Maria", role="parent")
    remove(host, participant)
    nonce, before = participant.token_nonce, len(transcript_events(case.id))

    with pytest.raises(Invalid):
        remove(host, participant)

    assert participant.token_nonce == nonce
    assert len(transcript_events(case.id)) == before


def test_staff_cannot_be_removed_or_admitted(facilitator, supervisor, case, meeting, host):
    """Staff take part with their account; the participant list does not manage them."""
    colleague = join_as_staff(supervisor, meeting)
    before = len(transcript_events(case.id))

    with pytest.raises(Invalid):
        remove(host, colleague)
    with pytest.raises(Invalid):
        remove(host, host)

    assert colleague.status == ParticipantStatus.ADMITTED
    assert len(transcript_events(case.id)) == before


def test_a_family_member_cannot_admit_or_remove_anyone(facilitator, case, meeting):
    """Only the meeting's staff manage participants: a phone is told there is no such thing."""
    set_option(facilitator, meeting, "admit_everyone", True)
    mum = join_meeting(meeting, display_name="Maria", role="parent")
    set_option(facilitator, meeting, "admit_everyone", False)
    nan = join_meeting(meeting, display_name="Nan", role="relative")
    before = len(transcript_events(case.id))

    with pytest.raises(NotFound):
        admit(mum, nan)
    with pytest.raises(NotFound):
        remove(mum, nan)

    assert nan.status == ParticipantStatus.WAITING
    assert len(transcript_events(case.id)) == before


def test_staff_of_another_meeting_cannot_admit_here(facilitator, case, meeting):
    """Admitting is scoped to one meeting, even for the same facilitator's other meeting."""
    other = factories.make_meeting(facilitator, factories.make_case(facilitator))
    start_meeting(facilitator, other)
    elsewhere = join_as_staff(facilitator, other)
    waiting = join_meeting(meeting, display_name="Maria", role="parent")

    with pytest.raises(NotFound):
        admit(elsewhere, waiting)
    with pytest.raises(NotFound):
        remove(elsewhere, waiting)

    assert waiting.status == ParticipantStatus.WAITING


def test_staff_join_once_per_meeting(facilitator, case, meeting):
    """Joining again (a reload, a second tab) gives the same participant and no new event."""
    first = join_as_staff(facilitator, meeting)
    events = len(transcript_events(case.id))

    second = join_as_staff(facilitator, meeting)

    assert second.id == first.id
    assert (first.role, first.user_id, first.status) == (
        "staff",
        facilitator.id,
        ParticipantStatus.ADMITTED,
    )
    assert first.display_name == "Fran Facilitator"
    assert len(transcript_events(case.id)) == events
    assert transcript_events(case.id)[-1].kind == "participant.joined"
    assert transcript_events(case.id)[-1].actor_user_id == facilitator.id


def test_staff_of_another_team_or_an_admin_cannot_join(admin, case, meeting):
    """Someone outside the case's team is told the meeting does not exist."""
    outsider = factories.make_user(team=factories.make_team("South Team"))
    before = len(transcript_events(case.id))

    for user in (outsider, admin):
        with pytest.raises(NotFound):
            join_as_staff(user, meeting)

    assert _participants(meeting) == 0
    assert len(transcript_events(case.id)) == before
