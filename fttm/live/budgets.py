"""How fast a screen may talk over its socket, so one phone cannot stall a meeting.

Every event a screen sends is counted twice: against its socket's budget and against its
person's (all their tabs together), each a sliding window per kind of event. A catch-up renders
the board, so it gets a small budget; "is editing" is cheap and gets a large one. These budgets
are apart from the one that limits changes over HTTP (fttm.live.rate_limit): chatter on the
socket never uses up a person's right to save their words.

A socket lives on one worker, so its count stays in that worker's memory. A person's sockets may
be spread over several workers joined by a Redis queue: their count then lives in that Redis.
Which store counts a person is chosen once per app, the first time it is needed.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app

from fttm.cluster import shared_redis

WINDOW_SECONDS = 10.0


@dataclass(frozen=True)
class Budget:
    """How many events of one kind a socket, and a person, may send per window."""

    per_socket: int
    per_person: int


BUDGETS = {
    # Opening a socket may push "who is here" to everyone: reconnecting in a loop is a flood too.
    "connect": Budget(per_socket=1, per_person=20),
    "board:sync": Budget(per_socket=6, per_person=12),
    "board:editing": Budget(per_socket=40, per_person=80),
}
# Events fttm does not know: refused anyway, but counted so a flood of them is cut short too.
UNKNOWN = "unknown"
BUDGETS[UNKNOWN] = Budget(per_socket=10, per_person=20)


class Windows(Protocol):
    """Sliding windows of recent events, one per key."""

    def take(self, key: str, limit: int) -> float:
        """Count one event under `key`: 0 if it fits, else the seconds until one would."""

    def forget(self, key: str) -> None:
        """Drop a key's count (its socket closed)."""


class MemoryWindows:
    """Windows in this worker's memory."""

    # Past this many keys, windows with nothing left in them are swept away.
    SWEEP_ABOVE = 10_000

    def __init__(self, window: float = WINDOW_SECONDS) -> None:
        self.window = window
        self._lock = threading.Lock()
        self._recent: dict[str, deque[float]] = defaultdict(deque)

    def take(self, key: str, limit: int, now: float | None = None) -> float:
        """Count one event under `key`: 0 if it fits, else the seconds until one would."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = self._recent[key]
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= limit:
                return recent[0] + self.window - now
            recent.append(now)
            if len(self._recent) > self.SWEEP_ABOVE:
                self._sweep(now)
            return 0.0

    def forget(self, key: str) -> None:
        """Drop a key's count (its socket closed)."""
        with self._lock:
            self._recent.pop(key, None)

    def _sweep(self, now: float) -> None:
        """Drop the windows whose every event is older than the window (lock held)."""
        stale = [key for key, recent in self._recent.items() if recent[-1] <= now - self.window]
        for key in stale:
            del self._recent[key]


# A sliding window in a sorted set, checked and counted in one step, on Redis's own clock so
# workers whose clocks differ agree. KEYS[1]: the key; ARGV: window (µs), limit, unique member.
# Returns 0 when counted, else the microseconds until the oldest event leaves the window.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
return 0
"""


class RedisWindows:
    """Windows in the Redis that joins the workers."""

    def __init__(self, redis, window: float = WINDOW_SECONDS) -> None:
        self.redis = redis
        self.window = window

    def take(self, key: str, limit: int) -> float:
        """Count one event under `key`: 0 if it fits, else the seconds until one would."""
        window = int(self.window * 1_000_000)
        wait = self.redis.eval(_TAKE, 1, f"fttm:socket-rate:{key}", window, limit, _member())
        return int(wait) / 1_000_000

    def forget(self, key: str) -> None:
        """Drop a key's count."""
        self.redis.delete(f"fttm:socket-rate:{key}")


def _member() -> str:
    """A unique member of a window's set (two events in the same microsecond both count)."""
    return secrets.token_hex(8)


class SocketBudgets:
    """One app's counts: sockets in memory, people in the store the deployment shares."""

    def __init__(self, people: Windows) -> None:
        self.sockets = MemoryWindows()
        self.people = people

    def wait(self, event: str, sid: str, person: str | None) -> int:
        """Count an event: 0 if it may be handled, else the whole seconds to wait before more."""
        event = event if event in BUDGETS else UNKNOWN  # any unknown name shares one budget
        budget = BUDGETS[event]
        wait = self.sockets.take(f"{event}@{sid}", budget.per_socket)
        if not wait and person is not None:
            wait = self.people.take(f"{event}@{person}", budget.per_person)
        return max(1, math.ceil(wait)) if wait else 0

    def socket_closed(self, sid: str) -> None:
        """Forget a closed socket's counts."""
        for event in BUDGETS:
            self.sockets.forget(f"{event}@{sid}")


_choosing = threading.Lock()


def budgets_of(app: Flask | None = None) -> SocketBudgets:
    """The app's socket budgets, made the first time they are asked for."""
    app = app or current_app._get_current_object()
    budgets = app.extensions.get("fttm.socket_budgets")
    if budgets is None:
        with _choosing:
            budgets = app.extensions.get("fttm.socket_budgets")
            if budgets is None:
                redis = shared_redis()
                people = RedisWindows(redis) if redis is not None else MemoryWindows()
                budgets = app.extensions["fttm.socket_budgets"] = SocketBudgets(people)
    return budgets
