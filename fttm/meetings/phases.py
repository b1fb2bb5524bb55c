"""Where a live meeting is in its agenda: the facilitator moves to the next or previous phase, or
jumps to one, and the wall brings the phase's section into focus in the same change.

Each move is a `meeting.phase_moved` event saying from which phase to which, and when: how long
each phase took is read back from those events alone (`spans`), so the transcript, its time
slider, the plan page and fidelity agree with what the room lived, and a replay finds it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from fttm.auth.models import User
from fttm.core.recorder import Actor, Change, meeting_change
from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.family_time import commands as family_time
from fttm.jurisdictions import phase_name
from fttm.languages import gettext as _
from fttm.meetings import wall
from fttm.meetings.agenda import agenda_of
from fttm.meetings.commands import require_team
from fttm.meetings.models import Meeting, MeetingStatus
from fttm.timestamps import utcnow
from fttm.transcript.models import TranscriptEvent

MOVED = "meeting.phase_moved"
STEPS = ("next", "previous")


def phases_of(meeting: Meeting) -> list[dict[str, Any]]:
    """The phases the meeting goes through: its agenda without the skipped ones."""
    return [entry for entry in agenda_of(meeting) if not entry.get("skipped")]


def current_phase(meeting: Meeting) -> dict[str, Any] | None:
    """The phase the meeting is in now (None before it goes live, or without an agenda)."""
    if meeting.phase is None:
        return None
    return next((entry for entry in agenda_of(meeting) if entry["key"] == meeting.phase), None)


def begin(current: Change, meeting: Meeting) -> None:
    """Within the change that makes the meeting live: it starts in its first phase."""
    phases = phases_of(meeting)
    if phases and meeting.phase is None:
        _enter(current, meeting, phases[0])


def move(actor: User, meeting: Meeting, *, step: str | None = None, to: str | None = None):
    """Move the live meeting to the next or previous phase (`step`), or to the phase `to`."""
    require_team(actor, meeting.case)
    if meeting.status != MeetingStatus.LIVE:
        raise Invalid({"phase": _("Phases move only while the meeting is live.")})
    phases = phases_of(meeting)
    keys = [entry["key"] for entry in phases]
    if not phases:
        raise Invalid({"phase": _("This meeting has no agenda to follow.")})
    if to is not None:
        if to not in keys:
            if any(entry["key"] == to for entry in agenda_of(meeting)):
                raise Invalid({"phase": _("That phase is skipped in this meeting.")})
            raise NotFound("no such phase")
        wanted = phases[keys.index(to)]
    elif step in STEPS:
        here = keys.index(meeting.phase) if meeting.phase in keys else -1
        there = here + 1 if step == "next" else here - 1
        if not 0 <= there < len(phases):
            message = (
                _("This is the last phase of the agenda.")
                if step == "next"
                else _("This is the first phase of the agenda.")
            )
            raise Invalid({"phase": message})
        wanted = phases[there]
    else:
        raise Invalid({"phase": _("Choose the next or previous phase, or one of the agenda.")})
    if wanted["key"] == meeting.phase:
        return meeting
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        _enter(current, meeting, wanted)
    return meeting


def _enter(current: Change, meeting: Meeting, phase: dict[str, Any]) -> None:
    """Start `phase` now, record the move, and bring its section into focus on the wall."""
    now = utcnow()
    before = {
        "phase": meeting.phase,
        "at": meeting.phase_started_at.isoformat() if meeting.phase_started_at else None,
    }
    meeting.phase, meeting.phase_started_at = phase["key"], now
    current.record(
        MOVED,
        meeting,
        before=before,
        after={"phase": phase["key"], "name": phase["name"], "at": now.isoformat()}
        | ({"names": phase["names"]} if phase.get("names") else {}),
        section="meeting",
    )
    wall.focus_within(current, meeting, phase.get("section") or wall.OVERVIEW)
    if phase.get("family_time") and not family_time.running(meeting):
        # The agenda's private family time: the professionals leave as the meeting moves on.
        family_time.begin_within(current, meeting)


@dataclass(frozen=True)
class Span:
    """A stretch of the meeting spent in one phase: from `started` to `ended` (None: still on)."""

    key: str
    name: str
    started: datetime
    ended: datetime | None
    # The profile phase's name in other languages, by locale (none for a phase typed in).
    names: dict[str, str] = field(default_factory=dict)

    def seconds(self, now: datetime | None = None) -> float:
        """How long the stretch lasted (until `now` while it is still on)."""
        end = self.ended or now or utcnow()
        return max((end - self.started).total_seconds(), 0.0)


def spans(events) -> list[Span]:
    """The phases a meeting went through and when, from its transcript events in order: each
    `meeting.phase_moved` opens a stretch and closes the one before; the meeting's end closes
    the last."""
    found: list[Span] = []
    for event in events:
        if event.kind == MOVED:
            at = datetime.fromisoformat(event.after["at"])
            if found and found[-1].ended is None:
                found[-1] = replace(found[-1], ended=at)
            names = event.after.get("names") or {}
            found.append(Span(event.after["phase"], event.after.get("name", ""), at, None, names))
        elif event.kind == "meeting.ended" and found and found[-1].ended is None:
            found[-1] = replace(found[-1], ended=event.at)
    return found


def durations(events, now: datetime | None = None) -> dict[str, float]:
    """Seconds spent in each phase (a phase returned to adds up), from transcript events."""
    total: dict[str, float] = {}
    for span in spans(events):
        total[span.key] = total.get(span.key, 0.0) + span.seconds(now)
    return total


def timeline(meeting: Meeting, events, now: datetime | None = None) -> list[dict[str, Any]]:
    """Each phase of the agenda with the minutes it was given and took, for the pages after the
    meeting; phases returned to count once, with their time added up."""
    took = durations(events, now)
    rows = []
    for entry in agenda_of(meeting):
        seconds = took.get(entry["key"])
        rows.append(
            {
                **entry,
                "seconds": seconds,
                "took_minutes": round(seconds / 60) if seconds is not None else None,
            }
        )
    for key, seconds in took.items():  # a phase since taken off the agenda still took time
        if not any(row["key"] == key for row in rows):
            span = next(span for span in spans(events) if span.key == key)
            rows.append(
                {"key": key, "name": span.name, "names": span.names, "section": None}
                | {"minutes": None, "skipped": False}
                | {"seconds": seconds, "took_minutes": round(seconds / 60)}
            )
    return rows


def phase_context(meeting: Meeting) -> dict[str, Any]:
    """What the status section shows of the agenda: the phase now, the phases to move to, and
    the server's moments the timers count from (the same for every screen and every rendering:
    the server's time now is on the page, not in the section)."""
    return {
        "phase": current_phase(meeting) if meeting.status == MeetingStatus.LIVE else None,
        "phases": phases_of(meeting),
        "phase_started": _iso(meeting.phase_started_at),
        "meeting_started": _iso(meeting.started_at),
    }


