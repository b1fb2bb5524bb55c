"""Who is online in each meeting right now: the sockets each participant has open.

Presence is a live fact, not a record. One worker keeps it in memory. Several workers joined by a
Redis queue keep it in that Redis, so every worker renders the same "who is here": a sorted set
per meeting of "participant:socket" members, scored by when the entry lapses unless its worker
renews it. A worker that dies without closing its sockets therefore stops showing them online
within `LAPSE_SECONDS`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

from flask import current_app

from fttm.cluster import shared_redis

logger = logging.getLogger(__name__)
LAPSE_SECONDS = 90
RENEW_EVERY_SECONDS = 30

# A wall (the projected screen) is no person: its sockets are kept under this participant id, so
# consoles know whether a wall window is open, and "who is here" leaves it out.
WALL = 0

_lock = threading.Lock()
# meeting id -> participant id -> socket ids (this worker's own sockets, queue or not)
_sockets: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
_renewing: set[int] = set()  # apps whose renewal task runs (by id)
# meeting id -> "audience|language" -> socket ids: which renderings this worker's screens need
_renderings: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

# The participant had no live socket before this one (KEYS[1]: the meeting's set).
_ARRIVE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
local prefix = ARGV[1] .. ':'
local first = 1
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[3], '+inf')) do
  if string.sub(member, 1, #prefix) == prefix then first = 0 break end
end
redis.call('ZADD', KEYS[1], ARGV[4], prefix .. ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return first
"""
# The participant's last live socket closed.
_LEAVE = """
local prefix = ARGV[1] .. ':'
if redis.call('ZREM', KEYS[1], prefix .. ARGV[2]) == 0 then return 0 end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[3], '+inf')) do
  if string.sub(member, 1, #prefix) == prefix then return 0 end
end
return 1
"""


def _key(meeting_id: int) -> str:
    """The Redis key of a meeting's presence."""
    return f"fttm:presence:{meeting_id}"


def arrive(meeting_id: int, participant_id: int, sid: str) -> bool:
    """A socket of a participant joined; True if the participant was not online before."""
    with _lock:
        sids = _sockets[meeting_id][participant_id]
        first = not sids
        sids.add(sid)
    redis = shared_redis()
    if redis is None:
        return first
    _keep_renewing()
    now = time.time()
    lapse = now + LAPSE_SECONDS
    args = (participant_id, sid, now, lapse, LAPSE_SECONDS * 2)
    return bool(redis.eval(_ARRIVE, 1, _key(meeting_id), *args))


def leave(meeting_id: int, participant_id: int, sid: str) -> bool:
    """A socket closed; True if that was the participant's last one (they are now offline)."""
    with _lock:
        sids = _sockets[meeting_id].get(participant_id)
        last = bool(sids) and sid in sids and len(sids) == 1
        if sids:
            sids.discard(sid)
            if not sids:
                del _sockets[meeting_id][participant_id]
    redis = shared_redis()
    if redis is None:
        return last
    return bool(redis.eval(_LEAVE, 1, _key(meeting_id), participant_id, sid, time.time()))


def _renderings_key(meeting_id: int) -> str:
    """The Redis key of the renderings a meeting's open screens need."""
    return f"fttm:renderings:{meeting_id}"


def needs(meeting_id: int, audience: str, language: str, sid: str) -> None:
    """A socket opened that renders the meeting for `audience` in `language` (a rendering key)."""
    rendering = f"{audience}|{language}"
    with _lock:
        _renderings[meeting_id][rendering].add(sid)
    redis = shared_redis()
    if redis is not None:
        _keep_renewing()
        key = _renderings_key(meeting_id)
        with redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {f"{rendering}|{sid}": time.time() + LAPSE_SECONDS})
            pipe.expire(key, LAPSE_SECONDS * 2)
            pipe.execute()


