"""A meeting's transcript for reading: its events in order as sentences, filtered by who, role,
section and kind of change, and searched; the filters offer only what the meeting holds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa

from fttm.cases.frameworks import framework_at
from fttm.core.registry import section_titles
from fttm.extensions import db
from fttm.frameworks import Framework
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.models import Meeting
from fttm.templating import local_time
from fttm.transcript.models import TranscriptEvent
from fttm.transcript.replay import ReplayedBoard, board_at, current_board
from fttm.transcript.sentences import (
    World,
    actor_label,
    change_of,
    participants_of,
    role_label,
    tell_in_order,
)

SEARCH_MAX = 200


@dataclass(frozen=True)
class Line:
    """One event of the transcript as the reader sees it."""

    event: TranscriptEvent
    number: int  # its place in the meeting's transcript, from 1 (not the case's running seq)
    sentence: str
    time: str
    moment: datetime
    who: str
    actor: str
    role: str
    section: str
    change: str
    confidential: bool
    searchable: str


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the transcript to; empty means "everything"."""

    participant: str = ""
    role: str = ""
    section: str = ""
    change: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        """The filters of a query string (anything unknown is ignored, long text cut)."""
        return cls(**{name: (args.get(name) or "").strip()[:SEARCH_MAX] for name in FILTER_NAMES})

    def query(self) -> dict[str, str]:
        """The filters that are set, for links that keep them (exports)."""
        return {name: value for name, value in asdict(self).items() if value}

    @property
    def active(self) -> bool:
        """Whether anything narrows the transcript."""
        return bool(self.query())


FILTER_NAMES = ("participant", "role", "section", "change", "q")


def meeting_events(meeting: Meeting) -> list[TranscriptEvent]:
    """The meeting's events, in order."""
    return list(
        db.session.scalars(
            sa.select(TranscriptEvent)
            .where(TranscriptEvent.meeting_id == meeting.id)
            .order_by(TranscriptEvent.seq)
        )
    )


def seq_range(meeting: Meeting) -> tuple[int, int] | None:
    """The first and last seq of the meeting's events (None if it has none)."""
    first, last = db.session.execute(
        sa.select(sa.func.min(TranscriptEvent.seq), sa.func.max(TranscriptEvent.seq)).where(
            TranscriptEvent.meeting_id == meeting.id
        )
    ).one()
    return None if first is None else (first, last)


def event_number(meeting: Meeting, seq: int) -> tuple[int, int]:
    """Where the moment after event `seq` is in the meeting's transcript: how many of its events
    had happened, and how many it has. A case numbers its events across meetings (a review's
    first may be the case's 101st): readers count a meeting's own.
    """
    happened, total = db.session.execute(
        sa.select(
            sa.func.count().filter(TranscriptEvent.seq <= seq),
            sa.func.count(),
        ).where(TranscriptEvent.meeting_id == meeting.id)
    ).one()
    return happened, total


def who_key(event: TranscriptEvent) -> str:
    """One person across their events: staff by account, phones by participant, else by name."""
    if event.actor_user_id:
        return f"u{event.actor_user_id}"
    if event.actor_participant_id:
        return f"p{event.actor_participant_id}"
    return f"n:{event.actor_name}"


def _confidential(board: ReplayedBoard, event: TranscriptEvent) -> bool:
    """Whether the event's item (or a person a line joins) is kept from family screens."""
    kind = event.kind.partition(".")[0]
    row = board.row(kind, event.target_id) or {}
    if row.get("confidential"):
        return True
    ends = [row.get("from_person_id"), row.get("to_person_id"), row.get("person_id")]
    if kind in ("relationship", "ecomap_connection"):
        return any((board.row("person", end) or {}).get("confidential") for end in ends if end)
    return False


