"""A meeting's agenda: its phases in order, copied from the jurisdiction profile when the meeting
is scheduled, and adjusted by the facilitator before the meeting goes live.

Each edit (move a phase up or down, add one, skip or bring one back, change its minutes) is a
command with its `meeting.agenda_changed` event, which keeps the whole agenda before and after:
the transcript says what the meeting was planned to be, and a review can see what was skipped.
"""

from __future__ import annotations

import re
from typing import Any

from fttm.auth.models import User
from fttm.core.recorder import Actor, meeting_change
from fttm.core.registry import section_titles
from fttm.errors import Invalid, NotFound
from fttm.frameworks import framework_of_case
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.commands import require_team
from fttm.meetings.models import Meeting, MeetingStatus

MOST_MINUTES = 240  # a phase longer than four hours is a typo
MOST_PHASES = 30
NAME_LENGTH = 80
MOVES = ("up", "down")


def default_agenda(jurisdiction: str) -> list[dict[str, Any]]:
    """The profile's default agenda, as a meeting keeps it."""
    return [phase.as_agenda_entry() for phase in profile(jurisdiction).agenda]


def agenda_of(meeting: Meeting) -> list[dict[str, Any]]:
    """The meeting's agenda; a meeting scheduled before agendas existed follows its profile's."""
    entries = (
        [dict(entry) for entry in meeting.agenda]
        if meeting.agenda
        else default_agenda(meeting.case.jurisdiction)
    )
    # A phase about a section of another framework (the case moved) is about the nearest one.
    framework = framework_of_case(meeting.case)
    for entry in entries:
        entry["section"] = framework.nearest(entry.get("section"))
    return entries


def editable(meeting: Meeting) -> bool:
    """Whether the agenda may still change: before the meeting goes live."""
    return meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN)


def minutes_from(raw: object) -> int:
    """A phase's suggested minutes as typed, or a clear refusal."""
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MOST_MINUTES:
        raise Invalid(
            {
                "minutes": _(
                    "Give the minutes as a whole number from 1 to %(most)s.", most=MOST_MINUTES
                )
            }
        )
    return int(text)


def _index(agenda: list[dict], key: str | None) -> int:
    """Where the phase `key` is in the agenda, or a refusal."""
    for index, entry in enumerate(agenda):
        if entry["key"] == key:
            return index
    raise NotFound("no such phase")


def _save(actor: User, meeting: Meeting, before: list[dict], after: list[dict], what: str) -> None:
    """Keep the new agenda, with its transcript event (nothing when it did not change)."""
    if before == after:
        return
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        meeting.agenda = after
        current.record(
            "meeting.agenda_changed",
            meeting,
            before={"agenda": before},
            after={"agenda": after, "change": what},
            section="meeting",
        )


def _start(actor: User, meeting: Meeting) -> list[dict]:
    """Check that `actor` may change the agenda now; the agenda as it stands."""
    require_team(actor, meeting.case)
    if not editable(meeting):
        raise Invalid({"agenda": _("The agenda can be changed only before the meeting starts.")})
    return agenda_of(meeting)


def move(actor: User, meeting: Meeting, key: str, direction: str) -> Meeting:
    """Move a phase one place up or down the agenda."""
    agenda = _start(actor, meeting)
    if direction not in MOVES:
        raise Invalid({"agenda": _("A phase moves up or down.")})
    index = _index(agenda, key)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(agenda):
        raise Invalid({"agenda": _("This phase cannot move further that way.")})
    after = [dict(entry) for entry in agenda]
    after[index], after[other] = after[other], after[index]
    _save(actor, meeting, agenda, after, "moved")
    return meeting


def skip(actor: User, meeting: Meeting, key: str, skipped: bool) -> Meeting:
    """Skip a phase in this meeting, or bring a skipped one back."""
    agenda = _start(actor, meeting)
    index = _index(agenda, key)
    after = [dict(entry) for entry in agenda]
    after[index]["skipped"] = skipped
    if skipped and all(entry.get("skipped") for entry in after):
        raise Invalid({"agenda": _("Keep at least one phase: a meeting needs an agenda.")})
    _save(actor, meeting, agenda, after, "skipped" if skipped else "unskipped")
    return meeting


def set_minutes(actor: User, meeting: Meeting, key: str, minutes: object) -> Meeting:
    """Change the minutes a phase is given."""
    agenda = _start(actor, meeting)
    index = _index(agenda, key)
    after = [dict(entry) for entry in agenda]
    after[index]["minutes"] = minutes_from(minutes)
    _save(actor, meeting, agenda, after, "minutes")
    return meeting


def add(actor: User, meeting: Meeting, name: object, section: object, minutes: object) -> Meeting:
    """Add a phase at the end of the agenda: its name, the section it is about (or none), and
    its minutes."""
    agenda = _start(actor, meeting)
    errors: dict[str, str] = {}
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = _("Name the phase (for example, “Safety plan”).")
    elif len(name) > NAME_LENGTH:
        errors["name"] = _("Use at most %(most)s characters.", most=NAME_LENGTH)
    section = str(section or "") or None
    if section is not None and section not in framework_of_case(meeting.case).board_sections():
        errors["section"] = _("Choose a section of the board, or none.")
    try:
        count = minutes_from(minutes)
    except Invalid as refused:
        errors.update(refused.errors)
        count = 0
    if len(agenda) >= MOST_PHASES:
        errors["agenda"] = _("An agenda has at most %(most)s phases.", most=MOST_PHASES)
    if errors:
        raise Invalid(errors)
    entry = {
        "key": _new_key(name, agenda),
        "name": name,
        "section": section,
        "minutes": count,
        "family_time": False,
        "skipped": False,
    }
    _save(actor, meeting, agenda, [*agenda, entry], "added")
    return meeting


def _new_key(name: str, agenda: list[dict]) -> str:
    """A key for an added phase, made from its name, that no phase of the agenda has."""
    stem = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:30] or "phase"
    taken = {entry["key"] for entry in agenda}
    key, number = stem, 2
    while key in taken:
        key, number = f"{stem}_{number}", number + 1
    return key


def agenda_page(
    meeting: Meeting, errors: dict[str, str] | None = None, added: dict[str, str] | None = None
) -> dict[str, Any]:
    """What the meeting's page shows of its agenda: the phases, whether they may still change,
    and a refused change's messages with what was typed."""
    return {
        "agenda": agenda_of(meeting),
        "editable": editable(meeting),
        "agenda_errors": errors or {},
        "added": added or {},
        "section_titles": section_titles(framework_of_case(meeting.case)),
    }
