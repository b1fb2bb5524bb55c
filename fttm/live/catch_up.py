"""Catching a (re)connected screen up: what it lacks, and renderings shared between screens.

A screen says what it holds: the newest number it saw, the number of its newest rendering of each
section, and the items pushed to it alone since. It is sent exactly the sections changed after what
it holds, read from the transcript with the same mapping from change to section as the pushes use:
nothing when it is up to date. Pushes of two changes made at once can cross on the way (a screen
may hold the push of change 10 and have missed 9, lost with its server): each section is judged by
its own number, so the one that missed 9 is sent again however new the others are.

When the wifi drops, thirty phones reconnect together and each asks for what it missed. Rendered
once per screen, that stalled every other request of the meeting for seconds. The board at one
sequence number looks the same to every screen of one audience reading one language, so the
first asker renders it and the others wait for that rendering and share it.

The key always holds the audience: a family screen is never handed a staff rendering. Sections
that change without a new sequence number (who is online) are never shared.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
from flask import Flask, current_app

from fttm.core.registry import KINDS
from fttm.core.viewers import STAFF
from fttm.extensions import db
from fttm.frameworks import framework_of_case
from fttm.live.pushes import EVERYTHING, STAFF_ONLY_SECTIONS, sections_for
from fttm.live.sections import item_element_id, sent_alone
from fttm.meetings.models import Meeting
from fttm.routing import MAX_ID
from fttm.transcript.models import TranscriptEvent
from fttm.voices.rendering import kept_from_room

# "Who is here" changes when a socket comes or goes, which makes no event: always rendered fresh.
LIVE_SECTIONS = frozenset({"participants"})
# The most changes read for one catch-up, newest first: a section held from before them is sent
# without reading further (reading them all would cost more than rendering it).
MOST_EVENTS = 500
# The most items pushed alone a screen may say it holds (js/pushes.js sends at most as many).
MOST_ITEMS = 200
ITEM_ID = re.compile(r"^([a-z_]{1,20})-(\d{1,12})$")


@dataclass(frozen=True)
class Held:
    """What a reconnecting screen holds: the newest number it saw (`since`), the number of its
    newest whole rendering of each section, and of each item pushed to it alone since."""

    since: int
    sections: dict[str, int]
    items: dict[str, int]


def _number(value) -> bool:
    """Whether a screen's number is one fttm could have given it."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID


def held_from(data) -> Held | None:
    """A screen's `board:sync` message, checked strictly (None: malformed). A page from before
    screens said what they hold names no sections: it holds nothing known."""
    if not isinstance(data, dict) or not _number(data.get("since")):
        return None
    sections, items = data.get("sections", {}), data.get("items", {})
    if not isinstance(sections, dict) or not isinstance(items, dict):
        return None
    if len(sections) > len(EVERYTHING) or len(items) > MOST_ITEMS:
        return None
    if not all(name in EVERYTHING and _number(seq) for name, seq in sections.items()):
        return None
    for element, seq in items.items():
        match = ITEM_ID.match(element) if isinstance(element, str) else None
        if match is None or match.group(1) not in KINDS or not _number(seq):
            return None
    return Held(data["since"], sections, items)


def missed(meeting: Meeting, audience: str, held: Held, seq: int) -> tuple[str, ...]:
    """The sections a screen of `audience` holding `held` lacks now that the board is at `seq`:
    those changed after its rendering of them, every section it does not hold, and each held
    from before the newest MOST_EVENTS changes (too far behind). When its numbers make no
    sense here (ahead of the database, say, restored from a backup), every section."""
    # The sections of this board: those of its case's framework, not every framework's.
    board = ("status", *framework_of_case(meeting.case).board_sections())
    numbers = [*held.sections.values(), *held.items.values()]
    if not held.sections or held.since > seq or max(numbers) > held.since:
        return board
    events = db.session.scalars(
        sa.select(TranscriptEvent)
        .where(
            TranscriptEvent.case_id == meeting.case_id,
            TranscriptEvent.seq > min(held.sections.values()),
            TranscriptEvent.seq <= seq,
        )
        .order_by(TranscriptEvent.seq.desc())
        .limit(MOST_EVENTS)
    ).all()
    names = set(board) - set(held.sections)
    if len(events) == MOST_EVENTS:  # older changes were not read: what only they touched
        oldest_read = events[-1].seq
        names.update(name for name, number in held.sections.items() if number + 1 < oldest_read)
    if audience != STAFF:
        events = _pushed_to_family(events)
    for event in events:
        for name in sections_for([event]):
            if event.seq > held.sections.get(name, 0) and not _held_alone(event, name, held):
                names.add(name)
    return tuple(name for name in board if name in names)


