"""The live board over HTTP: the page, section fragments, and every change as an htmx request.

Views only parse the request, call a command and render; the command layer decides. A refused
change is explained to its sender alone, next to the section it was about.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fttm.board import commands
from fttm.board.items import expand_who
from fttm.core.recorder import last_seq
from fttm.core.registry import SECTIONS, section_titles
from fttm.core.viewers import Viewer
from fttm.errors import Invalid
from fttm.forms import whole_number
from fttm.idempotency import request_key
from fttm.live import screens
from fttm.live.http import board_change, meeting_or_404, respond, respond_item, viewer_of_meeting
from fttm.live.sections import render_sections, sent_alone
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
    console = {}
    if viewer.is_staff:
        viewer = replace(viewer, for_room=screens.presenting(meeting))
        console = screens.console_context(meeting, presenting=viewer.for_room)
    sections = render_sections(meeting, ("status", *SECTIONS), viewer.audience, viewer=viewer)
    return render_template(
        "board/page.html",
        viewer=viewer,
        meeting=meeting,
        sections=sections,
        seq=last_seq(meeting.case_id),
        **({"section_titles": section_titles()} | console),
    )


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
    return respond(viewer, name)


@bp.post("/items/<kind>")
@board_change()
def add(viewer: Viewer, kind: str):
    """Add an item to a section."""
    form = expand_who(request.form.to_dict())
    item = commands.add_item(viewer, kind, form, key=request_key())
    if sent_alone(kind, "added", form) and item.deleted_at is None:
        return respond_item(viewer, kind, item)
    return respond(viewer, commands.section_of(kind))


@bp.post("/items/<kind>/<int:item_id>")
@board_change()
def edit(viewer: Viewer, kind: str, item_id: int):
    """Change fields of an item (a cell of the actions table, or a whole strength)."""
    form = expand_who(request.form.to_dict())
    base = whole_number(form.pop("base_version", ""))
    if base is None:
        raise Invalid({"base_version": _("Reload the page and try again.")})
    versions = dict.fromkeys(form, base)
    item = commands.edit_item(
        viewer, kind, item_id, form, base_versions=versions, key=request_key()
    )
    if sent_alone(kind, "edited", form) and item.deleted_at is None:
        return respond_item(viewer, kind, item)
    return respond(viewer, commands.section_of(kind))


@bp.post("/items/<kind>/<int:item_id>/delete")
@board_change()
def delete(viewer: Viewer, kind: str, item_id: int):
    """Delete an item (softly: the facilitator can bring it back)."""
    commands.delete_item(viewer, kind, item_id, key=request_key())
    return respond(viewer, commands.section_of(kind))


@bp.post("/items/<kind>/<int:item_id>/restore")
@board_change()
def restore(viewer: Viewer, kind: str, item_id: int):
    """Bring a deleted item back."""
    commands.restore_item(viewer, kind, item_id, key=request_key())
    return respond(viewer, commands.section_of(kind))


@bp.post("/items/<kind>/<int:item_id>/<any(confidential,share):step>")
@board_change()
def set_confidential(viewer: Viewer, kind: str, item_id: int, step: str):
    """Make an item confidential (staff only), or share it with everyone again."""
    confidential = step == "confidential"
    commands.set_confidential(viewer, kind, item_id, confidential, key=request_key())
    return respond(viewer, commands.section_of(kind))


@bp.post("/rating")
@board_change("safety_scale")
def rate(viewer: Viewer):
    """Give (or change) this person's private safety rating."""
    rating = commands.rate_safety(viewer, request.form.get("score", ""), key=request_key())
    return respond(viewer, "safety_scale", my_rating=rating.score)
