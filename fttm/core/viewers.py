"""Who is acting on a meeting's board, and which of its two audiences they belong to: staff (who
see confidential items) or the room (family phones and the wall).
"""

from __future__ import annotations

from dataclasses import dataclass

from fttm.auth.models import User
from fttm.core.recorder import Actor
from fttm.meetings.models import Meeting, MeetingStatus, Participant

STAFF = "staff"
FAMILY = "family"
AUDIENCES = (STAFF, FAMILY)


@dataclass(frozen=True)
class Viewer:
    """A person in a meeting, and what the board may show and let them do."""

    meeting: Meeting
    participant: Participant
    user: User | None = None
    # Staff whose screen the room sees (the wall, or the console while presenting): they keep
    # their rights, but the screen gets the room's rendering.
    for_room: bool = False

    @property
    def is_staff(self) -> bool:
        """Staff run the meeting and see confidential items."""
        return self.user is not None

    @property
    def audience(self) -> str:
        """Which rendering of the board this screen gets: staff, or the room's (family)."""
        return STAFF if self.is_staff and not self.for_room else FAMILY

    @property
    def actor(self) -> Actor:
        """This person as the author of a change."""
        return Actor.for_participant(self.participant)

    @property
    def read_only(self) -> bool:
        """Once the meeting has ended (or before it opens) nobody edits the board."""
        return self.meeting.status not in (MeetingStatus.OPEN, MeetingStatus.LIVE)
