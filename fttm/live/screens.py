"""The facilitator's screens beside the board: the wall (what is projected) and the console.

A wall is rendered for the room: it joins the family audience's room and gets the family's
renderings, never the staff's. A console is the facilitator's board; while it *presents* (the
laptop's own screen is what is projected) it is rendered for the room too. Besides the board,
walls are told what to bring into focus and the join panel, and consoles are told who is waiting
(by name on a staff console; only how many on a presenting one) and whether a wall is open.
"""

from __future__ import annotations

from dataclasses import replace

from flask import render_template, session
from flask_socketio import join_room
from markupsafe import Markup

from fttm.core.registry import section_titles
from fttm.core.viewers import FAMILY, STAFF, Viewer
from fttm.extensions import socketio
from fttm.family_map.models import shareable_people
from fttm.frameworks import framework_of_case
from fttm.jurisdictions import profile
from fttm.languages import speaking
from fttm.live import presence
from fttm.live.rooms import console_room, wall_room
from fttm.live.sections import participants_of
from fttm.meetings.invitations import join_details
from fttm.meetings.models import Meeting, MeetingStatus, Participant, ParticipantStatus
from fttm.meetings.wall import OVERVIEW, view_of, wall_key

WALL = "wall"
PRESENTING = "presenting"
CONSOLE = "console"
SCREENS = (WALL, PRESENTING, CONSOLE)
ROOM_SCREENS = (WALL, PRESENTING)  # the screens the room sees
# Meeting events that change the wall's join panel (joining opens, the code is hidden, it ends).
JOIN_EVENTS = {"meeting.opened", "meeting.started", "meeting.ended", "meeting.setting_changed"}
_CHOICES = "presenting"  # the session's {meeting id: presenting?} of this browser


def _chosen(meeting: Meeting) -> bool | None:
    """Whether this browser's console was last set to present the meeting (None: never set)."""
    return session.get(_CHOICES, {}).get(str(meeting.id))


def presenting(meeting: Meeting) -> bool:
    """Whether this browser's console presents the meeting: as the facilitator last chose, or
    else while the meeting is live and no wall window is open (then the room likely sees it)."""
    chosen = _chosen(meeting)
    if chosen is not None:
        return bool(chosen)
    return meeting.status == MeetingStatus.LIVE and not presence.wall_open(meeting.id)


def choose_presenting(meeting: Meeting, on: bool) -> None:
    """Remember, for this browser, whether its console presents the meeting."""
    choices = dict(session.get(_CHOICES, {}))
    choices[str(meeting.id)] = on
    session[_CHOICES] = choices


def console_context(meeting: Meeting, *, presenting: bool) -> dict:
    """What the console shows above the board: whether it presents, its banners, the wall's
    steering."""
    return {
        "presenting": presenting,
        "presenting_chosen": _chosen(meeting) is not None,
        "running": meeting.status in (MeetingStatus.OPEN, MeetingStatus.LIVE),
        "live": meeting.status == MeetingStatus.LIVE,
        "join_panel": Markup(join_panel(meeting)) if presenting else "",  # noqa: S704
        "waiting_banner": Markup(waiting_banner(meeting, presenting=presenting)),  # noqa: S704
        "view": view_of(meeting),
        "focuses": (OVERVIEW, *section_titles(framework_of_case(meeting.case))),
        "section_titles": section_titles(framework_of_case(meeting.case)),
    }


def screen_viewer(viewer: Viewer, screen: str) -> Viewer:
    """The viewer as the screen they look from: staff on a wall or a presenting console get the
    room's rendering (a family phone always does)."""
    if viewer.is_staff and screen in ROOM_SCREENS:
        return replace(viewer, for_room=True)
    return viewer


def join_screen_rooms(viewer: Viewer, screen: str, sid: str, language: str) -> None:
    """Put a newly connected staff screen in its rooms (the audience room is joined apart)."""
    meeting_id = viewer.meeting.id
    if screen == WALL:
        join_room(wall_room(meeting_id))
        if presence.arrive(meeting_id, presence.WALL, sid):
            tell_wall_presence(meeting_id, True)
    else:
        join_room(console_room(meeting_id, presenting=screen == PRESENTING))
        join_room(console_room(meeting_id, presenting=screen == PRESENTING, language=language))


def leave_screen(meeting_id: int, screen: str, sid: str) -> None:
    """A staff screen closed: when it was the meeting's last wall, consoles are told."""
    if screen == WALL and presence.leave(meeting_id, presence.WALL, sid):
        tell_wall_presence(meeting_id, False)


