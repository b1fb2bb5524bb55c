"""Plus / delta on a phone after the meeting: what helped, and what to change next time."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request

from fttm.idempotency import request_key
from fttm.languages import gettext as _
from fttm.live import rate_limit
from fttm.live.http import viewer_of_meeting
from fttm.refusals import attempt
from fttm.reviews import plus_delta

bp = Blueprint("plus_delta", __name__)


def _my_panel(viewer, *, status: int = 200, errors: dict | None = None, form=None, saved=False):
    """A phone's own plus/delta panel: the question, or what this person said."""
    body = render_template(
        "reviews/parts/my_plus_delta.html",
        meeting=viewer.meeting,
        mine=plus_delta.mine(viewer),
        errors=errors or {},
        form=form or {},
        saved=saved,
    )
    return make_response(body, status)


@bp.get("/meetings/<int:meeting_id>/board/plus-delta")
def mine(meeting_id: int):
    """What helped, and what to change next time: this person's own answer, or the question."""
    viewer = viewer_of_meeting(meeting_id)
    if viewer.is_staff:
        abort(404)
    return _my_panel(viewer)


@bp.post("/meetings/<int:meeting_id>/board/plus-delta")
def give(meeting_id: int):
    """A participant says what helped and what to change, from their phone."""
    viewer = viewer_of_meeting(meeting_id)
    if viewer.is_staff:
        abort(404)
    if not rate_limit.allow(viewer.participant.id or 0):
        return _my_panel(
            viewer,
            status=429,
            errors={"plus": _("You're sending changes very fast. Wait a moment.")},
            form=request.form,
        )
    with attempt(field="plus") as giving:
        plus_delta.give(
            viewer,
            request.form.get("plus"),
            request.form.get("delta"),
            key=request_key(),
        )
    if refusal := giving.refusal:
        return _my_panel(viewer, status=refusal.status, errors=refusal.messages, form=request.form)
    return _my_panel(viewer, saved=True)
