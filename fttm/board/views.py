"""The live board over HTTP: the page, section fragments, and every change as an htmx request.

Views only parse the request, call a command and render; the command layer decides. A refused
change is explained to its sender alone, next to the section it was about.
"""

from __future__ import annotations

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf

from fttm.board import commands
from fttm.board.items import expand_who
from fttm.core.registry import KINDS, SECTIONS
from fttm.core.viewers import STAFF, Viewer
from fttm.errors import Conflict, Invalid, NotAllowed
from fttm.extensions import db
from fttm.family_time.models import FamilyDraft
from fttm.forms import whole_number
from fttm.frameworks import framework_of_case
from fttm.idempotency import request_key
from fttm.languages import gettext as _
from fttm.live import screens
from fttm.live.family_time import drafted
from fttm.live.http import (
    board_change,
    board_page,
    meeting_or_404,
    plain_post,
    posted,
    respond,
    respond_item,
    section_asked,
    viewer_of_meeting,
)
from fttm.live.sections import sent_alone, shared_context
from fttm.live.viewer import joined, participant_from_cookie, removed_from, viewer_for
from fttm.meetings.models import ParticipantStatus

bp = Blueprint("board", __name__, url_prefix="/meetings/<int:meeting_id>/board")


@bp.get("/")
def page(meeting_id: int):
    """The whole board: the projector's view for staff, a phone's view for everyone else."""
    meeting = meeting_or_404(meeting_id)
    viewer = viewer_for(meeting, for_room=False)
    if viewer is None:
        waiting = participant_from_cookie(meeting)
        if waiting is not None and waiting.status == ParticipantStatus.WAITING:
            return redirect(url_for("joining.waiting", code=meeting.join_code))
        if removed_from(meeting):  # still a 404 (no board here for them), said plainly
            return render_template("board/removed.html"), 404
        abort(404)
    return board_page(viewer)


@bp.post("/presenting")
def presenting(meeting_id: int):
    """The console presents to the room, or (a deliberate click) shows the staff view."""
    viewer = viewer_of_meeting(meeting_id)
    if not viewer.is_staff:
        abort(404)
    on = request.form.get("presenting") == "1"
    screens.choose_presenting(viewer.meeting, on)
    return redirect(url_for("board.page", meeting_id=meeting_id))


@bp.post("/take-part")
def take_part(meeting_id: int):
    """Staff of the team who were only looking join the running meeting (an explicit step)."""
    joined(viewer_of_meeting(meeting_id))
    return redirect(url_for("board.page", meeting_id=meeting_id))


@bp.get("/sections/<any(status,{}):name>".format(",".join(SECTIONS)))
def section(meeting_id: int, name: str):
    """One section, fresh (htmx refresh, or catching up)."""
    viewer = viewer_of_meeting(meeting_id)
    if name != "status" and name not in framework_of_case(viewer.meeting.case).board_sections():
        abort(404)  # a section of another framework: not on this board
    return respond(viewer, name)


@bp.post("/items/<kind>")
@board_change()
def add(viewer: Viewer, kind: str):
    """Add an item to a section."""
    form = expand_who(posted())
    item = commands.add_item(viewer, kind, form, key=request_key())
    if isinstance(item, FamilyDraft):  # private family time: kept in the family's plan
        return drafted(viewer, section_asked(viewer, kind))
    if sent_alone(kind, "added", form) and item.deleted_at is None:
        return respond_item(viewer, kind, item)
    return respond(viewer, section_asked(viewer, kind, item))


@bp.post("/items/<kind>/<int:item_id>")
@board_change()
def edit(viewer: Viewer, kind: str, item_id: int):
    """Change fields of an item (a cell of the actions table, or a whole strength)."""
    form = expand_who(posted())
    base = whole_number(form.pop("base_version", ""))
    if base is None:
        raise Invalid({"base_version": _("Reload the page and try again.")})
    versions = dict.fromkeys(form, base)
    try:
        item = commands.edit_item(
            viewer, kind, item_id, form, base_versions=versions, key=request_key()
        )
    except Conflict:
        if kind == "action" or plain_post():
            raise  # a cell of the table says so in its cell; without scripts, on the board
        db.session.rollback()
        return _edit_form_answer(viewer, kind, item_id, conflict=True, yours=form.get("text"))
    if sent_alone(kind, "edited", form) and item.deleted_at is None:
        return respond_item(viewer, kind, item)
    return respond(viewer, section_asked(viewer, kind, item))


