"""Socket.IO connections: only signed-in staff for now; meeting participants join in the board area.

Flask's before_request hooks do not run for socket events, so every handler checks who is asking.
"""

from __future__ import annotations

import logging

from flask_login import current_user

from fttm.extensions import socketio

logger = logging.getLogger(__name__)


@socketio.on("connect")
def connect(auth=None):
    """A browser opens its socket; refused unless it carries a signed-in staff session."""
    if not current_user.is_authenticated:
        logger.info("socket connection refused: not signed in")
        return False
    return True