def no_longer_needs(meeting_id: int, sid: str) -> None:
    """A socket closed: the renderings it needed may no longer be needed."""
    with _lock:
        people = _renderings.get(meeting_id, {})
        gone = [rendering for rendering, sids in people.items() if sid in sids]
        for rendering in gone:
            people[rendering].discard(sid)
            if not people[rendering]:
                del people[rendering]
    redis = shared_redis()
    if redis is not None and gone:
        redis.zrem(_renderings_key(meeting_id), *(f"{rendering}|{sid}" for rendering in gone))


def renderings(meeting_id: int) -> set[tuple[str, str]]:
    """The (audience, language) renderings the meeting's open screens need, on every worker."""
    redis = shared_redis()
    if redis is None:
        with _lock:
            found = [r for r, sids in _renderings.get(meeting_id, {}).items() if sids]
    else:
        members = redis.zrangebyscore(_renderings_key(meeting_id), time.time(), "+inf")
        found = [member.decode().rsplit("|", 1)[0] for member in members]
    return {tuple(rendering.split("|", 1)) for rendering in found}


def online(meeting_id: int) -> set[int]:
    """The participants of a meeting with at least one open socket."""
    return _connected(meeting_id) - {WALL}


def wall_open(meeting_id: int) -> bool:
    """Whether a wall window of the meeting is open (on any worker)."""
    return WALL in _connected(meeting_id)


def _connected(meeting_id: int) -> set[int]:
    """The participant ids (and WALL) of a meeting with at least one open socket."""
    redis = shared_redis()
    if redis is None:
        with _lock:
            return {pid for pid, sids in _sockets.get(meeting_id, {}).items() if sids}
    return {int(member.split(":", 1)[0]) for member in _live(redis, meeting_id)}


def sockets_of(meeting_id: int, participant_id: int) -> set[str]:
    """The open sockets of one participant, on every worker (to cut them when they are removed)."""
    redis = shared_redis()
    if redis is None:
        with _lock:
            return set(_sockets.get(meeting_id, {}).get(participant_id, ()))
    prefix = f"{participant_id}:"
    return {m.removeprefix(prefix) for m in _live(redis, meeting_id) if m.startswith(prefix)}


def _live(redis, meeting_id: int) -> list[str]:
    """The meeting's presence entries that have not lapsed."""
    members = redis.zrangebyscore(_key(meeting_id), time.time(), "+inf")
    return [member.decode() for member in members]


def _keep_renewing() -> None:
    """Start this worker's renewal of its sockets' presence, once per app."""
    app = current_app._get_current_object()
    with _lock:
        if id(app) in _renewing:
            return
        _renewing.add(id(app))
    from fttm.extensions import socketio

    socketio.start_background_task(_renew_forever, app)


def _renew_forever(app) -> None:
    """Every `RENEW_EVERY_SECONDS`, push back the lapse of this worker's open sockets."""
    from fttm.extensions import socketio

    while True:
        socketio.sleep(RENEW_EVERY_SECONDS)
        try:
            with app.app_context():
                _renew(shared_redis())
        except Exception:  # a Redis hiccup must not end renewal for good
            logger.exception("presence: renewal failed; retrying")


def _renew(redis) -> None:
    """Push back the lapse of every socket this worker holds open."""
    with _lock:
        mine = [
            (meeting_id, participant_id, sid)
            for meeting_id, people in _sockets.items()
            for participant_id, sids in people.items()
            for sid in sids
        ]
        needed = [
            (meeting_id, f"{rendering}|{sid}")
            for meeting_id, wanted in _renderings.items()
            for rendering, sids in wanted.items()
            for sid in sids
        ]
    lapse = time.time() + LAPSE_SECONDS
    with redis.pipeline(transaction=False) as pipe:
        for meeting_id, participant_id, sid in mine:
            pipe.zadd(_key(meeting_id), {f"{participant_id}:{sid}": lapse}, xx=True)
            pipe.expire(_key(meeting_id), LAPSE_SECONDS * 2)
        for meeting_id, member in needed:
            pipe.zadd(_renderings_key(meeting_id), {member: lapse}, xx=True)
            pipe.expire(_renderings_key(meeting_id), LAPSE_SECONDS * 2)
        pipe.execute()
