"""A per-participant limit on how fast changes may arrive, so one phone cannot flood a meeting."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

WINDOW_SECONDS = 10.0
MAX_CHANGES = 30

_lock = threading.Lock()
_recent: dict[int, deque[float]] = defaultdict(deque)


def allow(participant_id: int, now: float | None = None) -> bool:
    """Count one change by this participant; False when they are over the limit."""
    now = time.monotonic() if now is None else now
    with _lock:
        recent = _recent[participant_id]
        while recent and recent[0] <= now - WINDOW_SECONDS:
            recent.popleft()
        if len(recent) >= MAX_CHANGES:
            return False
        recent.append(now)
        return True
