"""The board as it was at any moment of a meeting, rebuilt from the transcript.

The transcript is complete (invariant 2), so the board at event `seq` is the board of today with
every later event of the case undone, newest first, from its `before` payload; an item "added"
after `seq` did not exist yet. Starting from today's rows (deleted ones too) also covers rows
that were written before any meeting, which no event ever added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from fttm.board.models import (
    SafetyRating,
)
from fttm.core.recorder import snapshot
from fttm.core.registry import REPLAYED_MODELS
from fttm.extensions import db
from fttm.meetings.models import Meeting
from fttm.transcript.models import TranscriptEvent

# Bookkeeping no event carries: left out, so a replayed row never pretends to know it.
BOOKKEEPING = frozenset(
    {
        "case_id",
        "version",
        "created_at",
        "updated_at",
        "created_by_user_id",
        "cell_versions",
    }
)

Row = dict[str, Any]
Key = tuple[str, int]


def _columns(model: type) -> tuple[str, ...]:
    """The columns of `model` a replayed row holds."""
    return tuple(c.key for c in model.__mapper__.column_attrs if c.key not in BOOKKEEPING)


def row_of(item: Any) -> Row:
    """A database row as a replayed row: its columns as the transcript writes values."""
    return snapshot(item, _columns(type(item)))


@dataclass
class ReplayedBoard:
    """The board of a case right after one event: every row as it was (deleted ones included)."""

    seq: int
    rows: dict[Key, Row] = field(default_factory=dict)
    # The meeting's safety ratings, by rating id.
    ratings: dict[int, Row] = field(default_factory=dict)

    def row(self, kind: str, item_id: int | None) -> Row | None:
        """One row, as it was (None if it did not exist yet)."""
        return self.rows.get((kind, item_id)) if item_id is not None else None

    def all(self, kind: str) -> list[Row]:
        """Every row of a kind that existed, deleted or not, in the order they show."""
        found = [row for (name, _id), row in self.rows.items() if name == kind]
        return sorted(found, key=lambda row: (row.get("position") or 0, row["id"]))

    def live(self, kind: str) -> list[Row]:
        """The rows of a kind that were on the board (not deleted), in the order they show."""
        return [row for row in self.all(kind) if row.get("deleted_at") is None]

    def name_of(self, person_id: int | None) -> str:
        """A person's name as it was (even if they were later taken off the map)."""
        row = self.row("person", person_id)
        return row["name"] if row else ""


def current_board(case_id: int, meeting_id: int | None = None) -> ReplayedBoard:
    """The case's board as the database holds it now, with the meeting's ratings."""
    board = ReplayedBoard(seq=_last_seq(case_id))
    for name, model in REPLAYED_MODELS.items():
        for item in db.session.scalars(sa.select(model).where(model.case_id == case_id)):
            board.rows[(name, item.id)] = row_of(item)
    if meeting_id is not None:
        ratings = sa.select(SafetyRating).where(SafetyRating.meeting_id == meeting_id)
        for rating in db.session.scalars(ratings):
            board.ratings[rating.id] = {
                "id": rating.id,
                "participant_id": rating.participant_id,
                "score": rating.score,
            }
    return board


def _last_seq(case_id: int) -> int:
    """The sequence number of the case's newest event (0 if none)."""
    latest = sa.select(sa.func.max(TranscriptEvent.seq)).where(TranscriptEvent.case_id == case_id)
    return db.session.scalar(latest) or 0


def undo(board: ReplayedBoard, event: TranscriptEvent) -> None:
    """Take one event back off the board: what it added goes, what it changed is as before."""
    name, _dot, verb = event.kind.partition(".")
    if event.target_id is None:
        return
    if name == "safety_rating":
        rows, key = board.ratings, event.target_id
    elif name in REPLAYED_MODELS:
        rows, key = board.rows, (name, event.target_id)
    else:
        return  # meeting, participant and section events change no board row
    if key not in rows:
        return
    if verb == "added" or (name == "safety_rating" and event.before is None):
        del rows[key]
    elif event.before:
        rows[key].update(event.before)


def board_at(meeting: Meeting, seq: int) -> ReplayedBoard:
    """The board of the meeting's case as it was right after event `seq`."""
    board = current_board(meeting.case_id, meeting.id)
    later = db.session.scalars(
        sa.select(TranscriptEvent)
        .where(TranscriptEvent.case_id == meeting.case_id, TranscriptEvent.seq > seq)
        .order_by(TranscriptEvent.seq.desc())
    )
    for event in later:
        undo(board, event)
    board.seq = seq
    return board


def apply(board: ReplayedBoard, event: TranscriptEvent) -> None:
    """Move a replayed board one event forward (what `undo` takes back)."""
    name, _dot, verb = event.kind.partition(".")
    if event.target_id is None:
        return
    if name == "safety_rating":
        row = board.ratings.setdefault(
            event.target_id, {"id": event.target_id, "participant_id": event.actor_participant_id}
        )
        row.update(event.after or {})
    elif name in REPLAYED_MODELS:
        key = (name, event.target_id)
        if verb == "added" or key not in board.rows:
            board.rows[key] = {"id": event.target_id, "deleted_at": None, "confidential": False}
        board.rows[key].update(event.after or {})
    board.seq = event.seq
