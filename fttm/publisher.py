"""The seam between committed changes and the screens that show them.

Commands hand their committed transcript events here; the realtime area subscribes a function that
pushes them to the meeting's rooms. Tests can subscribe their own function to see what is published.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

_subscribers: list[Callable[[list], None]] = []


def subscribe(receiver: Callable[[list], None]) -> Callable[[], None]:
    """Call `receiver(events)` after every commit; returns a function that unsubscribes it."""
    _subscribers.append(receiver)
    return lambda: _subscribers.remove(receiver)


def subscribe_once(receiver: Callable[[list], None]) -> None:
    """Subscribe `receiver` unless it already is (each app instance asks again)."""
    if receiver not in _subscribers:
        _subscribers.append(receiver)


def publish(events: Iterable) -> None:
    """Hand committed events to every subscriber; one failing subscriber does not stop the rest."""
    events = list(events)
    for receiver in list(_subscribers):
        try:
            receiver(events)
        except Exception:
            # The change is committed and durable; a failed push is caught up on reconnect.
            logger.exception("publishing %d event(s) failed", len(events))
