"""The toolkit every row command stands on (board items, action cells, people, lines,
connections), so the board, the family map and plans ask, load, check and write alike:

- who may write: `may_write` (the meeting runs, the person is in it, the section is open to them),
  `require_admitted`, and `own_or_staff` (family change only what they added; staff anything);
- which row: `live_row` (a row of the meeting's case the person may see, removed or not as asked)
  and `replayed` (the row an earlier try of the same request saved);
- the write: `viewer_change` (the one write path, for a person in a meeting) and `set_fields`
  (set some fields of a row and record the event, with before and after).

Versions are optimistic: the version check and its write are one statement, so two editors who
started from the same version can never both win, on SQLite or PostgreSQL. A row's `version`
moves on with every change to it. `claim` moves it on only if it is still the version the editor
saw (`UPDATE … WHERE version = :seen`, its row count checked); `bump` moves it on whatever it is.
Both take the row's write lock until the transaction ends, so what is checked after a claim
cannot change underneath it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from fttm.core.recorder import Change, meeting_change, replayed_row, snapshot
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, NotAllowed, NotFound
from fttm.extensions import db
from fttm.family_map.models import EcomapConnection, Person, Relationship
from fttm.idempotency import RequestKey
from fttm.languages import gettext as _
from fttm.meetings.models import ParticipantStatus


def claim(item, seen: int) -> bool:
    """Move the row's version from `seen` to the next; False (nothing written) if it has moved."""
    model = type(item)
    result = db.session.execute(
        sa.update(model)
        .where(model.id == item.id, model.version == seen)
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(item, "version", seen + 1)
    return True


def bump(item) -> None:
    """Move the row's version on by one, whatever it is now (a change no editor based on it)."""
    model = type(item)
    version = db.session.execute(
        sa.update(model)
        .where(model.id == item.id)
        .values(version=model.version + 1)
        .returning(model.version)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(item, "version", version)


def reread(item) -> None:
    """Load the row again as committed now (after a claim found that someone changed it)."""
    db.session.refresh(item)


# -- who may write --------------------------------------------------------------------------


def require_admitted(viewer: Viewer) -> None:
    """Refuse someone who is not (or no longer) let into the meeting."""
    if viewer.participant.status != ParticipantStatus.ADMITTED:
        raise NotAllowed(_("You are not in this meeting (any more)."))


def may_write(viewer: Viewer, section: str, *, staff_only: bool = False) -> None:
    """Refuse when the meeting is not running, the section is locked, or it is staff-only."""
    if viewer.read_only:
        raise NotAllowed(_("This meeting is not running: the board can't be changed."))
    require_admitted(viewer)
    if staff_only and not viewer.is_staff:
        raise NotAllowed(_("Only the facilitator writes here."))
    if section in (viewer.meeting.locked_sections or []) and not viewer.is_staff:
        raise NotAllowed(_("The facilitator has locked this section for now."))
    if viewer.meeting.family_time_started_at is not None and not viewer.is_staff:
        # Private family time: the family's new items become drafts (fttm.family_time); any other
        # change would show on staff screens at once, so it waits until the draft is shared.
        raise NotAllowed(
            _(
                "During private family time, new items go into your family's plan: add them "
                "there. Changes to the board can be made once the plan is shared."
            )
        )


def own_or_staff(viewer: Viewer, item, *, removing: bool = False) -> None:
    """Refuse a family member's change to a row someone else added; staff change anything.
    `removing` words the refusal for taking a line or a person off the family map.
    """
    if viewer.is_staff or item.created_by_participant_id == viewer.participant.id:
        return
    if removing:
        raise NotAllowed(_("You can remove what you added; ask the facilitator about the rest."))
    raise NotAllowed(_("You can change what you added; ask the facilitator about the rest."))


# -- which row ------------------------------------------------------------------------------


def live_row(viewer: Viewer, model, item_id: int, *, deleted: bool = False):
    """A row of the meeting's case the viewer may see, removed or not as asked; NotFound
    otherwise (a row kept from family screens is, to them, not there).
    """
    item = db.session.get(model, item_id)
    if item is None or item.case_id != viewer.meeting.case_id:
        raise NotFound("no such row")
    if not viewer.is_staff and (item.confidential or _touches_confidential(item)):
        raise NotFound("confidential")
    if (item.deleted_at is not None) != deleted:
        raise NotFound("deleted" if item.deleted_at else "not deleted")
    return item


def _touches_confidential(item) -> bool:
    """A line to someone kept off family screens is kept off them too."""
    if isinstance(item, Relationship):
        ends = (item.from_person_id, item.to_person_id)
    elif isinstance(item, EcomapConnection):
        ends = (item.person_id,)
    else:
        return False
    return any(person_id and db.session.get(Person, person_id).confidential for person_id in ends)


def replayed(viewer: Viewer, model, key: RequestKey | str | None):
    """The row an earlier try of this same change (same key, same person, same request) saved,
    if any: only a row of this kind and this case. The answer is rendered for the asker as they
    may see it now (an item made confidential since is left out of a phone's answer).
    """
    return replayed_row(viewer.meeting.case_id, key, viewer.actor, model)


# -- the write ------------------------------------------------------------------------------


def viewer_change(viewer: Viewer, key: RequestKey | str | None) -> AbstractContextManager[Change]:
    """`recorder.change` for a change a person makes in a meeting: their case, their name, the
    meeting and the request's idempotency key.
    """
    return meeting_change(viewer.meeting, viewer.actor, idempotency_key=key)


def set_fields(
    current: Change,
    item,
    values: dict[str, Any],
    event_kind: str,
    *,
    section: str,
    seen: int | None = None,
) -> None:
    """Set some fields of a row and record the event, with before and after. With `seen`, the
    version the editor loaded: if the row moved on since, Conflict and nothing is written;
    without it, the version moves on whatever it is.
    """
    if seen is None:
        bump(item)
    elif not claim(item, seen):
        reread(item)
        field = next(iter(values))
        raise Conflict(item, field, getattr(item, field))
    before = snapshot(item, tuple(values))
    for name, value in values.items():
        setattr(item, name, value)
    current.record(
        event_kind, item, before=before, after=snapshot(item, tuple(values)), section=section
    )
