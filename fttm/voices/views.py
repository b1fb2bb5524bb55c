"""Voices not in the room over HTTP: staff add, change, remove and restore them (plain forms that
work before any script loads), and every screen fetches a voice's picture through a route that
asks who is looking each time.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from fttm.auth.access import caseworker_required, meeting_or_404
from fttm.core.viewers import STAFF
from fttm.error_pages import render_error
from fttm.errors import CommandError
from fttm.extensions import db
from fttm.idempotency import request_key
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.live.viewer import viewer_for
from fttm.meetings.models import Meeting
from fttm.refusals import refusal_of
from fttm.voices import commands, rendering
from fttm.voices.models import AbsentVoice
from fttm.voices.pictures import MOST_BYTES, MOST_REQUEST_BYTES, refusals

bp = Blueprint("voices", __name__, url_prefix="/meetings/<int:meeting_id>/voices")
# Where a form sends staff back to once it is saved (never a URL from the request).
BACK = {"voices": "voices.page", "meeting": "meetings.show", "board": "board.page"}
UPLOADS = ("voices.add",)


@bp.url_value_preprocessor
def limit_upload(endpoint: str | None, values: dict | None) -> None:
    """Cap the size of an upload before anything reads the body (the CSRF check does): runs
    ahead of every before_request hook."""
    if endpoint in UPLOADS:
        request.max_content_length = MOST_REQUEST_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """A request far past the limit: said on the form, nothing read, nothing saved."""
    message = refusals()["too_large"]
    if not getattr(current_user, "is_staff_of_cases", False):
        return render_error(413, _("That file is too large"), message)
    meeting = meeting_or_404(current_user, request.view_args["meeting_id"])
    return _page(meeting, errors={"picture": message}, status=413)


def _page(meeting: Meeting, *, errors=None, form=None, status: int = 200):
    """The meeting's voices, with the form to add one (and what went wrong, if it did)."""
    return render_template(
        "voices/page.html",
        meeting=meeting,
        case=meeting.case,
        voices=rendering.voices_of_meeting(meeting),
        errors=errors or {},
        form=form or {},
        back="voices",
        open_for_voices=meeting.status in commands.OPEN_STATES,
    ), status


def _back(meeting: Meeting, message: str):
    flash(message, "success")
    endpoint = BACK.get(request.form.get("back", ""), "voices.page")
    anchor = "console" if endpoint == "board.page" else None
    return redirect(url_for(endpoint, meeting_id=meeting.id, _anchor=anchor))


@bp.get("/")
@caseworker_required
def page(meeting_id: int):
    """Every voice of the meeting, for staff: add, change, remove and restore them."""
    return _page(meeting_or_404(current_user, meeting_id))


@bp.post("/")
@caseworker_required
def add(meeting_id: int):
    """Add a voice from someone not in the room (words, a picture, or both)."""
    meeting = meeting_or_404(current_user, meeting_id)
    upload = request.files.get("picture")
    data = upload.read(MOST_BYTES + 1) if upload and upload.filename else None
    form = request.form.to_dict()
    try:
        commands.add_voice(current_user, meeting, form, data, key=request_key())
    except CommandError as error:
        db.session.rollback()
        refusal = refusal_of(error)
        return _page(meeting, errors=refusal.messages, form=form, status=refusal.status)
    return _back(meeting, _("The voice was added."))


