"""Catch-up renderings shared between the screens that ask for the same board.

When the wifi drops, thirty phones reconnect together and each asks for the whole board. Rendered
once per screen, that stalled every other request of the meeting for seconds. The board at one
sequence number looks the same to every screen of one audience reading one language, so the
first asker renders it and the others wait for that rendering and share it.

The key always holds the audience: a family screen is never handed a staff rendering. Sections
that change without a new sequence number (who is online) are never shared.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from flask import Flask, current_app

# "Who is here" changes when a socket comes or goes, which makes no event: always rendered fresh.
LIVE_SECTIONS = frozenset({"participants"})


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