def tell_wall_presence(meeting_id: int, is_open: bool) -> None:
    """Consoles learn that a wall window opened or closed (one that has not chosen whether to
    present then follows the default: presenting while no wall is open)."""
    for presenting_console in (True, False):
        socketio.emit(
            "wall:presence",
            {"open": is_open},
            to=console_room(meeting_id, presenting=presenting_console),
        )


def push_screens(meeting: Meeting, events) -> None:
    """Tell walls and consoles what a batch of committed events changed for them."""
    kinds = {event.kind for event in events}
    if "meeting.wall_steered" in kinds:
        tell_view(meeting)
    if kinds & JOIN_EVENTS:
        with speaking(wall_key(meeting)):
            html = join_panel(meeting)
        socketio.emit("wall:join", {"html": html}, to=wall_room(meeting.id))
    if any(kind.startswith("participant.") for kind in kinds) or kinds & JOIN_EVENTS:
        tell_waiting(meeting)


def tell_view(meeting: Meeting, to: str | None = None) -> None:
    """What the wall shows, to the meeting's walls and consoles (or to one socket)."""
    view = view_of(meeting)
    rooms = [to] if to else [wall_room(meeting.id), *_consoles(meeting.id)]
    for room in rooms:
        socketio.emit("wall:view", view, to=room)


def tell_waiting(meeting: Meeting, to: str | None = None, *, presenting_console=None) -> None:
    """Who is waiting to be let in, to the meeting's consoles (or to one socket): names and
    "Let in" on a staff console, only how many on a presenting one."""
    phones = waiting(meeting)  # read once for every rendering
    if to:
        html = waiting_banner(meeting, presenting=presenting_console, phones=phones)
        socketio.emit("console:waiting", {"html": html}, to=to)
        return
    needed = presence.renderings(meeting.id)
    for is_presenting in (False, True):
        # A staff console is rendered for staff; a presenting one for the room.
        audience = FAMILY if is_presenting else STAFF
        for language in sorted({lang for aud, lang in needed if aud == audience}):
            with speaking(language):
                html = waiting_banner(meeting, presenting=is_presenting, phones=phones)
            room = console_room(meeting.id, presenting=is_presenting, language=language)
            socketio.emit("console:waiting", {"html": html}, to=room)


def catch_up_screen(viewer: Viewer, screen: str, sid: str) -> None:
    """A staff screen (re)connected: the wall's focus and join panel, or the console's banner."""
    if screen == WALL:
        tell_view(viewer.meeting, to=sid)
        with speaking(wall_key(viewer.meeting)):
            html = join_panel(viewer.meeting)
        socketio.emit("wall:join", {"html": html}, to=sid)
    elif screen in (CONSOLE, PRESENTING):
        tell_view(viewer.meeting, to=sid)
        tell_waiting(viewer.meeting, to=sid, presenting_console=screen == PRESENTING)
        # A wall may have opened or closed while this console was away.
        socketio.emit("wall:presence", {"open": presence.wall_open(viewer.meeting.id)}, to=sid)


def waiting(meeting: Meeting) -> list[Participant]:
    """The phones waiting to be let in, in the order they came."""
    return [p for p in participants_of(meeting) if p.status == ParticipantStatus.WAITING]


def waiting_banner(
    meeting: Meeting, *, presenting: bool, phones: list[Participant] | None = None
) -> str:
    """The console's banner of who is waiting (empty when nobody is); `phones`: `waiting`, if
    read. A staff console's "Let in" offers the family map's shared people."""
    phones = waiting(meeting) if phones is None else phones
    people = shareable_people(meeting.case_id) if phones and not presenting else []
    return render_template(
        "board/parts/waiting_banner.html",
        meeting=meeting,
        waiting=phones,
        presenting=presenting,
        people=people,
        profile=profile(meeting.case.jurisdiction),
        read_only=meeting.status not in (MeetingStatus.OPEN, MeetingStatus.LIVE),
    )


def join_panel(meeting: Meeting) -> str:
    """The wall's join panel (code, link, QR) while joining is open and not hidden; else empty."""
    showing = (
        meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN, MeetingStatus.LIVE)
        and not meeting.join_details_hidden
    )
    if not showing:
        return ""
    details = join_details(meeting)
    return render_template("meetings/parts/join_panel.html", meeting=meeting, **details)


def _consoles(meeting_id: int) -> list[str]:
    """Both console rooms of a meeting."""
    return [console_room(meeting_id, presenting=flag) for flag in (False, True)]
