"""Plan versions for staff: the plan as a meeting ended, and what changed since the one before."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request
from flask_login import current_user

from fttm.auth.access import caseworker_required, meeting_or_404
from fttm.idempotency import request_key
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.live import rate_limit
from fttm.live.http import viewer_of_meeting
from fttm.plans import agreement
from fttm.plans.version_page import version_or_404, version_page
from fttm.plans.versions import latest_version
from fttm.refusals import attempt
from fttm.reviews.fidelity import meeting_fidelity

bp = Blueprint("plans", __name__)


@bp.get("/meetings/<int:meeting_id>/plan")
@caseworker_required
def version(meeting_id: int):
    """The plan version a meeting ended with, compared with the case's version before it."""
    return version_page(meeting_or_404(current_user, meeting_id))


@bp.post("/meetings/<int:meeting_id>/plan/agreements")
@caseworker_required
def record_agreement(meeting_id: int):
    """Staff record an answer given in person, or why someone did not take part."""
    meeting = meeting_or_404(current_user, meeting_id)
    taken = version_or_404(meeting)
    form = request.form
    with attempt(field="who") as recording:
        agreement.record_in_person(
            current_user,
            taken,
            who=form.get("who", ""),
            response=form.get("response", ""),
            comment=form.get("comment"),
            name=form.get("name", ""),
            role=form.get("role", ""),
            key=request_key(),
        )
    errors = recording.refusal.messages if recording.refusal else {}
    body = render_template(
        "plans/parts/agreements.html",
        meeting=meeting,
        errors=errors,
        form=form if errors else {},
        fidelity=meeting_fidelity(meeting),
        **agreement.panel_context(taken),
    )
    return make_response(body, 400 if errors else 200)


def _my_panel(viewer, *, status: int = 200, errors: dict | None = None, form=None):
    """A phone's own "do you agree?" panel."""
    taken = version_or_404(viewer.meeting)
    answers = agreement.current_agreements(taken)
    mine = next((a for a in answers if a.participant_id == viewer.participant.id), None)
    body = render_template(
        "plans/parts/my_agreement.html",
        meeting=viewer.meeting,
        version=taken,
        replaced=latest_version(viewer.meeting.case_id).id != taken.id,
        endorsed=agreement.is_endorsed(taken),
        mine=mine,
        response_labels=agreement.RESPONSE_LABELS,
        zone=profile(viewer.meeting.case.jurisdiction).zone,
        errors=errors or {},
        form=form or {},
    )
    return make_response(body, status)


@bp.get("/meetings/<int:meeting_id>/board/agreement")
def my_agreement(meeting_id: int):
    """On a phone after the meeting: do you agree with the plan? (and what you answered)."""
    viewer = viewer_of_meeting(meeting_id)
    if viewer.is_staff:
        abort(404)
    return _my_panel(viewer)


@bp.post("/meetings/<int:meeting_id>/board/agreement")
def give_agreement(meeting_id: int):
    """A participant answers on their phone."""
    viewer = viewer_of_meeting(meeting_id)
    if viewer.is_staff:
        abort(404)
    if not rate_limit.allow(viewer.participant.id or 0):
        return _my_panel(
            viewer,
            status=429,
            errors={"response": _("You're sending changes very fast. Wait a moment.")},
        )
    taken = version_or_404(viewer.meeting)
    with attempt(field="response", not_found=_("That plan is not yours.")) as answering:
        agreement.answer(
            viewer,
            taken,
            request.form.get("response", ""),
            request.form.get("comment"),
            key=request_key(),
        )
    if refusal := answering.refusal:
        # A plan that is not yours is refused, not reported missing (403 either way).
        status = 403 if refusal.status == 404 else refusal.status
        return _my_panel(viewer, status=status, errors=refusal.messages, form=request.form)
    return _my_panel(viewer)
