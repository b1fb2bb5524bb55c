"""Private family time: the facilitator starts it, the family drafts in private, and the draft is
shared (each item becomes a normal board item, attributed to whoever wrote it) or, at the end of
the meeting, kept for later or discarded.

A draft's words never enter the transcript until it is shared: its events say only that the
family drafted, changed or removed an item (and of which kind), so no staff screen, push,
catch-up, transcript view or export can carry them.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.auth.models import User
from fttm.board.items import clean
from fttm.core.recorder import Actor, meeting_change, replayed_row
from fttm.core.registry import KINDS, ItemKind
from fttm.core.rows import claim, require_admitted, viewer_change
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.family_time.models import DraftStatus, FamilyDraft
from fttm.frameworks import framework_of_case
from fttm.idempotency import RequestKey
from fttm.languages import gettext as _
from fttm.languages import ngettext
from fttm.meetings.models import Meeting, MeetingStatus, Participant
from fttm.timestamps import utcnow

# Drafts still waiting to be shared: written now, or kept at the end of an earlier meeting.
OPEN_STATUSES = (DraftStatus.DRAFT, DraftStatus.KEPT)
# What the facilitator may do with unshared drafts when the meeting ends.
SETTLE_CHOICES = ("keep", "discard")
SECTION = "status"  # the status bar shows private family time and how many items are drafted


def running(meeting: Meeting) -> bool:
    """Whether the family is in private family time now."""
    return meeting.family_time_started_at is not None


def diverts(viewer: Viewer) -> bool:
    """Whether a new item from this person becomes a draft: a family member in private time."""
    return not viewer.is_staff and running(viewer.meeting)


def title_field(kind_name: str) -> str:
    """The field holding an item's words ("what" for an action, "text" for the rest)."""
    return "what" if kind_name == "action" else "text"


def open_drafts(case_id: int) -> list[FamilyDraft]:
    """The case's drafts not yet shared (nor discarded, nor deleted), oldest first."""
    return db.session.scalars(
        sa.select(FamilyDraft)
        .where(
            FamilyDraft.case_id == case_id,
            FamilyDraft.status.in_(OPEN_STATUSES),
            FamilyDraft.deleted_at.is_(None),
        )
        .order_by(FamilyDraft.created_at, FamilyDraft.id)
    ).all()


def open_count(case_id: int) -> int:
    """How many drafts of the case wait to be shared (what staff may know: a number)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(FamilyDraft.id)).where(
                FamilyDraft.case_id == case_id,
                FamilyDraft.status.in_(OPEN_STATUSES),
                FamilyDraft.deleted_at.is_(None),
            )
        )
        or 0
    )


def _require_staff(actor: User, meeting: Meeting) -> None:
    """Only the case's team starts and ends private family time."""
    if not actor.is_staff_of_cases or actor.team_id != meeting.case.team_id:
        raise NotFound("case of another team")


def start(actor: User, meeting: Meeting) -> Meeting:
    """The facilitator leaves the room: the family's new items become private drafts."""
    _require_staff(actor, meeting)
    if meeting.status != MeetingStatus.LIVE:
        raise Invalid({"family_time": _("Private family time can start once the meeting is live.")})
    if running(meeting):
        raise Invalid({"family_time": _("Private family time has already started.")})
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        begin_within(current, meeting)
    return meeting


def begin_within(current, meeting: Meeting) -> None:
    """Start private time inside a change (the facilitator's button, or the agenda moving into
    its private family time phase)."""
    meeting.family_time_started_at = utcnow()
    current.record(
        "family_time.started",
        meeting,
        after={"family_time_started_at": meeting.family_time_started_at.isoformat()},
        section=SECTION,
    )


def end(actor: User, meeting: Meeting) -> Meeting:
    """The facilitator comes back without sharing: the drafts stay drafts, shareable later."""
    _require_staff(actor, meeting)
    if not running(meeting):
        raise Invalid({"family_time": _("Private family time is not running.")})
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        _record_end(current, meeting)
    return meeting


def _record_end(current, meeting: Meeting) -> None:
    """End private time inside a change: when it ended, and how many drafts wait (no words)."""
    started = meeting.family_time_started_at
    meeting.family_time_started_at = None
    current.record(
        "family_time.ended",
        meeting,
        before={"family_time_started_at": started.isoformat() if started else None},
        after={"drafts": open_count(meeting.case_id)},
        section=SECTION,
    )


