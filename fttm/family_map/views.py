"""The family map over HTTP: every change as an htmx request answered with the fresh section, the
forms that change one person or line (loaded when opened, not sent with the page), and the
genogram and ecomap as SVG or PNG files to download.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_wtf.csrf import generate_csrf

from fttm.errors import Invalid, NotAllowed
from fttm.family_map import fields, lines, people
from fttm.family_map.drawing import figure
from fttm.family_map.sections import edit_form_context
from fttm.forms import whole_number
from fttm.idempotency import request_key
from fttm.languages import gettext as _
from fttm.live.http import board_change, posted, respond, viewer_of_meeting
from fttm.live.sections import shared_context

bp = Blueprint("family_map", __name__, url_prefix="/meetings/<int:meeting_id>/board/family-map")
SECTION = fields.SECTION
SVG = "image/svg+xml"


def _base() -> int:
    """The version of the row the person was looking at when they started editing."""
    base = whole_number(request.form.get("base_version", ""))
    if base is None:
        raise Invalid({"base_version": _("Reload the page and try again.")})
    return base


def _form() -> dict:
    """The fields sent, without the row's version or the CSRF token of a form posted plainly."""
    form = posted()
    form.pop("base_version", None)
    return form


@bp.post("/people")
@board_change(SECTION)
def add_person(viewer):
    """Add someone, and how they are related to someone already there."""
    people.add_person(viewer, _form(), key=request_key())
    return respond(viewer, SECTION)


@bp.post("/people/<int:person_id>")
@board_change(SECTION)
def edit_person(viewer, person_id: int):
    people.edit_person(viewer, person_id, _form(), base_version=_base(), key=request_key())
    return respond(viewer, SECTION)


@bp.post("/people/<int:person_id>/delete")
@board_change(SECTION)
def delete_person(viewer, person_id: int):
    """Take someone off the map, with their lines (the facilitator can bring them back)."""
    people.delete_person(viewer, person_id, key=request_key())
    return respond(viewer, SECTION)


@bp.post("/people/<int:person_id>/restore")
@board_change(SECTION)
def restore_person(viewer, person_id: int):
    """Bring someone back onto the map, with their lines."""
    people.restore_person(viewer, person_id, key=request_key())
    return respond(viewer, SECTION)


@bp.post("/people/<int:person_id>/<any(confidential,share):step>")
@board_change(SECTION)
def set_person_confidential(viewer, person_id: int, step: str):
    """Make someone confidential (staff only), or show them to everyone again."""
    confidential = step == "confidential"
    people.set_person_confidential(viewer, person_id, confidential, key=request_key())
    return respond(viewer, SECTION)


@bp.post("/people/<int:person_id>/<any(left,right,back):where>")
@board_change(SECTION)
def nudge_person(viewer, person_id: int, where: str):
    """Move someone left or right on the genogram, or back to their automatic place."""
    people.nudge_person(viewer, person_id, where, key=request_key())
    return respond(viewer, SECTION)


@bp.post("/relationships")
@board_change(SECTION)
def add_relationship(viewer):
    lines.add_relationship(viewer, _form(), key=request_key())
    return respond(viewer, SECTION)


@bp.post("/relationships/<int:item_id>")
@board_change(SECTION)
def edit_relationship(viewer, item_id: int):
    lines.edit_relationship(viewer, item_id, _form(), base_version=_base(), key=request_key())
    return respond(viewer, SECTION)


@bp.post("/connections")
@board_change(SECTION)
def add_connection(viewer):
    lines.add_connection(viewer, _form(), key=request_key())
    return respond(viewer, SECTION)


@bp.post("/connections/<int:item_id>")
@board_change(SECTION)
def edit_connection(viewer, item_id: int):
    lines.edit_connection(viewer, item_id, _form(), base_version=_base(), key=request_key())
    return respond(viewer, SECTION)


@bp.post("/<any(relationship,ecomap_connection):line_kind>/<int:item_id>/delete")
@board_change(SECTION)
def remove_line(viewer, line_kind: str, item_id: int):
    """Remove a relationship or an ecomap connection (the facilitator can restore it)."""
    lines.remove_line(viewer, line_kind, item_id, key=request_key())
    return respond(viewer, SECTION)


