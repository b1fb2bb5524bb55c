"""What the wall shows: the facilitator steers the projected screen from the console.

The wall shows the whole board (the overview) or one section full screen; with the family map in
focus, the genogram or the ecomap fills it, and the facilitator zooms and pans that drawing. Each
move is a change of the meeting, recorded in its transcript like any other: a review can tell
what the room was looking at, and a wall that reconnects shows it again.
"""

from __future__ import annotations

from fttm.auth.models import User
from fttm.core.recorder import Actor, Change, meeting_change, snapshot
from fttm.core.registry import SECTIONS
from fttm.errors import Invalid
from fttm.extensions import db
from fttm.frameworks import framework_of_case
from fttm.languages import DEFAULT, NAMES, normalize, supported, wall_languages
from fttm.languages import gettext as _
from fttm.meetings.commands import LIVE_STATES, require_team
from fttm.meetings.models import Meeting, MeetingStatus

OVERVIEW = "overview"
# The wall can show the whole board or any of its sections (as the room sees them).
FOCUSES = (OVERVIEW, *SECTIONS)


def focuses_of(meeting: Meeting) -> tuple[str, ...]:
    """What the wall of this meeting can bring into focus: the whole board, or a section of the
    board of its case's framework."""
    return (OVERVIEW, *framework_of_case(meeting.case).board_sections())


DRAWINGS = ("genogram", "ecomap")
ZOOMS = (100, 140, 200, 280, 400)  # percent of the drawing fitted to the wall
PAN_STEP = 20  # percent of the drawing's width or height per step
PAN_LIMIT = 50  # the drawing's edge never goes past the wall's centre
FIELDS = ("wall_focus", "wall_drawing", "wall_zoom", "wall_pan_x", "wall_pan_y", "wall_language")
STEPS = {  # a console button, as the change it makes to (zoom, pan x, pan y)
    "in": (1, 0, 0),
    "out": (-1, 0, 0),
    "left": (0, -1, 0),
    "right": (0, 1, 0),
    "up": (0, 0, -1),
    "down": (0, 0, 1),
}


def wall_key(meeting) -> str:
    """The rendering key of the meeting's wall: its wall language ("fr_CA+en": bilingual), else
    the language of the facilitator who scheduled the meeting, else the default."""
    if meeting.wall_language:
        first, second = wall_languages(meeting.wall_language)
        return f"{first}+{second}" if second else first
    facilitator = (
        db.session.get(User, meeting.created_by_user_id) if meeting.created_by_user_id else None
    )
    return normalize(facilitator.language if facilitator else None) or DEFAULT


def view_of(meeting: Meeting) -> dict:
    """What the wall shows now, as screens are told it."""
    return {
        "focus": meeting.wall_focus,
        "drawing": meeting.wall_drawing,
        "zoom": meeting.wall_zoom,
        "x": meeting.wall_pan_x,
        "y": meeting.wall_pan_y,
        "language": wall_key(meeting),
    }


def steer(
    actor: User,
    meeting: Meeting,
    *,
    focus: str | None = None,
    drawing: str | None = None,
    step: str | None = None,
    language: str | None = None,
) -> Meeting:
    """Bring a section (or the overview) into focus on the wall, choose the family map's drawing,
    or zoom and pan it one step ("fit" brings the whole drawing back)."""
    require_team(actor, meeting.case)
    if meeting.status not in (MeetingStatus.SCHEDULED, *LIVE_STATES):
        raise Invalid({"wall": _("This meeting has ended: the wall no longer changes.")})
    wanted = {name: getattr(meeting, name) for name in FIELDS}
    if focus is not None:
        if focus not in focuses_of(meeting):
            raise Invalid({"wall": _("The wall cannot show that. Choose a section of the board.")})
        wanted["wall_focus"] = focus
    if drawing is not None:
        if drawing not in DRAWINGS:
            raise Invalid({"wall": _("Choose the genogram or the ecomap.")})
        wanted |= {"wall_focus": "family_map", "wall_drawing": drawing}
    if step is not None:
        wanted |= _stepped(wanted, step)
    if language is not None:
        if language not in wall_choices():
            raise Invalid({"wall": _("The wall cannot speak that language.")})
        wanted["wall_language"] = language
    if all(getattr(meeting, name) == value for name, value in wanted.items()):
        return meeting
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        _apply(current, meeting, wanted)
    return meeting


def wall_choices() -> dict[str, str]:
    """The wall's languages the console offers: each language alone, and each pair for a
    bilingual room (the first is the wall's, the second also shown for headings and phases)."""
    languages = supported()
    choices = {key: NAMES.get(key, key) for key in languages}
    for first in languages:
        for second in languages:
            if first != second:
                choices[f"{first}+{second}"] = (
                    f"{NAMES.get(first, first)} + {NAMES.get(second, second)}"
                )
    return choices


def focus_within(current: Change, meeting: Meeting, focus: str) -> None:
    """Within another change of the meeting (a phase move), bring `focus` into view on the wall;
    nothing is recorded when the wall already shows it."""
    if focus not in focuses_of(meeting) or meeting.wall_focus == focus:
        return
    _apply(
        current, meeting, {name: getattr(meeting, name) for name in FIELDS} | {"wall_focus": focus}
    )


def _apply(current: Change, meeting: Meeting, wanted: dict) -> None:
    """Set the wall's fields to `wanted`, with the event saying what changed."""
    before = snapshot(meeting, FIELDS)
    for name, value in wanted.items():
        setattr(meeting, name, value)
    after = snapshot(meeting, FIELDS)
    current.record(
        "meeting.wall_steered",
        meeting,
        before={name: value for name, value in before.items() if after[name] != value},
        after={name: value for name, value in after.items() if before[name] != value},
        section="wall",
    )


def _stepped(wanted: dict, step: str) -> dict:
    """The zoom and pan after one console button ("in", "out", "left", ..., or "fit")."""
    if step == "fit":
        return {"wall_zoom": ZOOMS[0], "wall_pan_x": 0, "wall_pan_y": 0}
    if step not in STEPS:
        raise Invalid({"wall": _("The wall cannot move that way.")})
    zoom_by, right, down = STEPS[step]
    level = min(range(len(ZOOMS)), key=lambda index: abs(ZOOMS[index] - wanted["wall_zoom"]))
    level = min(max(level + zoom_by, 0), len(ZOOMS) - 1)

    def clamp(value: int) -> int:
        return min(max(value, -PAN_LIMIT), PAN_LIMIT)

    return {
        "wall_zoom": ZOOMS[level],
        "wall_pan_x": clamp(wanted["wall_pan_x"] + right * PAN_STEP),
        "wall_pan_y": clamp(wanted["wall_pan_y"] + down * PAN_STEP),
        "wall_focus": "family_map",
    }
