"""A per-participant limit on how fast changes may arrive, so one phone cannot flood a meeting.

One worker counts in memory. Several workers joined by a Redis queue count in that Redis, so a
phone cannot double its budget by having its requests land on two workers.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque

from fttm.cluster import shared_redis

WINDOW_SECONDS = 10.0
MAX_CHANGES = 30

_lock = threading.Lock()
_recent: dict[int, deque[float]] = defaultdict(deque)

# A sliding window in a sorted set, checked and counted in one step. Redis's own clock, so
# workers whose clocks differ still agree. KEYS[1]: the participant's key; ARGV: window in
# microseconds, the limit, a unique member.
_ALLOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1]) / 1000))
return 1
"""


def allow(participant_id: int, now: float | None = None) -> bool:
    """Count one change by this participant; False when they are over the limit."""
    redis = shared_redis() if now is None else None
    if redis is not None:
        key = f"fttm:rate:{participant_id}"
        window = int(WINDOW_SECONDS * 1_000_000)
        return bool(redis.eval(_ALLOW, 1, key, window, MAX_CHANGES, secrets.token_hex(8)))
    now = time.monotonic() if now is None else now
    with _lock:
        recent = _recent[participant_id]
        while recent and recent[0] <= now - WINDOW_SECONDS:
            recent.popleft()
        if len(recent) >= MAX_CHANGES:
            return False
        recent.append(now)
        return True