def _draftable(kind_name: str) -> ItemKind:
    """A kind of item the family may draft (any the family may add to the board)."""
    item_kind = KINDS.get(kind_name)
    if item_kind is None or item_kind.staff_only:
        raise NotFound(f"no draftable kind {kind_name!r}")
    return item_kind


def _may_draft(viewer: Viewer) -> None:
    """Family members of a running meeting, and only they, write drafts."""
    if viewer.is_staff:
        raise NotFound("drafts are the family's")
    if viewer.read_only:
        raise NotAllowed(_("This meeting is not running: the board can't be changed."))
    require_admitted(viewer)


def _first_section(viewer: Viewer, item_kind) -> str | None:
    """The board's first section holding this kind (where a draft goes by default)."""
    if not item_kind.mapped:
        return None
    return framework_of_case(viewer.meeting.case).holding(item_kind.name)[0].key


def add_draft(viewer: Viewer, kind_name: str, raw: dict, *, key: RequestKey | str | None = None):
    """A family member's new item during private time: saved as a draft, not on the board."""
    item_kind = _draftable(kind_name)
    _may_draft(viewer)
    done = replayed_row(viewer.meeting.case_id, key, viewer.actor, FamilyDraft)
    if done is not None:
        return done
    raw = {name: value for name, value in raw.items() if name != "confidential"}
    values = clean(item_kind, raw, viewer.meeting, partial=False, staff=False)
    title = title_field(kind_name)
    details = {
        field.name: str(raw[field.name])
        for field in item_kind.fields
        if field.name != title and field.name in raw and raw[field.name] not in (None, "")
    }
    if values.get("section") not in (None, _first_section(viewer, item_kind)):
        details["section"] = values["section"]  # the mapping section it was drafted in
    with viewer_change(viewer, key) as current:
        draft = FamilyDraft(
            meeting_id=viewer.meeting.id,
            case_id=viewer.meeting.case_id,
            kind=kind_name,
            text=values[title],
            details=details,
            status=DraftStatus.DRAFT,
            created_by_participant_id=viewer.participant.id,
        )
        db.session.add(draft)
        current.record("family_draft.added", draft, after={"kind": kind_name}, section=SECTION)
    return draft


def draft_of(viewer: Viewer, draft_id: int) -> FamilyDraft:
    """A draft of the viewer's case still waiting to be shared; NotFound for anyone else."""
    _may_draft(viewer)
    draft = db.session.get(FamilyDraft, draft_id)
    if (
        draft is None
        or draft.case_id != viewer.meeting.case_id
        or draft.status not in OPEN_STATUSES
        or draft.deleted_at is not None
    ):
        raise NotFound("no such draft")
    return draft


def edit_draft(
    viewer: Viewer,
    draft_id: int,
    text: str,
    *,
    base_version: int | None,
    key: RequestKey | str | None = None,
) -> FamilyDraft:
    """Change a draft's words (any family member: the family writes its plan together)."""
    draft = draft_of(viewer, draft_id)
    if replayed_row(viewer.meeting.case_id, key, viewer.actor, FamilyDraft) is not None:
        return draft
    title = title_field(draft.kind)
    values = clean(_draftable(draft.kind), {title: text}, viewer.meeting, partial=True)
    if values[title] is None:
        raise Invalid({title: _("This can't be empty.")})
    if values[title] == draft.text:
        return draft
    with viewer_change(viewer, key) as current:
        if base_version is None or not claim(draft, base_version):
            db.session.refresh(draft)
            raise Conflict(draft, "text", draft.text)
        draft.text = values[title]
        current.record("family_draft.edited", draft, after={"kind": draft.kind}, section=SECTION)
    return draft


def delete_draft(
    viewer: Viewer, draft_id: int, *, key: RequestKey | str | None = None
) -> FamilyDraft:
    """Take a draft out of the family's plan before it is shared."""
    draft = draft_of(viewer, draft_id)
    with viewer_change(viewer, key) as current:
        draft.deleted_at = utcnow()
        current.record("family_draft.deleted", draft, after={"kind": draft.kind}, section=SECTION)
    return draft


