"""Socket.IO room names: each meeting has one room per audience, each participant their own, and
the facilitator's screens (walls, consoles) theirs."""


def audience_room(meeting_id: int, audience: str) -> str:
    """Everyone in a meeting who gets one rendering of the board (staff or family)."""
    return f"meeting-{meeting_id}-{audience}"


def rendering_room(meeting_id: int, audience: str, language: str) -> str:
    """The screens of one audience reading one language (a rendering key: "fr_CA+en" on a
    bilingual wall): each push is rendered once for them all."""
    return f"meeting-{meeting_id}-{audience}-{language}"


def participant_room(participant_id: int) -> str:
    """All the sockets of one participant (their phone may reconnect, or open two tabs)."""
    return f"participant-{participant_id}"


def wall_room(meeting_id: int) -> str:
    """The meeting's walls (projected screens): told what to bring into focus."""
    return f"meeting-{meeting_id}-wall"


def console_room(meeting_id: int, *, presenting: bool, language: str | None = None) -> str:
    """The facilitators' consoles of a meeting, apart by whether the room sees them (and, for
    what is rendered for them, by the language they read)."""
    room = f"meeting-{meeting_id}-console-{'room' if presenting else 'staff'}"
    return f"{room}-{language}" if language else room