@bp.post("/<any(relationship,ecomap_connection):line_kind>/<int:item_id>/restore")
@board_change(SECTION)
def restore_line(viewer, line_kind: str, item_id: int):
    """Bring back a removed relationship or ecomap connection."""
    lines.restore_line(viewer, line_kind, item_id, key=request_key())
    return respond(viewer, SECTION)


@bp.post("/households")
@board_change(SECTION)
def add_household(viewer):
    people.add_household(viewer, _form(), key=request_key())
    return respond(viewer, SECTION)


def _edit_form(meeting_id: int, row_kind: str, row_id: int, template: str, **extra) -> str:
    """The form changing one row, rendered for the asker's audience from the map that audience
    sees: a row the page would not show them (confidential, taken off the map) is not found,
    and a section they may not change (locked, or the meeting not running) is refused. Asked
    for without scripts (a link, not htmx), the form comes on a page of its own.
    """
    viewer = viewer_of_meeting(meeting_id)
    context = edit_form_context(viewer.meeting, viewer.audience, row_kind, row_id)
    if context is None:
        abort(404)  # as for anything a board does not show: not told whether it exists
    shared = shared_context(viewer.meeting, viewer.audience)
    if shared["read_only"]:
        raise NotAllowed(_("This meeting is not running: the board can't be changed."))
    if SECTION in shared["locked"] and not shared["is_staff"]:
        raise NotAllowed(_("The facilitator has locked this section for now."))
    if "HX-Request" not in request.headers:  # no scripts (yet): the form on a page of its own
        page = {"form_template": template, "page_csrf_token": generate_csrf()}
        return render_template(
            "family_map/edit_page.html", section=SECTION, **shared, **context, **extra, **page
        )
    return render_template(template, section=SECTION, **shared, **context, **extra)


@bp.get("/people/<int:person_id>/form")
def person_form(meeting_id: int, person_id: int):
    """The form to change someone, sent when "Change <name>" is opened."""
    return _edit_form(meeting_id, "person", person_id, "family_map/parts/edit_person.html")


@bp.get("/relationships/<int:item_id>/form/<place>")
def relationship_form(meeting_id: int, item_id: int, place: str):
    """The form to change a relationship, sent when its "Change" is opened (`place`: the person
    it is listed under, for field ids of their own).
    """
    template = "family_map/parts/edit_relationship.html"
    return _edit_form(meeting_id, "relationship", item_id, template, place=_place(place))


@bp.get("/connections/<int:item_id>/form/<place>")
def connection_form(meeting_id: int, item_id: int, place: str):
    """The form to change an ecomap connection, sent when its "Change" is opened."""
    template = "family_map/parts/edit_connection.html"
    return _edit_form(meeting_id, "ecomap_connection", item_id, template, place=_place(place))


def _place(place: str) -> str:
    """Where a line is listed (a person's id, or the household), safe in an element id."""
    return place if place == "household" or place.isdigit() else "here"


@bp.get("/<any(genogram,ecomap):which>.<any(svg,png):extension>")
def download(meeting_id: int, which: str, extension: str):
    """The genogram or ecomap as it is now, as this person may see it, as a file."""
    viewer = viewer_of_meeting(meeting_id)
    drawing = figure(viewer.meeting, viewer.audience, which, standalone=True)
    if extension == "svg":
        body, mimetype = drawing.encode(), SVG
    else:
        try:
            import cairosvg  # loads the system's cairo library only when a PNG is asked for
        except OSError:  # pragma: no cover - a server without libcairo2
            return Response(
                _(
                    "Pictures can't be made here: the server needs the cairo library. "
                    "Download the SVG instead."
                ),
                status=503,
                mimetype="text/plain",
            )
        body, mimetype = cairosvg.svg2png(bytestring=drawing.encode(), scale=2), "image/png"
    name = f"{which}-meeting-{viewer.meeting.id}.{extension}"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
