"""Who is looking at a meeting's board: staff with their account, or a family member's phone
(found from the request: the signed-in account, or the phone's participant token)."""

from __future__ import annotations

from dataclasses import replace

from flask import has_request_context, request
from flask_login import current_user

from fttm.auth.models import User
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining import commands as joining
from fttm.joining import tokens
from fttm.meetings.models import Meeting, Participant, ParticipantStatus


def participant_from_cookie(meeting: Meeting) -> Participant | None:
    """The phone's participant in this meeting, whatever its status, if its token is genuine,
    still alive (through the meeting and the profile's days after it) and not revoked."""
    held = tokens.holder(meeting.id)
    if held is None or not tokens.alive(meeting, held[1]):
        return None
    return held[0]


# The header a room screen (the wall, the console while presenting) sends with each of its
# requests (static/js/main.js): staff asking from it get the room's rendering.
ROOM_HEADER = "FTTM-Screen"


def asked_from_room() -> bool:
    """Whether this request comes from a screen the room sees."""
    return has_request_context() and request.headers.get(ROOM_HEADER) == "room"


def removed_from(meeting: Meeting) -> bool:
    """Whether the phone asking holds the token of someone the facilitator removed from this
    meeting (their token opens nothing any more, but they are told why)."""
    token = tokens.read(meeting.id)
    if token is None:
        return False
    participant = db.session.get(Participant, token.participant_id)
    return (
        participant is not None
        and participant.meeting_id == meeting.id
        and participant.status == ParticipantStatus.REMOVED
    )


def viewer_for(meeting: Meeting, *, for_room: bool | None = None) -> Viewer | None:
    """The staff member or admitted participant asking, or None if they may not see the board.

    Staff asking from a screen the room sees (`for_room`, or the request says so) get the room's
    rendering. Looking writes nothing: staff of the team who have not taken part yet see the
    board as an unsaved stand-in participant, and join the meeting with their first change
    (`joined`).
    """
    if current_user.is_authenticated and current_user.is_staff_of_cases:
        if current_user.team_id != meeting.case.team_id:
            return None
        participant = _existing_staff_participant(current_user, meeting)
        room = asked_from_room() if for_room is None else for_room
        return Viewer(meeting, participant, current_user._get_current_object(), for_room=room)
    participant = participant_from_cookie(meeting)
    if participant is None or participant.status != ParticipantStatus.ADMITTED:
        return None
    return Viewer(meeting, participant)


def joined(viewer: Viewer) -> Viewer:
    """The viewer as a participant with a row of their own, for making a change: staff who have
    only looked so far join the running meeting now (their first change), with its event.
    """
    if viewer.participant.id is not None or not viewer.is_staff or viewer.read_only:
        return viewer
    participant = joining.join_as_staff(viewer.user, viewer.meeting)
    return replace(viewer, participant=participant)


def _existing_staff_participant(user: User, meeting: Meeting) -> Participant:
    """Staff's participant in the meeting, or an unsaved stand-in while they only look."""
    for participant in meeting.participants:
        if participant.user_id == user.id:
            return participant
    return Participant(
        meeting_id=meeting.id,
        display_name=user.name,
        role="staff",
        user_id=user.id,
        status=ParticipantStatus.ADMITTED,
        token_nonce="",
    )
