"""Wrong join codes counted per address, so nobody can guess codes until one opens a meeting.

Every code that opens no meeting counts against the address that asked, in one atomic step that
also says whether it was one too many; past the limit, until the window that began with the
first of them is over, every code from that address gets the same "wait" answer, right or wrong.
So however many guesses a burst sends at once, only the first few are answered. Right codes
count nothing: a room of phones behind one address joining at once is never held up by itself.

One worker counts in its memory. Several workers joined by a Redis queue count in that Redis,
so an address cannot multiply its tries by the number of workers. Which of the two an app uses
is chosen once, the first time it is needed.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol

from flask import current_app, request

from fttm.auth import throttle
from fttm.cluster import shared_redis

EXTENSION = "fttm.join_tries"


class Tries(Protocol):
    """Wrong join codes, counted per address key."""

    def wrong(self, key: str) -> int:
        """Count one wrong code; 0 if it is within the limit, else the seconds left to wait."""

    def waiting(self, key: str) -> int:
        """The seconds this address still waits before it may try a code; 0 if it need not."""


class MemoryTries:
    """Wrong codes counted in this worker's memory (one worker serves the site)."""

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}  # key: (when its window began, count)

    def _current(self, key: str, now: float) -> tuple[float, int]:
        """The address's window and count, a fresh one if its window is over."""
        began, count = self._counts.get(key, (now, 0))
        return (now, 0) if now - began >= self.window else (began, count)

    def wrong(self, key: str) -> int:
        """Count one wrong code; 0 if it is within the limit, else the seconds left to wait."""
        now = self.clock()
        with self._lock:
            began, count = self._current(key, now)
            self._counts[key] = (began, count + 1)
            if len(self._counts) > 10_000:  # many addresses: forget those whose window is over
                self._forget_before(now - self.window)
            return self._left(began, now) if count + 1 > self.limit else 0

    def waiting(self, key: str) -> int:
        """The seconds this address still waits before it may try a code; 0 if it need not."""
        now = self.clock()
        with self._lock:
            began, count = self._current(key, now)
            return self._left(began, now) if count >= self.limit else 0

    def _left(self, began: float, now: float) -> int:
        """Whole seconds until the window that began at `began` is over (at least one)."""
        return max(1, math.ceil(began + self.window - now))

    def _forget_before(self, moment: float) -> None:
        """Drop every address whose window began before `moment`."""
        for key in [key for key, (began, _count) in self._counts.items() if began < moment]:
            del self._counts[key]


# Seconds left in the window of KEYS[1] (its expiry; set again if it somehow has none).
_LEFT = """
local function left(key, window)
  local seconds = redis.call('TTL', key)
  if seconds < 0 then
    redis.call('EXPIRE', key, window)
    seconds = window
  end
  return math.max(seconds, 1)
end
"""
# Count and judge in one step; the window starts at the first wrong code. ARGV: limit, window.
_WRONG = (
    _LEFT
    + """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then return left(KEYS[1], tonumber(ARGV[2])) end
return 0
"""
)
_WAITING = (
    _LEFT
    + """
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then
  return left(KEYS[1], tonumber(ARGV[2]))
end
return 0
"""
)


class RedisTries:
    """Wrong codes counted in the Redis that joins the site's workers (Redis's own clock)."""

    def __init__(self, redis, limit: int, window: float):
        self.redis, self.limit, self.window = redis, limit, math.ceil(window)

    def _run(self, script: str, key: str) -> int:
        return int(self.redis.eval(script, 1, f"fttm:join-tries:{key}", self.limit, self.window))

    def wrong(self, key: str) -> int:
        """Count one wrong code; 0 if it is within the limit, else the seconds left to wait."""
        return self._run(_WRONG, key)

    def waiting(self, key: str) -> int:
        """The seconds this address still waits before it may try a code; 0 if it need not."""
        return self._run(_WAITING, key)


def tries() -> Tries:
    """This app's count of tries, in memory or in Redis as its deployment has it."""
    app = current_app._get_current_object()
    counter = app.extensions.get(EXTENSION)
    if counter is None:
        limit = app.config["JOIN_CODE_TRIES_PER_ADDRESS"]
        window = app.config["JOIN_CODE_TRY_WINDOW_SECONDS"]
        redis = shared_redis()
        made = RedisTries(redis, limit, window) if redis else MemoryTries(limit, window)
        counter = app.extensions.setdefault(EXTENSION, made)  # one, if two requests race here
    return counter


def address_key() -> str:
    """Who is trying: the client's address as the app sees it (believing forwarded addresses
    only from the proxies FTTM_TRUSTED_PROXIES counts, see fttm/security.py), keyed and hashed
    as sign-in keys it (IPv6 by its /64), so neither memory nor Redis holds anyone's address."""
    return throttle.address_key(request.remote_addr or "unknown")
