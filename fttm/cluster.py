"""What the workers of one site share when a Redis message queue joins them.

With `FTTM_MESSAGE_QUEUE=redis://…` several worker processes serve one site; live facts that must
agree between them (who is online, how fast someone is sending changes) then live in that Redis.
Without a queue there is one worker, and they stay in its memory, as fast as before.
"""

from __future__ import annotations

from flask import current_app, has_app_context

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def shared_redis():
    """The Redis of the message queue (one connection pool per app), or None if there is none."""
    if not has_app_context():
        return None
    url = current_app.config.get("MESSAGE_QUEUE")
    if not url or not url.startswith(REDIS_SCHEMES):
        return None
    client = current_app.extensions.get("fttm.redis")
    if client is None:
        import redis

        client = current_app.extensions["fttm.redis"] = redis.Redis.from_url(url)
    return client
