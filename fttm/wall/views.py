"""The wall: what is projected, rendered for the room, and its steering from the console.

The facilitator opens the wall in its own window (no sign-in of its own: theirs) and drags it to
the projector. It is a family device: it gets the room's rendering of the board, like a phone,
never the staff's, and no controls. What it brings into focus is steered from the console.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from fttm.auth.access import caseworker_required
from fttm.core.recorder import last_seq
from fttm.core.registry import section_titles
from fttm.core.viewers import FAMILY
from fttm.family_map.drawing import figure
from fttm.frameworks import framework_of_case
from fttm.languages import use_key
from fttm.live import http, screens
from fttm.live.sections import render_sections
from fttm.live.viewer import viewer_for
from fttm.meetings import wall
from fttm.meetings.wall import wall_key
from fttm.refusals import attempt

bp = Blueprint("wall", __name__, url_prefix="/meetings/<int:meeting_id>/wall")


@bp.get("/")
@caseworker_required
def page(meeting_id: int):
    """The wall: the board as the room sees it, large, with the part in focus filling it."""
    meeting = http.meeting_or_404(meeting_id)
    viewer = viewer_for(meeting, for_room=True)
    if viewer is None or not viewer.is_staff:
        abort(404)
    use_key(wall_key(meeting))  # the facilitator's choice for the room, perhaps two languages
    seq = last_seq(meeting.case_id)  # before rendering: see live/http.board_page
    framework = framework_of_case(meeting.case)
    board = framework.board_sections()
    sections = render_sections(meeting, ("status", *board), viewer.audience, viewer=viewer)
    return render_template(
        "wall/page.html",
        viewer=viewer,
        meeting=meeting,
        sections=sections,
        seq=seq,
        view=wall.view_of(meeting),
        join_panel=screens.join_panel(meeting),
        section_titles=section_titles(framework),
        board_sections=board,
        framework_keys=framework.keys,
        drawing=Markup(figure(meeting, FAMILY, meeting.wall_drawing, for_wall=True)),  # noqa: S704
    )


@bp.get("/drawing/<any(genogram,ecomap):which>")
@caseworker_required
def drawing(meeting_id: int, which: str):
    """The family map's genogram or ecomap as the wall draws it: for the room, names large."""
    meeting = http.meeting_or_404(meeting_id)
    viewer = viewer_for(meeting, for_room=True)
    if viewer is None or not viewer.is_staff:
        abort(404)
    return figure(meeting, FAMILY, which, for_wall=True)


@bp.post("/steer")
@caseworker_required
def steer(meeting_id: int):
    """Bring a section into focus on the wall, choose a drawing, or zoom and pan it one step."""
    meeting = http.meeting_or_404(meeting_id)
    viewer = viewer_for(meeting)
    if viewer is None or not viewer.is_staff:
        abort(404)
    with attempt(field="wall") as steering:
        wall.steer(
            current_user,
            meeting,
            focus=request.form.get("focus"),
            drawing=request.form.get("drawing"),
            step=request.form.get("step"),
            language=request.form.get("language"),
        )
    refusal = steering.refusal
    if not request.headers.get("HX-Request"):
        return redirect(url_for("board.page", meeting_id=meeting_id))
    context = screens.console_context(meeting, presenting=viewer.for_room)
    html = render_template(
        "board/parts/steering.html",
        meeting=meeting,
        errors=list(refusal.messages.values()) if refusal else [],
        **context,
    )
    return html, refusal.status if refusal else 200
