"""What people do on the board: add, edit, delete, restore, mark confidential, rate safety.

Every command checks who is asking and what state the meeting is in, writes through the one
write path (transcript event in the same transaction), and returns the item it changed.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.board.items import clean
from fttm.board.models import SafetyRating
from fttm.core.recorder import already_applied, snapshot
from fttm.core.registry import KINDS, ItemKind, section_of
from fttm.core.rows import (
    claim,
    live_row,
    may_write,
    own_or_staff,
    replayed,
    reread,
    set_fields,
    viewer_change,
)
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.family_time import commands as family_time
from fttm.forms import whole_number
from fttm.idempotency import RequestKey
from fttm.languages import gettext as _
from fttm.timestamps import utcnow


def item_kind_named(kind_name: str) -> ItemKind:
    """The kind of item called `kind_name` (strength, worry, action, ...)."""
    item_kind = KINDS.get(kind_name)
    if item_kind is None:
        raise NotFound(f"no item kind {kind_name!r}")
    return item_kind


def shown_in(meeting, item_kind: ItemKind, item_or_values) -> str:
    """The section of the meeting's board an item shows in: a strength or worry under the
    section of the case's framework nearest the one it was written in (fttm.frameworks),
    any other item in its kind's section. `item_or_values`: the item, or a new one's values."""
    if isinstance(item_or_values, dict):
        return section_of(item_kind.name, meeting, written_in=item_or_values.get("section"))
    return section_of(item_kind.name, meeting, item=item_or_values)


def _may_write(viewer: Viewer, item_kind: ItemKind, section: str | None = None) -> None:
    """`may_write` for a kind of board item, in the section it shows in."""
    may_write(viewer, section or item_kind.section, staff_only=item_kind.staff_only)


def _replayed(viewer: Viewer, item_kind: ItemKind, key: RequestKey | str | None):
    """`replayed` for a kind of board item."""
    return replayed(viewer, item_kind.model, key)


def _fields(item_kind: ItemKind) -> tuple[str, ...]:
    """The names of the fields people type, for transcript snapshots."""
    return tuple(field.name for field in item_kind.fields)


def add_item(viewer: Viewer, kind_name: str, raw: dict, *, key: RequestKey | str | None = None):
    """Add a strength, worry, goal, objective, action, safety step or note."""
    item_kind = item_kind_named(kind_name)
    if family_time.diverts(viewer):
        # Private family time: a family member's new item is the family's draft, never the
        # board's, whichever form or path sent it (fttm.family_time).
        return family_time.add_draft(viewer, kind_name, raw, key=key)
    _may_write(viewer, item_kind)
    if (done := _replayed(viewer, item_kind, key)) is not None:
        return done
    raw = dict(raw)
    confidential = raw.pop("confidential", None) == "1"
    if confidential and not viewer.is_staff:
        raise NotAllowed(_("Only the facilitator can do this."))
    values = clean(item_kind, raw, viewer.meeting, partial=False, staff=viewer.is_staff)
    if item_kind.mapped:  # the mapping section it goes in may be locked
        _may_write(viewer, item_kind, shown_in(viewer.meeting, item_kind, values))
    with viewer_change(viewer, key) as current:
        return create_item(
            current, item_kind, values, viewer.meeting, viewer.participant, confidential
        )


def create_item(current, item_kind: ItemKind, values: dict, meeting, author, confidential=False):
    """Inside a change: put a new item on the board, written by `author` (a participant), and
    record its event (also how a shared family draft becomes a board item)."""
    item = item_kind.model(
        case_id=meeting.case_id,
        **values,
        confidential=confidential,
        created_by_participant_id=author.id,
        created_by_user_id=author.user_id,
    )
    if item_kind.name == "note":
        item.meeting_id = meeting.id
    db.session.add(item)
    db.session.flush()
    written_in = ("section",) if item_kind.mapped else ()
    current.record(
        f"{item_kind.name}.added",
        item,
        after=snapshot(item, (*written_in, *_fields(item_kind), "confidential")),
        section=shown_in(meeting, item_kind, item),
    )
    return item


def edit_item(
    viewer: Viewer,
    kind_name: str,
    item_id: int,
    raw: dict,
    *,
    base_versions: dict[str, int],
    key: RequestKey | str | None = None,
):
    """Change some fields of an item, each against the version its editor started from.

    An edit made from an older version of a field is a Conflict: nothing is overwritten.
    Anyone admitted may edit a cell of the actions table; other items only by their author.
    """
    item_kind = item_kind_named(kind_name)
    _may_write(viewer, item_kind)
    if (done := _replayed(viewer, item_kind, key)) is not None:
        return done
    item = live_row(viewer, item_kind.model, item_id)
    section = shown_in(viewer.meeting, item_kind, item)
    _may_write(viewer, item_kind, section)
    if item_kind.name != "action":
        own_or_staff(viewer, item)
    values = clean(item_kind, raw, viewer.meeting, partial=True, staff=viewer.is_staff)
    _check_versions(item_kind, item, values, base_versions)
    changed = {name: value for name, value in values.items() if getattr(item, name) != value}
    if not changed:
        return item
    with viewer_change(viewer, key) as current:
        _claim_versions(item_kind, item, values, base_versions)
        changed = {name: value for name, value in values.items() if getattr(item, name) != value}
        before = snapshot(item, tuple(changed))
        for name, value in changed.items():
            setattr(item, name, value)
        if item_kind.name == "action":
            cells = dict(item.cell_versions or {})
            for version_key in {item_kind.field(name).version_key for name in changed}:
                cells[version_key] = cells.get(version_key, 0) + 1
            item.cell_versions = cells
        current.record(
            f"{item_kind.name}.edited",
            item,
            before=before,
            after=snapshot(item, tuple(changed)),
            section=section,
        )
    return item


def _check_versions(item_kind: ItemKind, item, values: dict, base_versions: dict[str, int]) -> None:
    """Conflict when a field was changed since its editor loaded it: an action's cells each have
    their own version, any other item has one for all its fields.
    """
    cells = (item.cell_versions or {}) if item_kind.name == "action" else {}
    for name in values:
        seen = base_versions.get(name)
        if item_kind.name == "action":
            current_version = cells.get(item_kind.field(name).version_key, 0)
        else:
            current_version = item.version
        if seen is None or seen != current_version:
            raise Conflict(item, name, getattr(item, name))


def _claim_versions(item_kind: ItemKind, item, values: dict, base_versions: dict[str, int]) -> None:
    """Take the row for this edit in one atomic step, or Conflict: a cell of an action is checked
    again whenever the row moved on meanwhile (another cell's edit is no conflict).
    """
    for _attempt in range(5):
        if claim(item, item.version):
            return
        # Someone changed the row meanwhile: Conflict unless these fields are still free (only
        # an action's other cells can have moved it on).
        reread(item)
        _check_versions(item_kind, item, values, base_versions)
    field = next(iter(values))
    raise Conflict(item, field, getattr(item, field))


def _mark_item(
    viewer: Viewer,
    kind_name: str,
    item_id: int,
    event_kind: str,
    values: dict,
    *,
    deleted: bool,
    staff_only: bool,
    key: RequestKey | str | None,
):
    """Mark an item deleted, restored, confidential or shared: set the fields that say so
    (`values`) and record `event_kind`. `deleted` says whether it is looked for among the deleted.
    """
    item_kind = item_kind_named(kind_name)
    _may_write(viewer, item_kind)
    if staff_only and not viewer.is_staff:
        raise NotAllowed(_("Only the facilitator can do this."))
    if (done := _replayed(viewer, item_kind, key)) is not None:
        return done
    item = live_row(viewer, item_kind.model, item_id, deleted=deleted)
    section = shown_in(viewer.meeting, item_kind, item)
    _may_write(viewer, item_kind, section)
    own_or_staff(viewer, item)
    with viewer_change(viewer, key) as current:
        set_fields(current, item, values, event_kind, section=section)
    return item


def delete_item(
    viewer: Viewer, kind_name: str, item_id: int, *, key: RequestKey | str | None = None
):
    """Delete an item (softly: the facilitator can restore it, the transcript keeps it)."""
    return _mark_item(
        viewer,
        kind_name,
        item_id,
        f"{kind_name}.deleted",
        {"deleted_at": utcnow()},
        deleted=False,
        staff_only=False,
        key=key,
    )


def restore_item(
    viewer: Viewer, kind_name: str, item_id: int, *, key: RequestKey | str | None = None
):
    """Bring a deleted item back (facilitator only)."""
    return _mark_item(
        viewer,
        kind_name,
        item_id,
        f"{kind_name}.restored",
        {"deleted_at": None},
        deleted=True,
        staff_only=True,
        key=key,
    )


def set_confidential(
    viewer: Viewer,
    kind_name: str,
    item_id: int,
    confidential: bool,
    *,
    key: RequestKey | str | None = None,
):
    """Mark an item confidential (staff only see it) or share it with everyone again."""
    return _mark_item(
        viewer,
        kind_name,
        item_id,
        f"{kind_name}.{'made_confidential' if confidential else 'shared'}",
        {"confidential": confidential},
        deleted=False,
        staff_only=True,
        key=key,
    )


def rate_safety(
    viewer: Viewer, raw_score: str, *, key: RequestKey | str | None = None
) -> SafetyRating:
    """A participant's private 0 to 10 safety rating; rating again replaces their earlier one."""
    may_write(viewer, "safety_scale")
    score = whole_number(raw_score, digits=2)
    if score is None or not 0 <= score <= 10:
        raise Invalid({"score": _("Choose a number from 0 to 10.")})
    if already_applied(viewer.meeting.case_id, key, viewer.actor) is not None:
        return _rating_of(viewer)
    rating = _rating_of(viewer)
    with viewer_change(viewer, key) as current:
        before = {"score": rating.score} if rating else None
        if rating is None:
            rating = SafetyRating(
                meeting_id=viewer.meeting.id, participant_id=viewer.participant.id, score=score
            )
            db.session.add(rating)
        rating.score = score
        current.record(
            "safety_rating.given",
            rating,
            before=before,
            after={"score": score},
            section="safety_scale",
        )
    return rating


def _rating_of(viewer: Viewer) -> SafetyRating | None:
    """The viewer's rating in this meeting, if they gave one."""
    return db.session.scalar(
        sa.select(SafetyRating).where(
            SafetyRating.meeting_id == viewer.meeting.id,
            SafetyRating.participant_id == viewer.participant.id,
        )
    )
