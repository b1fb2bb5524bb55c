"""Moving a case's board to another practice framework, between meetings.

Nothing written moves or changes: each strength and worry keeps its words and the section it was
written in, and the board shows it under the section of the new framework nearest to that one
(fttm.frameworks), or under "From the earlier framework". The move itself is in the case's
transcript, with the framework before and after, so a replay of any moment reads the board as it
was framed then.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.auth.models import User
from fttm.cases.commands import _require_caseworker
from fttm.cases.models import Case
from fttm.core.recorder import Actor, change
from fttm.errors import Invalid, NotFound
from fttm.extensions import db
from fttm.frameworks import FRAMEWORKS, Framework, framework_named, framework_of_case
from fttm.languages import gettext as _
from fttm.meetings.models import Meeting, MeetingStatus
from fttm.transcript.models import TranscriptEvent

MOVED = "case.framework_changed"


def move_case(actor: User, case: Case, key: str) -> Case:
    """Put the case's board on the framework `key`; refused while one of its meetings runs."""
    _require_caseworker(actor)
    if case.team_id != actor.team_id:
        raise NotFound("case of another team")
    if key not in FRAMEWORKS:
        raise Invalid({"framework": _("Choose a practice framework from the list.")})
    before = framework_of_case(case).key
    if key == before:
        return case
    running = db.session.scalar(
        sa.select(Meeting.id).where(
            Meeting.case_id == case.id,
            Meeting.status.in_((MeetingStatus.OPEN, MeetingStatus.LIVE)),
        )
    )
    if running is not None:
        raise Invalid(
            {
                "framework": _(
                    "A meeting of this case is running: change the framework after it ends."
                )
            }
        )
    with change(case.id, Actor.for_user(actor)) as current:
        case.framework = key
        current.record(
            MOVED, case, before={"framework": before}, after={"framework": key}, section="case"
        )
    return case


def framework_at(case: Case, seq: int) -> Framework:
    """The framework the case's board was on right after its event `seq`."""
    moves = db.session.scalars(
        sa.select(TranscriptEvent)
        .where(TranscriptEvent.case_id == case.id, TranscriptEvent.kind == MOVED)
        .order_by(TranscriptEvent.seq)
    ).all()
    done = [move for move in moves if move.seq <= seq]
    if done:
        return framework_named(done[-1].after["framework"])
    if moves:
        return framework_named(moves[0].before["framework"])
    return framework_of_case(case)
