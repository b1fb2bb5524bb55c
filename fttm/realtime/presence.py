"""Who is online in each meeting right now: the sockets each participant has open, per worker.

Presence is a live fact, not a record: it is kept in memory. With several workers each knows its
own sockets; issue 6's Redis queue carries the pushes between them.
"""

from __future__ import annotations

import threading
from collections import defaultdict

_lock = threading.Lock()
# meeting id -> participant id -> socket ids
_sockets: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))


def arrive(meeting_id: int, participant_id: int, sid: str) -> bool:
    """A socket of a participant joined; True if the participant was not online before."""
    with _lock:
        sids = _sockets[meeting_id][participant_id]
        first = not sids
        sids.add(sid)
        return first


def leave(meeting_id: int, participant_id: int, sid: str) -> bool:
    """A socket closed; True if that was the participant's last one (they are now offline)."""
    with _lock:
        sids = _sockets[meeting_id].get(participant_id)
        if not sids:
            return False
        sids.discard(sid)
        if sids:
            return False
        del _sockets[meeting_id][participant_id]
        return True


def online(meeting_id: int) -> set[int]:
    """The participants of a meeting with at least one open socket."""
    with _lock:
        return {pid for pid, sids in _sockets.get(meeting_id, {}).items() if sids}


def sockets_of(meeting_id: int, participant_id: int) -> set[str]:
    """The open sockets of one participant (to cut them when they are removed)."""
    with _lock:
        return set(_sockets.get(meeting_id, {}).get(participant_id, ()))
