"""Private family time over HTTP: the facilitator starts and ends it, the family edits, removes
and shares its drafts, and the family's panel is fetched afresh.

New drafts come through the board's own "Add" forms (fttm.board.commands.add_item diverts a family
member's new item during private time). Views only parse, call a command and render; a refusal is
told to its sender alone, above the status bar. No staff screen is ever answered with a draft's
words: staff get the status bar, which holds only a count.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from fttm.auth.access import caseworker_required
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, Invalid
from fttm.extensions import db
from fttm.family_time import commands
from fttm.family_time.rendering import PANEL_ID, panel, status_context
from fttm.forms import whole_number
from fttm.idempotency import request_key
from fttm.live.http import (
    board_change,
    changed_meanwhile,
    plain_post,
    respond,
    tell,
    viewer_of_meeting,
)

bp = Blueprint("family_time", __name__, url_prefix="/meetings/<int:meeting_id>/family-time")


@bp.app_template_global("family_time_status")
def family_time_status(meeting) -> dict:
    """The status bar's view of private family time (numbers only, for every audience)."""
    return status_context(meeting)


@bp.app_template_global("family_drafts_panel")
def family_drafts_panel(viewer: Viewer, *, for_wall: bool = False):
    """The family's panel of drafts for a page (nothing on a staff page but the wall's)."""
    return panel(viewer, for_wall=for_wall, page_csrf_token=generate_csrf())


@bp.app_template_global("family_drafts_here")
def family_drafts_here(meeting) -> int:
    """How many drafts of this meeting wait to be shared (ending it asks what to do with them)."""
    return commands.waiting_count(meeting)


def _answer(viewer: Viewer):
    """After a change: the family's panel to a family phone, the status bar to staff; the board
    again to a form posted without scripts."""
    if plain_post():
        anchor = "section-status" if viewer.is_staff else PANEL_ID
        return redirect(url_for("board.page", meeting_id=viewer.meeting.id, _anchor=anchor), 303)
    if viewer.is_staff:
        return respond(viewer, "status")
    return panel(viewer)


@bp.post("/start")
@caseworker_required
@board_change("status")
def start(viewer: Viewer):
    """The facilitator starts private family time (and steps out)."""
    commands.start(current_user, viewer.meeting)
    return _answer(viewer)


@bp.post("/end")
@caseworker_required
@board_change("status")
def end(viewer: Viewer):
    """The facilitator ends private family time without sharing: drafts stay drafts."""
    commands.end(current_user, viewer.meeting)
    return _answer(viewer)


@bp.post("/share")
@board_change("status")
def share(viewer: Viewer):
    """A family member or the facilitator puts the family's plan on the board."""
    commands.share(viewer, key=request_key())
    return _answer(viewer)


@bp.post("/drafts/<int:item_id>")
@board_change("status")
def edit_draft(viewer: Viewer, item_id: int):
    """A family member changes a draft's words."""
    base = whole_number(request.form.get("base_version", ""))
    if base is None:
        raise Invalid({"base_version": _reload()})
    text = request.form.get("text", "")
    try:
        commands.edit_draft(viewer, item_id, text, base_version=base, key=request_key())
    except Conflict:
        # Told above the status bar: the form, with the words they typed, stays as it is.
        db.session.rollback()
        return tell("status", [changed_meanwhile()], 409)
    return _answer(viewer)


@bp.post("/drafts/<int:item_id>/delete")
@board_change("status")
def delete_draft(viewer: Viewer, item_id: int):
    """A family member takes a draft out of the family's plan."""
    commands.delete_draft(viewer, item_id, key=request_key())
    return _answer(viewer)


@bp.get("/panel")
def panel_fragment(meeting_id: int):
    """The family's panel, fresh, for a family phone; a 404 for every staff screen."""
    viewer = viewer_of_meeting(meeting_id)
    if viewer.is_staff:
        abort(404)
    return panel(viewer)


def _reload() -> str:
    """What to tell someone whose form lacks what the page gave it."""
    from fttm.languages import gettext as _

    return _("Reload the page and try again.")
