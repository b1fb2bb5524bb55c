"""Who is looking at a meeting's board: staff with their account, or a family member's phone
(found from the request: the signed-in account, or the phone's participant token)."""

from __future__ import annotations

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
    token = tokens.read(meeting.id)
    if token is None or not tokens.alive(meeting, token):
        return None
    participant = db.session.get(Participant, token.participant_id)
    if participant is None or participant.meeting_id != meeting.id:
        return None
    if not tokens.nonce_matches(participant, token):
        return None
    return participant


def viewer_for(meeting: Meeting) -> Viewer | None:
    """The staff member or admitted participant asking, or None if they may not see the board.

    Looking writes nothing: staff of the team who have not taken part yet see the board as an
    unsaved stand-in participant, and join the meeting with their first change (`joined`).
    """
    if current_user.is_authenticated and current_user.is_staff_of_cases:
        if current_user.team_id != meeting.case.team_id:
            return None
        participant = _existing_staff_participant(current_user, meeting)
        return Viewer(meeting, participant, current_user._get_current_object())
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
    return Viewer(viewer.meeting, participant, viewer.user)


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
