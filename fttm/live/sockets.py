"""Socket.IO: who may connect, and the few things screens say over the socket.

Flask's before_request hooks do not run for socket events, so every handler checks who is asking,
from the database, every time. Changes to the board never travel this way: they are htmx requests.
Every event a screen sends is first counted against its socket's and its person's budgets
(fttm.live.budgets), so one phone cannot stall the meeting by flooding it.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import dataclass

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from fttm.core.recorder import last_seq
from fttm.core.viewers import Viewer
from fttm.extensions import db, socketio
from fttm.frameworks import framework_of_case
from fttm.languages import (
    chosen_cookie,
    first_language,
    from_browser,
    normalize,
    speaking,
    use,
)
from fttm.languages import gettext as _
from fttm.live import presence, screens
from fttm.live.budgets import UNKNOWN, budgets_of
from fttm.live.catch_up import Board, held_from, missed, shared_renderings
from fttm.live.rooms import audience_room, participant_room, rendering_room
from fttm.live.viewer import removed_from, viewer_for
from fttm.meetings.models import Meeting
from fttm.meetings.wall import wall_key
from fttm.routing import MAX_ID

logger = logging.getLogger(__name__)
CELL = re.compile(r"^(action)-(\d{1,12})-([a-z_]{1,20})$")


@dataclass(frozen=True)
class Connection:
    """What a socket was let in as: a participant, or staff looking on with no participant row
    yet (`participant_id` None; staff sockets also keep their account's id)."""

    meeting_id: int
    participant_id: int | None
    user_id: int | None = None
    screen: str = screens.CONSOLE  # staff: the wall, a presenting console, or a console
    # The language its screen renders in (fttm/languages.py: "fr_CA", or "fr_CA+en" on a
    # bilingual wall): pushes are rendered once per audience and language present.
    language: str = "en"

    @property
    def person(self) -> str:
        """Whose budget the socket's events count against (all their tabs together)."""
        if self.participant_id is None:  # staff may look on at several meetings at once
            return f"meeting:{self.meeting_id}:user:{self.user_id}"
        return f"participant:{self.participant_id}"


_connections: dict[str, Connection] = {}
_syncing: set[str] = set()  # sockets whose catch-up is being answered
_syncing_lock = threading.Lock()


def screen_language(viewer: Viewer, screen: str | None = None) -> str:
    """The rendering key of a viewer's screen: the wall speaks the meeting's wall language (else
    its facilitator's); staff their account's; a phone its participant's; else the browser's."""
    if screen == screens.WALL:
        return wall_key(viewer.meeting)
    if viewer.is_staff:
        chosen = normalize(viewer.user.language)
    else:
        chosen = normalize(viewer.participant.language)
    return chosen or chosen_cookie() or from_browser()


def _speak_as_the_screen() -> None:
    """Render what this socket event answers in its screen's language."""
    connection = _connections.get(request.sid)
    if connection is not None:
        use(first_language(connection.language))


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


def _screen_from(auth) -> str:
    """Which of staff's screens a socket says it is (a console unless it says otherwise)."""
    screen = auth.get("screen") if isinstance(auth, dict) else None
    return screen if screen in screens.SCREENS else screens.CONSOLE


def current_viewer() -> Viewer | None:
    """Who this socket is, checked afresh against the database (removed people are refused)."""
    connection = _connections.get(request.sid)
    if connection is None:
        return None
    meeting = db.session.get(Meeting, connection.meeting_id)
    viewer = viewer_for(meeting, for_room=False) if meeting else None
    if viewer is None or not _still_the_same(viewer, connection):
        return None
    return screens.screen_viewer(viewer, connection.screen)


def _still_the_same(viewer: Viewer, connection: Connection) -> bool:
    """Whether the socket's person is who is asking now: staff by their account (they may have
    had no participant row when they connected, or have one since), others by participant."""
    if connection.user_id is not None:
        return viewer.is_staff and viewer.user.id == connection.user_id
    return viewer.participant.id is not None and viewer.participant.id == connection.participant_id


@socketio.on("connect")
def connect(auth=None):
    """A screen opens its socket for one meeting: a staff session or a participant token.

    Staff only looking at a board may have no participant row: they get the staff rendering but
    no participant room and no "online" entry (they are not taking part).
    """
    if not origin_allowed():
        logger.info("socket refused: origin not allowed")
        return False
    meeting = _meeting_from(auth)
    if meeting is None:
        # A signed-in member of staff may connect without a meeting (nothing to receive yet).
        return bool(current_user.is_authenticated)
    viewer = viewer_for(meeting, for_room=False)
    if viewer is None or (viewer.participant.id is None and not viewer.is_staff):
        logger.info("socket refused for meeting %s", meeting.id)
        if viewer is None and removed_from(meeting):  # told why, so the phone stops trying
            message = _("The facilitator removed you from this meeting.")
            raise ConnectionRefusedError({"removed": True, "message": message})
        return False
    screen = _screen_from(auth) if viewer.is_staff else None
    viewer = screens.screen_viewer(viewer, screen)
    user_id = viewer.user.id if viewer.is_staff else None
    # A wall is no person taking part: no participant room, no "online" entry of theirs.
    participant_id = None if screen == screens.WALL else viewer.participant.id
    language = screen_language(viewer, screen)
    connection = Connection(
        meeting.id, participant_id, user_id, screen or screens.CONSOLE, language=language
    )
    if wait := budgets_of().wait("connect", request.sid, connection.person):
        budgets_of().socket_closed(request.sid)
        raise ConnectionRefusedError({"message": _too_many(wait)["error"], "retry_after": wait})
    _connections[request.sid] = connection
    join_room(audience_room(meeting.id, viewer.audience))
    join_room(rendering_room(meeting.id, viewer.audience, language))
    presence.needs(meeting.id, viewer.audience, language, request.sid)
    if viewer.is_staff:
        screens.join_screen_rooms(viewer, connection.screen, request.sid, language)
    if connection.participant_id is None:
        return True
    join_room(participant_room(connection.participant_id))
    if presence.arrive(meeting.id, connection.participant_id, request.sid):
        _push_presence(meeting)
    return True


@socketio.on("disconnect")
def disconnect(reason=None):
    """A screen went away; when it was someone's last, the others see them go offline."""
    budgets_of().socket_closed(request.sid)
    connection = _connections.pop(request.sid, None)
    if connection is not None:
        presence.no_longer_needs(connection.meeting_id, request.sid)
    if connection is not None and connection.user_id is not None:
        screens.leave_screen(connection.meeting_id, connection.screen, request.sid)
    if connection is None or connection.participant_id is None:
        return
    if presence.leave(connection.meeting_id, connection.participant_id, request.sid):
        meeting = db.session.get(Meeting, connection.meeting_id)
        if meeting is not None:
            _push_presence(meeting)


def _push_presence(meeting: Meeting) -> None:
    """Everyone's "who is here" list, fresh."""
    from fttm.live.pushes import push_sections

    push_sections(meeting, ("participants",))


def _too_many(wait: int) -> dict:
    """The refusal of an event over its sender's budget: why, and when to try again."""
    return {"ok": False, "error": _("Too many messages. Wait a moment."), "retry_after": wait}


def _over_budget(name: str) -> int:
    """Count one `name` event of this socket; the seconds to wait if it is over budget, else 0."""
    connection = _connections.get(request.sid)
    person = connection.person if connection else None
    return budgets_of().wait(name, request.sid, person)


def client_event(name: str):
    """Declare the handler of an event screens send: each one is counted against its socket's
    and its person's budgets before it runs, and refused, saying why, when over them."""

    def declare(handler):
        @functools.wraps(handler)
        def counted(*args):
            _speak_as_the_screen()
            if wait := _over_budget(name):
                return _too_many(wait)
            return handler(*args)

        return socketio.on(name)(counted)

    return declare


@socketio.on("*")
def unknown_event(event, *args):
    """A message fttm has no handler for: refused, and counted so a flood of them is cut short."""
    if wait := _over_budget(UNKNOWN):
        return _too_many(wait)
    return {"ok": False, "error": _("fttm does not know that message.")}


@client_event("board:sync")
def sync(data=None):
    """A screen (re)connected and says what it holds; it gets the sections it lacks (none when
    up to date; every one when its numbers make no sense here). See fttm.live.catch_up.

    One at a time per socket: a second while the first is answered is refused (the first brings
    the board anyway). Sent by: each board page on connect. Received back: `board:update` to
    this socket only.
    """
    with _syncing_lock:
        if request.sid in _syncing:
            return {
                "ok": False,
                "error": _("Already catching up. Wait for the board to arrive."),
                "retry_after": 1,
            }
        _syncing.add(request.sid)
    try:
        return _catch_up(data)
    finally:
        with _syncing_lock:
            _syncing.discard(request.sid)


def _catch_up(data) -> dict:
    """Answer one catch-up request: the sections this screen is missing, to it alone."""
    viewer = current_viewer()
    if viewer is None:
        return {"ok": False}
    held = held_from(data)
    if held is None:
        return {"ok": False, "error": _("Reload the page to catch up.")}
    seq = last_seq(viewer.meeting.case_id)
    names = missed(viewer.meeting, viewer.audience, held, seq)
    if names:
        sections = _shared_sections(viewer, seq, names)
        socketio.emit("board:update", {"seq": seq, "sections": sections}, to=request.sid)
    connection = _connections.get(request.sid)
    if viewer.is_staff and connection is not None:
        screens.catch_up_screen(viewer, connection.screen, request.sid)
    from fttm.live import family_time  # the family's drafts: to a family phone or a wall only

    family_time.catch_up(viewer, connection.screen if connection else None, request.sid)
    return {"ok": True, "seq": seq}


def _shared_sections(viewer: Viewer, seq: int, names) -> dict:
    """The sections as this viewer's audience sees them at `seq` in their language, rendered once
    for every screen that asks for the same (the audience is part of what is shared)."""
    from fttm.live.sections import render_sections

    on_board = {"status", *framework_of_case(viewer.meeting.case).board_sections()}
    names = [name for name in names if name in on_board]  # not another framework's sections
    connection = _connections.get(request.sid)
    language = connection.language if connection is not None else str(get_locale())
    board = Board(viewer.meeting.id, seq, viewer.audience, language)

    def render(missing):
        with speaking(language):
            return render_sections(viewer.meeting, missing, viewer.audience)

    return shared_renderings().sections(board, names, render)


@client_event("board:editing")
def editing(data=None):
    """Someone started or stopped editing a cell; the others see "<name> is editing".

    Sent by: a board page on focus/blur of a cell. Received: `board:editing` by the meeting's
    other screens (staff only, when the item is confidential).
    """
    viewer = current_viewer()
    if viewer is None or viewer.read_only or not isinstance(data, dict):
        return {"ok": False}
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
