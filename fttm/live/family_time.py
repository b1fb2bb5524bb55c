"""Private family time on the live screens: the family's drafts pushed to the room only.

A change to the drafts is pushed, as the family's panel, to the wall's room and to each family
participant's own room: never to an audience room (a presenting console is in the family
audience's room) nor to any console. Staff learn only the count, from the status bar that the
ordinary pushes send (draft events belong to the "status" section and carry no words).
"""

from __future__ import annotations

from flask import has_request_context, make_response, redirect, url_for
from markupsafe import Markup

from fttm.core.viewers import Viewer
from fttm.extensions import db, socketio
from fttm.family_time.rendering import PANEL_ID, panel, panel_html
from fttm.languages import DEFAULT, normalize, speaking
from fttm.live import screens
from fttm.live.http import plain_post, respond
from fttm.live.rooms import participant_room, wall_room
from fttm.live.sections import participants_of
from fttm.meetings.models import Meeting, ParticipantStatus
from fttm.meetings.wall import wall_key

EVENT = "family_time:drafts"
# Meeting events that change the panel: private time starts or ends, drafts change, the meeting
# ends (the panel turns read-only).
PANEL_EVENTS = ("family_time.", "family_draft.")
ALSO = {"meeting.ended"}


def _changes_panel(event) -> bool:
    """Whether an event changes what the family's panel shows."""
    return event.kind.startswith(PANEL_EVENTS) or event.kind in ALSO


def push_drafts(events) -> None:
    """The publisher's subscriber: send the family's panel to the room's screens (the wall and
    each family phone) of every meeting whose drafts changed."""
    if not has_request_context():
        return
    meeting_ids = {e.meeting_id for e in events if e.meeting_id and _changes_panel(e)}
    for meeting_id in meeting_ids:
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is not None:
            send_panel(meeting)


def send_panel(meeting: Meeting) -> None:
    """The panel, fresh, to the meeting's walls and to each family member's phones."""
    with speaking(wall_key(meeting)):
        wall_html = panel_html(meeting, for_wall=True)
    socketio.emit(EVENT, {"html": wall_html}, to=wall_room(meeting.id))
    phone_html: dict[str, str] = {}  # language -> the phones' panel, rendered once in each
    for participant in participants_of(meeting):
        if participant.user_id is None and participant.status == ParticipantStatus.ADMITTED:
            language = normalize(participant.language) or DEFAULT
            if language not in phone_html:
                with speaking(language):
                    phone_html[language] = panel_html(meeting, for_wall=False)
            html = phone_html[language]
            socketio.emit(EVENT, {"html": html}, to=participant_room(participant.id))


def catch_up(viewer: Viewer, screen: str | None, sid: str) -> None:
    """A screen (re)connected: a family phone or a wall gets the panel as it is now; no other
    staff screen gets anything."""
    if not viewer.is_staff:
        html = panel_html(viewer.meeting, for_wall=False)
    elif screen == screens.WALL:
        html = panel_html(viewer.meeting, for_wall=True)
    else:
        return
    socketio.emit(EVENT, {"html": html}, to=sid)


def drafted(viewer: Viewer, section: str):
    """The answer to a family member's new item kept as a draft: their section as it was (the
    form emptied) and the panel with the new draft; without scripts, the board at the panel."""
    if plain_post():
        return redirect(url_for("board.page", meeting_id=viewer.meeting.id, _anchor=PANEL_ID), 303)
    answer = respond(viewer, section)
    oob = panel(viewer, oob=True)
    response = make_response(Markup(answer.get_data(as_text=True)) + oob)  # noqa: S704
    response.headers.update({k: v for k, v in answer.headers.items() if k.startswith("X-Board")})
    return response
