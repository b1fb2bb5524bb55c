"""Socket.IO room names: each meeting has one room per audience, each participant their own."""


def audience_room(meeting_id: int, audience: str) -> str:
    """Everyone in a meeting who gets one rendering of the board (staff or family)."""
    return f"meeting-{meeting_id}-{audience}"


def participant_room(participant_id: int) -> str:
    """All the sockets of one participant (their phone may reconnect, or open two tabs)."""
    return f"participant-{participant_id}"
