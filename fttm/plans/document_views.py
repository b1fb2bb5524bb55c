"""The plan as documents: the family's copy (page and PDF), copies given, the case plan as JSON."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user

from fttm.auth.access import case_or_404, caseworker_required, meeting_or_404
from fttm.error_pages import render_error
from fttm.extensions import db
from fttm.forms import whole_number
from fttm.jurisdictions import profile
from fttm.languages import NAMES, html_lang, normalize, supported
from fttm.languages import gettext as _
from fttm.live.viewer import participant_from_cookie
from fttm.meetings.models import Meeting, MeetingStatus, ParticipantStatus
from fttm.pdf import pdf_response
from fttm.plans.copies import (
    copies_status,
    member_language,
    method_words,
    record_copy,
    version_case,
)
from fttm.plans.exports import case_plan_text
from fttm.plans.family_copy import plan_for_family, response_words, written_date
from fttm.plans.models import FamilyCopy, PlanVersion
from fttm.plans.versions import version_of_meeting
from fttm.refusals import attempt

bp = Blueprint("plan_documents", __name__)
SOMEONE_ELSE = "other"


def _version_of(meeting: Meeting) -> PlanVersion:
    """The version an ended meeting took; 404 while it runs or if it took none."""
    version = version_of_meeting(meeting.id)
    if meeting.status != MeetingStatus.ENDED or version is None:
        abort(404)
    return version


def _reader(meeting_id: int) -> tuple[Meeting, bool]:
    """The meeting and whether staff are reading: staff of the case's team, or an admitted
    family member of this very meeting on their phone; 404 for everyone else.
    """
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    user = current_user
    if user.is_authenticated and user.is_staff_of_cases and user.team_id == meeting.case.team_id:
        return meeting, True
    participant = participant_from_cookie(meeting)
    if participant is None or participant.status != ParticipantStatus.ADMITTED:
        abort(404)
    if participant.user_id is not None:  # a staff account's seat, not a family phone
        abort(404)
    return meeting, False


def _safe_name(text: str) -> str:
    """Text fit for a download's file name."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "case"


def _context(version: PlanVersion, is_staff: bool, extra: dict | None = None) -> dict:
    """What the family's copy shows (and, for staff, the copies panel in `extra`)."""
    plan = plan_for_family(version)
    return {
        "plan": plan,
        "case": plan.case,
        "meeting": plan.meeting,
        "version": version,
        "is_staff": is_staff,
        "written_date": written_date,
        "answers": response_words(),
        "for_pdf": False,
        **(extra or {}),
    }


def _copies_context(version: PlanVersion, *, errors=None, form=None, message="") -> dict:
    """What the "Copies given" panel shows: the copies, who still needs one, the form."""
    return {
        "version": version,
        "copies": copies_status(version),
        "methods": method_words(),
        "written_date": written_date,
        "today": profile(version_case(version).jurisdiction).today(),
        "language_names": {key: NAMES.get(key, key) for key in supported()},
        "member_languages": {
            r.person.id: member_language(version, r.person.id)
            for r in copies_status(version).recipients
        },
        "html_lang": html_lang,
        "errors": errors or {},
        "form": form or {},
        "message": message,
    }


@bp.get("/meetings/<int:meeting_id>/plan/family")
def family_copy(meeting_id: int):
    """The family's copy of the plan the meeting ended with, ready to read or print."""
    meeting, is_staff = _reader(meeting_id)
    version = _version_of(meeting)
    extra = _copies_context(version) if is_staff else {}
    return render_template("plans/family_copy.html", **_context(version, is_staff, extra))


@bp.get("/meetings/<int:meeting_id>/plan/family.pdf")
def family_copy_pdf(meeting_id: int):
    """The family's copy as a PDF (the same words as the page): a phone's in its participant's
    language; staff choose the copy given to someone (`copy`) or a `language`, else their own."""
    meeting, is_staff = _reader(meeting_id)
    version = _version_of(meeting)
    language = _staff_choice(version) if is_staff else None
    name = f"plan-{_safe_name(meeting.case.case_number)}-version-{version.number}.pdf"
    if language is None:
        return _pdf_of(version, is_staff, name)
    with force_locale(language):
        return _pdf_of(version, is_staff, name)


def _pdf_of(version: PlanVersion, is_staff: bool, name: str) -> Response:
    """The family's copy of `version` as a PDF download, in the language now in force."""
    context = _context(version, is_staff)
    del context["for_pdf"]  # pdf_response sets it
    return pdf_response("plans/family_copy.html", name, **context)


def _staff_choice(version: PlanVersion) -> str | None:
    """The language staff asked the copy in: that of a copy recorded for this version, or one
    named; None for their own. 404 for a copy of another version, 400 for an unknown language."""
    if "copy" in request.args:
        copy_id = whole_number(request.args["copy"])
        copy = db.session.get(FamilyCopy, copy_id) if copy_id is not None else None
        if copy is None or copy.plan_version_id != version.id:
            abort(404)
        return normalize(copy.language)
    if "language" in request.args:
        language = normalize(request.args["language"])
        if language is None:
            title = _("This copy can't be made in that language")
            abort(make_response(render_error(400, title, _("Choose a language from the list."))))
        return language
    return None


def _posted_copy() -> dict:
    """The form's fields as record_copy takes them."""
    chosen = request.form.get("recipient", "")
    person_id = None if chosen == SOMEONE_ELSE else whole_number(chosen)
    if chosen not in ("", SOMEONE_ELSE) and person_id is None:
        person_id = -1  # an id no one has: reported as "choose someone from the list"
    return {
        "person_id": person_id,
        "recipient_name": request.form.get("recipient_name", "")
        if chosen == SOMEONE_ELSE
        else None,
        "method": request.form.get("method", ""),
        "given_on": request.form.get("given_on", ""),
        "language": normalize(request.form.get("language")) or request.form.get("language", ""),
    }


@bp.post("/meetings/<int:meeting_id>/plan/copies")
@caseworker_required
def record_family_copy(meeting_id: int):
    """Record when and how a copy of the plan was given to a parent or the young person."""
    meeting = meeting_or_404(current_user, meeting_id)
    version = _version_of(meeting)
    htmx = bool(request.headers.get("HX-Request"))
    with attempt() as recording:
        record_copy(current_user, version, **_posted_copy())
    if refusal := recording.refusal:
        context = _copies_context(version, errors=refusal.messages, form=request.form)
        if htmx:
            return render_template("plans/parts/copies.html", **context), 400
        return render_template("plans/family_copy.html", **_context(version, True, context)), 400
    message = _("Copy recorded.")
    if not htmx:
        flash(message, "success")
        return redirect(url_for("plan_documents.family_copy", meeting_id=meeting.id) + "#copies")
    return render_template("plans/parts/copies.html", **_copies_context(version, message=message))


@bp.get("/cases/<int:case_id>/plan.json")
@caseworker_required
def case_plan(case_id: int):
    """The whole case plan as a JSON file for another case-management system."""
    case = case_or_404(current_user, case_id)
    response = Response(case_plan_text(case), mimetype="application/json")
    name = f"case-plan-{_safe_name(case.case_number)}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