def _alone(event: TranscriptEvent) -> tuple[str, int] | None:
    """The item a change is pushed as, alone (kind, id), when it is (None: its section is)."""
    kind, _dot, change = event.kind.partition(".")
    if kind not in KINDS or event.target_id is None:
        return None
    return (kind, event.target_id) if sent_alone(kind, change, event.after or {}) else None


def _held_alone(event: TranscriptEvent, name: str, held: Held) -> bool:
    """Whether the screen holds this change as its item pushed alone, at its number or later."""
    item = _alone(event)
    if item is None or event.section != name:
        return False
    return held.items.get(item_element_id(*item), -1) >= event.seq


def _pushed_to_family(events: list[TranscriptEvent]) -> list[TranscriptEvent]:
    """The changes whose pushes the family's screens were sent: not what only staff see (who
    agreed, the review), not the edits of items confidential now, which were pushed to staff
    alone. (An item made confidential or shared since has that later change, which the family
    was pushed, standing for its earlier ones.) Catching up then tells a family screen nothing
    its pushes did not: not even that something confidential changed, and where."""
    events = [event for event in events if event.section not in STAFF_ONLY_SECTIONS]
    events = [event for event in events if not kept_from_room(event)]
    wanted: dict[str, set[int]] = {}
    for item in filter(None, map(_alone, events)):
        wanted.setdefault(item[0], set()).add(item[1])
    secret: set[tuple[str, int]] = set()
    for kind, ids in wanted.items():
        model = KINDS[kind].model
        found = db.session.scalars(
            sa.select(model.id).where(model.id.in_(ids), model.confidential.is_(True))
        )
        secret.update((kind, item_id) for item_id in found)
    return [event for event in events if _alone(event) not in secret]


class Board(NamedTuple):
    """What a shared rendering depends on."""

    meeting_id: int
    seq: int
    audience: str
    locale: str


class _Entry:
    """One board's sections as rendered so far; its lock lets one asker render at a time."""

    def __init__(self, now: float) -> None:
        self.made = now
        self.lock = threading.Lock()
        self.sections: dict[str, str] = {}


class SharedRenderings:
    """A small, bounded store of recent catch-up renderings, per (meeting, seq, audience, locale).

    Bounded in entries (the oldest used goes first) and in age, so whatever a rendering reads
    that the sequence number does not capture is never stale for long.
    """

    def __init__(self, size: int = 64, lifetime: float = 30.0) -> None:
        self.size = size
        self.lifetime = lifetime
        self.renderings = 0  # how many times sections were rendered (for tests and the bench)
        self._lock = threading.Lock()
        self._entries: OrderedDict[Board, _Entry] = OrderedDict()

    def sections(
        self, board: Board, names: Iterable[str], render: Callable[[list[str]], dict]
    ) -> dict[str, str]:
        """The named sections of `board`: shared where another screen asked first, rendered by
        `render(names)` where not; `LIVE_SECTIONS` are rendered for each asker."""
        names = list(names)
        shared = [name for name in names if name not in LIVE_SECTIONS]
        live = [name for name in names if name in LIVE_SECTIONS]
        found: dict[str, str] = {}
        if shared:
            entry = self._entry(board)
            # Held while rendering: screens asking for the same board wait, then share it.
            with entry.lock:
                missing = [name for name in shared if name not in entry.sections]
                if missing:
                    entry.sections.update(render(missing))
                    self.renderings += 1
                found = {name: entry.sections[name] for name in shared}
        if live:
            found.update(render(live))
        return {name: found[name] for name in names}

    def _entry(self, board: Board) -> _Entry:
        """The board's entry, made (and the oldest dropped) if it is not held or too old."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(board)
            if entry is None or now - entry.made > self.lifetime:
                entry = self._entries[board] = _Entry(now)
            self._entries.move_to_end(board)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return entry

    def __len__(self) -> int:
        return len(self._entries)


def shared_renderings(app: Flask | None = None) -> SharedRenderings:
    """The app's store of catch-up renderings (one per worker process)."""
    app = app or current_app._get_current_object()
    store = app.extensions.get("fttm.shared_renderings")
    if store is None:  # setdefault: two first askers at once still end up with one store
        store = app.extensions.setdefault("fttm.shared_renderings", SharedRenderings())
    return store