@bp.post("/items/<kind>/<int:item_id>/delete")
@board_change()
def delete(viewer: Viewer, kind: str, item_id: int):
    """Delete an item (softly: the facilitator can bring it back)."""
    item = commands.delete_item(viewer, kind, item_id, key=request_key())
    return respond(viewer, section_asked(viewer, kind, item))


@bp.post("/items/<kind>/<int:item_id>/restore")
@board_change()
def restore(viewer: Viewer, kind: str, item_id: int):
    """Bring a deleted item back."""
    item = commands.restore_item(viewer, kind, item_id, key=request_key())
    return respond(viewer, section_asked(viewer, kind, item))


@bp.post("/items/<kind>/<int:item_id>/<any(confidential,share):step>")
@board_change()
def set_confidential(viewer: Viewer, kind: str, item_id: int, step: str):
    """Make an item confidential (staff only), or share it with everyone again."""
    confidential = step == "confidential"
    item = commands.set_confidential(viewer, kind, item_id, confidential, key=request_key())
    return respond(viewer, section_asked(viewer, kind, item))


@bp.post("/rating")
@board_change("safety_scale")
def rate(viewer: Viewer):
    """Give (or change) this person's private safety rating."""
    rating = commands.rate_safety(viewer, request.form.get("score", ""), key=request_key())
    return respond(viewer, "safety_scale", my_rating=rating.score)


# Kinds of item whose words are changed through an Edit form (an action, cell by cell).
EDITED_IN_A_FORM = ("strength", "worry", "goal", "objective", "safety_step", "note")


@bp.get("/items/<kind>/<int:item_id>/form")
def edit_form(meeting_id: int, kind: str, item_id: int):
    """An item's Edit form, sent when Edit is opened (not with the page: most are never opened);
    without scripts, the same form on a page of its own."""
    viewer = viewer_of_meeting(meeting_id)
    if kind not in EDITED_IN_A_FORM:
        abort(404)
    return _edit_form_answer(viewer, kind, item_id)


def _edit_form_answer(viewer: Viewer, kind: str, item_id: int, *, conflict=False, yours=None):
    """The Edit form of an item as this person may see it now (a 404 for one their board does
    not show), at the item's current version; after a conflict, with their words kept in it and
    put in place of the form they sent (409)."""
    item = db.session.get(KINDS[kind].model, item_id)
    hidden = item is None or item.deleted_at is not None or item.case_id != viewer.meeting.case_id
    if hidden or (item.confidential and viewer.audience != STAFF):
        abort(404)  # as for anything a board does not show: not told whether it exists
    shared = shared_context(viewer.meeting, viewer.audience)
    if shared["read_only"]:
        raise NotAllowed(_("This meeting is not running: the board can't be changed."))
    section = section_asked(viewer, kind, item)
    if section in shared["locked"] and not shared["is_staff"]:
        raise NotAllowed(_("The facilitator has locked this section for now."))
    context = {
        **shared,
        "kind": kind,
        "item": item,
        "section": section,
        "conflict": conflict,
        "yours": yours,
        "page_csrf_token": generate_csrf(),  # this answer is this person's alone
        "plain": False,
    }
    if "HX-Request" not in request.headers:
        return render_template("board/edit_item.html", **(context | {"plain": True}))
    response = make_response(render_template("board/parts/edit_item.html", **context))
    if conflict:
        response.status_code = 409
        response.headers["HX-Retarget"] = f"#edit-form-{kind}-{item_id}"
        response.headers["HX-Reswap"] = "outerHTML"
    return response