def _values_of(draft: FamilyDraft, meeting: Meeting) -> dict:
    """The draft's fields as a board item's values; a choice that no longer holds (a kept draft
    shared in a later meeting, whose "who" has left) is dropped rather than refused."""
    item_kind = _draftable(draft.kind)
    raw = {**(draft.details or {}), title_field(draft.kind): draft.text}
    try:
        return clean(item_kind, raw, meeting, partial=False)
    except Invalid as error:
        # The case may have moved framework since: its section is then the board's default.
        optional = {f.name for f in item_kind.fields if not f.required} | {"section"}
        if not set(error.errors) <= optional:
            raise
        kept = {name: value for name, value in raw.items() if name not in error.errors}
        return clean(item_kind, kept, meeting, partial=False)


def share(viewer: Viewer, *, key: RequestKey | str | None = None) -> list:
    """Put every waiting draft on the board, each attributed to whoever wrote it, in one
    transaction (all or nothing), and end private family time."""
    from fttm.board.commands import create_item

    meeting = viewer.meeting
    if viewer.read_only:
        raise NotAllowed(_("This meeting is not running: the board can't be changed."))
    require_admitted(viewer)
    if already := replayed_row(meeting.case_id, key, viewer.actor, Meeting, _same(meeting)):
        return [already]
    drafts = open_drafts(meeting.case_id)
    if not drafts and not running(meeting):
        raise Invalid({"family_time": _("There is nothing to share: the family drafted nothing.")})
    values = [(draft, _values_of(draft, meeting)) for draft in drafts]
    items = []
    with viewer_change(viewer, key) as current:
        current.record("family_time.shared", meeting, after={"count": len(drafts)}, section=SECTION)
        for draft, fields in values:
            author = db.session.get(Participant, draft.created_by_participant_id or 0)
            author = author or viewer.participant
            current.actor = Actor.for_participant(author)
            item = create_item(current, _draftable(draft.kind), fields, meeting, author)
            draft.status, draft.shared_at, draft.shared_item_id = (
                DraftStatus.SHARED,
                utcnow(),
                item.id,
            )
            items.append(item)
        current.actor = viewer.actor
        if running(meeting):
            _record_end(current, meeting)
    return items


def _same(meeting: Meeting):
    """`replayed_row`'s check that a replayed share was of this very meeting."""
    return lambda row: row.id == meeting.id


def unshared_refusal(meeting: Meeting) -> Invalid | None:
    """Why a meeting cannot end as asked: drafts of this meeting wait and no choice was made."""
    count = waiting_count(meeting)
    if not count:
        return None
    return Invalid(
        {
            "drafts": ngettext(
                "The family has %(num)d item not yet shared. Share it, or choose to keep it for "
                "later or to discard it, then end the meeting.",
                "The family has %(num)d items not yet shared. Share them, or choose to keep them "
                "for later or to discard them, then end the meeting.",
                count,
            )
        }
    )


def _waiting_here(meeting: Meeting):
    """The query for drafts written in this meeting, not yet shared (not those kept from an
    earlier one)."""
    return sa.select(FamilyDraft).where(
        FamilyDraft.meeting_id == meeting.id,
        FamilyDraft.status == DraftStatus.DRAFT,
        FamilyDraft.deleted_at.is_(None),
    )


def waiting_here(meeting: Meeting) -> list[FamilyDraft]:
    """The drafts written in this meeting, not yet shared (not those kept from an earlier one)."""
    return db.session.scalars(_waiting_here(meeting)).all()


def waiting_count(meeting: Meeting) -> int:
    """How many drafts of this meeting wait to be shared (counted, not loaded)."""
    counted = sa.select(sa.func.count()).select_from(_waiting_here(meeting).subquery())
    return db.session.scalar(counted) or 0


def check_settle_choice(meeting: Meeting, choice: str | None) -> None:
    """Refuse to end the meeting while drafts wait and no valid keep/discard choice was made."""
    refusal = unshared_refusal(meeting)
    if refusal is not None and choice not in SETTLE_CHOICES:
        raise refusal


def settle(current, meeting: Meeting, choice: str | None) -> None:
    """At the end of the meeting, inside its change: end private time, and keep or discard the
    drafts still waiting, as the facilitator chose (recorded with a count only, no words)."""
    if running(meeting):
        _record_end(current, meeting)
    drafts = waiting_here(meeting)
    if not drafts:
        return
    kept = choice == "keep"
    for draft in drafts:
        draft.status = DraftStatus.KEPT if kept else DraftStatus.DISCARDED
    current.record(
        "family_time.drafts_kept" if kept else "family_time.drafts_discarded",
        meeting,
        after={"count": len(drafts)},
        section=SECTION,
    )