@bp.route("/<int:voice_id>/edit", methods=["GET", "POST"])
@caseworker_required
def edit(meeting_id: int, voice_id: int):
    """Change a voice: its words, who it is from, its section, whether the family may see it."""
    meeting = meeting_or_404(current_user, meeting_id)
    try:
        voice = commands.voice_of(meeting, voice_id)
    except CommandError:
        abort(404)
    errors, form, status = {}, _form_of(voice, meeting), 200
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            commands.edit_voice(current_user, meeting, voice_id, form)
            return _back(meeting, _("The voice was changed."))
        except CommandError as error:
            db.session.rollback()
            refusal = refusal_of(error)
            errors, status = refusal.messages, refusal.status
            if refusal.status == 409:
                errors = {
                    "form": _("Someone changed this voice meanwhile. Check it and try again.")
                }
            voice = commands.voice_of(meeting, voice_id)
            form["base_version"] = str(voice.version)
    return render_template(
        "voices/edit.html",
        meeting=meeting,
        case=meeting.case,
        voice=voice,
        form=form,
        errors=errors,
    ), status


def _form_of(voice: AbsentVoice, meeting: Meeting) -> dict:
    """A voice's values as its edit form shows them."""
    return {
        "source": voice.source.value,
        "from_name": voice.from_name,
        "through_name": voice.through_name or "",
        "through_role": voice.through_role or "",
        "given_on": rendering.given_day(voice, meeting.case),
        "section": voice.section,
        "shareable": "1" if voice.shareable else "",
        "words": voice.words or "",
        "picture_description": voice.picture_description or "",
        "base_version": str(voice.version),
    }


@bp.post("/<int:voice_id>/<any(remove,restore):step>")
@caseworker_required
def remove_or_restore(meeting_id: int, voice_id: int, step: str):
    """Take a voice off the board, or bring it back."""
    meeting = meeting_or_404(current_user, meeting_id)
    change = commands.remove_voice if step == "remove" else commands.restore_voice
    try:
        change(current_user, meeting, voice_id)
    except CommandError as error:
        db.session.rollback()
        refusal = refusal_of(error, not_found=_("That voice is no longer there."))
        return _page(meeting, errors=refusal.messages, status=refusal.status)
    done = _("The voice was removed.") if step == "remove" else _("The voice was brought back.")
    return _back(meeting, done)


@bp.get("/<int:voice_id>/picture")
def picture(meeting_id: int, voice_id: int):
    """A voice's picture, for whoever may see it: staff of the case see every one; a room screen
    (a phone in a meeting of the case, or the wall) only one shared with the family and still on
    the board. Anyone else gets the same 404 as for a picture that does not exist."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    room = True if request.args.get("screen") == "room" else None
    viewer = viewer_for(meeting, for_room=room)
    voice = db.session.get(AbsentVoice, voice_id)
    if viewer is None or voice is None or voice.case_id != meeting.case_id:
        abort(404)
    if viewer.audience != STAFF and (
        not voice.shareable or voice.confidential or voice.deleted_at is not None
    ):
        abort(404)
    if voice.picture_type not in ("image/png", "image/jpeg") or not voice.picture:
        abort(404)
    response = make_response(voice.picture)
    response.headers["Content-Type"] = voice.picture_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    extension = "png" if voice.picture_type == "image/png" else "jpg"
    response.headers["Content-Disposition"] = f'inline; filename="voice-{voice.id}.{extension}"'
    # Kept by this browser only, and asked again each time: a picture made staff-only since must
    # not be shown from a cache.
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(f"voice-{voice.id}-{voice.version}")
    return response.make_conditional(request)


@bp.app_template_global()
def voice_source_words() -> dict[str, str]:
    """Who a voice is, in the reader's language (for templates)."""
    return rendering.source_words()


@bp.app_template_global()
def voice_zone(meeting):
    """The case's time zone, for a voice's day."""
    return profile(meeting.case.jurisdiction).zone


bp.add_app_template_global(rendering.voices_on_board, "voices_on_board")
bp.add_app_template_global(rendering.voices_in_version, "voices_in_version")
bp.add_app_template_global(rendering.picture_url, "voice_picture_url")
bp.add_app_template_global(rendering.picture_data_uri, "voice_picture_data_uri")
bp.add_app_template_global(rendering.given_day, "voice_given_day")
bp.add_app_template_global(commands.voice_sections, "voice_sections")