def transcript(meeting: Meeting) -> list[Line]:
    """Every event of the meeting as a line to read, in order."""
    events = meeting_events(meeting)
    if not events:
        return []
    rules = profile(meeting.case.jurisdiction)
    first, last = events[0].seq, events[-1].seq
    framework = framework_at(meeting.case, first - 1)
    world = World(board_at(meeting, first - 1), participants_of(meeting.case_id), rules, framework)
    case_events = list(
        db.session.scalars(
            sa.select(TranscriptEvent)
            .where(
                TranscriptEvent.case_id == meeting.case_id,
                TranscriptEvent.seq.between(first, last),
            )
            .order_by(TranscriptEvent.seq)
        )
    )
    flags: dict[int, bool] = {}
    told = tell_in_order(world, case_events, {e.seq for e in events}, flags, _confidential)
    now = current_board(meeting.case_id)
    titles = world.section_titles()
    lines = []
    for number, event in enumerate(events, start=1):
        sentence = told[event.seq]
        actor = actor_label(event, rules)
        values = " ".join(str(v) for p in (event.before, event.after) if p for v in p.values())
        lines.append(
            Line(
                event=event,
                number=number,
                sentence=sentence,
                time=local_time(event.at, rules.zone),
                moment=event.at.astimezone(rules.zone),
                who=who_key(event),
                actor=actor,
                role=event.actor_role,
                section=event.section or "",
                change=change_of(event.kind),
                confidential=flags[event.seq] or _confidential(now, event),
                searchable=" ".join(
                    (sentence, actor, titles.get(event.section or "", ""), values)
                ).casefold(),
            )
        )
    return lines


def select(lines: list[Line], filters: Filters) -> list[Line]:
    """The lines the filters keep; the search is plain text, case-insensitive."""
    needle = filters.q.casefold()
    return [
        line
        for line in lines
        if (not filters.participant or line.who == filters.participant)
        and (not filters.role or line.role == filters.role)
        and (not filters.section or line.section == filters.section)
        and (not filters.change or line.change == filters.change)
        and (not needle or needle in line.searchable)
    ]


def section_names(framework: Framework | None = None) -> dict[str, str]:
    """Every section an event can be in, in words (as `framework` names them)."""
    titles = section_titles(framework, every=True)
    return {**titles, "meeting": _("The meeting"), "case": _("The case")}


def meeting_framework(meeting: Meeting) -> Framework:
    """The framework the meeting's board was on (as at its first event)."""
    first = db.session.scalar(
        sa.select(sa.func.min(TranscriptEvent.seq)).where(TranscriptEvent.meeting_id == meeting.id)
    )
    return framework_at(meeting.case, first or 0)


def change_names() -> dict[str, str]:
    """Every kind of change, in words."""
    return {
        "added": _("Added"),
        "edited": _("Changed"),
        "removed": _("Removed"),
        "restored": _("Restored"),
        "confidential": _("Confidentiality"),
        "other": _("Other"),
    }


def choices(lines: list[Line], meeting: Meeting) -> dict[str, list[tuple[str, str]]]:
    """For each filter, the (value, words) pairs the meeting's events hold, in a stable order."""
    rules = profile(meeting.case.jurisdiction)
    people: dict[str, str] = {}
    for line in lines:
        people.setdefault(line.who, line.actor)
    roles = {line.role: role_label(line.role, rules) for line in lines}
    sections, changes = section_names(meeting_framework(meeting)), change_names()
    in_use = {line.section for line in lines}
    used_changes = {line.change for line in lines}
    return {
        "participant": sorted(people.items(), key=lambda pair: pair[1].casefold()),
        "role": sorted(roles.items(), key=lambda pair: pair[1].casefold()),
        "section": [(key, sections.get(key, key)) for key in sorted(in_use, key=_order)],
        "change": [(key, words) for key, words in changes.items() if key in used_changes],
    }


def _order(section: str) -> tuple[int, str]:
    """Sections in the order of the board, the meeting first."""
    order = ["meeting", "participants", *section_titles(every=True), "case"]
    return (order.index(section) if section in order else len(order), section)