def _iso(moment: datetime | None) -> str:
    """A moment for a data attribute (empty when there is none)."""
    return moment.isoformat() if moment else ""


def meeting_events(meeting: Meeting, upto: int | None = None) -> list[TranscriptEvent]:
    """The meeting's phase moves and its end, in order (up to event `upto`, when given)."""
    query = (
        sa.select(TranscriptEvent)
        .where(
            TranscriptEvent.meeting_id == meeting.id,
            TranscriptEvent.kind.in_((MOVED, "meeting.ended")),
        )
        .order_by(TranscriptEvent.seq)
    )
    if upto is not None:
        query = query.where(TranscriptEvent.seq <= upto)
    return list(db.session.scalars(query))


def meeting_timeline(meeting: Meeting) -> list[dict[str, Any]]:
    """The agenda with how long each phase took, read from the meeting's transcript (empty
    when the meeting never moved through phases)."""
    events = meeting_events(meeting)
    if not events or not any(event.kind == MOVED for event in events):
        return []
    return timeline(meeting, events)


def phase_at(meeting: Meeting, seq: int) -> str | None:
    """The name of the phase the meeting was in right after its event `seq` (for the slider), in
    the reader's language."""
    found = spans(meeting_events(meeting, seq))
    if not found or found[-1].ended is not None:
        return None
    return phase_name(found[-1])
