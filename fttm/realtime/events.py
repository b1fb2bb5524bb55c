"""Socket.IO: who may connect, and the few things screens say over the socket.

Flask's before_request hooks do not run for socket events, so every handler checks who is asking,
from the database, every time. Changes to the board never travel this way: they are htmx requests.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room

from fttm.board import rate_limit
from fttm.board.commands import last_seq
from fttm.board.sections import SECTIONS
from fttm.board.viewer import Viewer, viewer_for
from fttm.extensions import db, socketio
from fttm.meetings.models import Meeting
from fttm.realtime import presence
from fttm.realtime.rooms import audience_room, participant_room
from fttm.routing import MAX_ID
from fttm.transcript.models import TranscriptEvent

logger = logging.getLogger(__name__)
# How many of the latest changes a reconnecting, up-to-date screen is sent again: pushes of changes
# made at the same moment may cross on the way, so the newest is not proof of the ones before.
SYNC_MARGIN = 20
CELL = re.compile(r"^(action)-(\d{1,12})-([a-z_]{1,20})$")


@dataclass(frozen=True)
class Connection:
    """What a socket was let in as."""

    meeting_id: int
    participant_id: int


_connections: dict[str, Connection] = {}


def origin_allowed() -> bool:
    """Same-origin, or an origin the operator allowed: a page on another site may not connect."""
    origin = request.headers.get("Origin")
    if not origin:
        return True  # not a browser page (no cross-site risk), e.g. a native test client
    allowed = {request.host_url.rstrip("/"), *current_app.config["ALLOWED_ORIGINS"]}
    if current_app.config["PUBLIC_URL"]:
        allowed.add(current_app.config["PUBLIC_URL"].rstrip("/"))
    return origin.rstrip("/") in allowed


def _meeting_from(auth) -> Meeting | None:
    """The meeting a socket asks to follow (its id in the connection's auth data)."""
    raw = auth.get("meeting") if isinstance(auth, dict) else None
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 < raw <= MAX_ID:
        return None  # past the database's integer range, a query would crash: no such meeting
    return db.session.get(Meeting, raw)


def current_viewer() -> Viewer | None:
    """Who this socket is, checked afresh against the database (removed people are refused)."""
    connection = _connections.get(request.sid)
    if connection is None:
        return None
    meeting = db.session.get(Meeting, connection.meeting_id)
    viewer = viewer_for(meeting) if meeting else None
    if viewer is None or viewer.participant.id != connection.participant_id:
        return None
    return viewer


@socketio.on("connect")
def connect(auth=None):
    """A screen opens its socket for one meeting: a staff session or a participant token."""
    if not origin_allowed():
        logger.info("socket refused: origin not allowed")
        return False
    meeting = _meeting_from(auth)
    if meeting is None:
        # A signed-in member of staff may connect without a meeting (nothing to receive yet).
        return bool(current_user.is_authenticated)
    viewer = viewer_for(meeting)
    if viewer is None or viewer.participant.id is None:
        logger.info("socket refused for meeting %s", meeting.id)
        return False
    _connections[request.sid] = Connection(meeting.id, viewer.participant.id)
    join_room(audience_room(meeting.id, viewer.audience))
    join_room(participant_room(viewer.participant.id))
    if presence.arrive(meeting.id, viewer.participant.id, request.sid):
        _push_presence(meeting)
    return True


@socketio.on("disconnect")
def disconnect(reason=None):
    """A screen went away; when it was someone's last, the others see them go offline."""
    connection = _connections.pop(request.sid, None)
    if connection and presence.leave(connection.meeting_id, connection.participant_id, request.sid):
        meeting = db.session.get(Meeting, connection.meeting_id)
        if meeting is not None:
            _push_presence(meeting)


def _push_presence(meeting: Meeting) -> None:
    """Everyone's "who is here" list, fresh."""
    from fttm.realtime.pushes import push_sections

    push_sections(meeting, ("participants",))


@socketio.on("board:sync")
def sync(data=None):
    """A screen (re)connected and says the last change it saw; it gets every section if behind.

    Sent by: each board page on connect. Received back: `board:update` to this socket only.
    """
    viewer = current_viewer()
    if viewer is None:
        return {"ok": False}
    since = data.get("since") if isinstance(data, dict) else None
    if not isinstance(since, int) or isinstance(since, bool) or since < 0:
        return {"ok": False, "error": _("Reload the page to catch up.")}
    from fttm.board.sections import render_sections

    seq = last_seq(viewer.meeting.case_id)
    if since != seq:  # behind, or ahead of a database that was restored: send everything
        names = ("status", *SECTIONS)
    else:
        # Up to date by number, but pushes of changes made at the same moment can cross on the
        # way: the screen may hold the newest push and have missed one just before it (its
        # server died between them). Send again what the last few changes touched.
        names = tuple(sorted(_recently_changed(viewer.meeting, since)))
    if names:
        sections = render_sections(viewer.meeting, names, viewer.audience)
        socketio.emit("board:update", {"seq": seq, "sections": sections}, to=request.sid)
    return {"ok": True, "seq": seq}


def _recently_changed(meeting: Meeting, seq: int) -> set[str]:
    """The sections the meeting's last SYNC_MARGIN changes up to `seq` touched."""
    from fttm.realtime.pushes import sections_for

    events = db.session.scalars(
        sa.select(TranscriptEvent).where(
            TranscriptEvent.case_id == meeting.case_id,
            TranscriptEvent.meeting_id == meeting.id,
            TranscriptEvent.seq > seq - SYNC_MARGIN,
        )
    ).all()
    return sections_for(events) if events else set()


@socketio.on("board:editing")
def editing(data=None):
    """Someone started or stopped editing a cell; the others see "<name> is editing".

    Sent by: a board page on focus/blur of a cell. Received: `board:editing` by the meeting's
    other screens (staff only, when the item is confidential).
    """
    viewer = current_viewer()
    if viewer is None or viewer.read_only or not isinstance(data, dict):
        return {"ok": False}
    # Its own budget (negative key): focus events must not use up a person's budget for changes.
    if not rate_limit.allow(-viewer.participant.id):
        return {"ok": False, "error": _("Too many messages. Wait a moment.")}
    cell = data.get("cell")
    match = CELL.match(cell) if isinstance(cell, str) else None
    if match is None:
        return {"ok": False, "error": _("That cell is not on the board.")}
    from fttm.board.models import Action

    action = db.session.get(Action, int(match.group(2)))
    if action is None or action.case_id != viewer.meeting.case_id:
        return {"ok": False, "error": _("That cell is not on the board.")}
    if action.confidential and not viewer.is_staff:
        return {"ok": False, "error": _("That cell is not on the board.")}
    payload = {
        "cell": cell,
        "name": viewer.participant.display_name,
        "editing": bool(data.get("editing")),
    }
    audiences = ("staff",) if action.confidential else ("staff", "family")
    for audience in audiences:
        socketio.emit(
            "board:editing",
            payload,
            to=audience_room(viewer.meeting.id, audience),
            skip_sid=request.sid,
        )
    return {"ok": True}
