"""Plan versions for staff: the plan as a meeting ended, and what changed since the one before."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from fttm.auth.access import caseworker_required, meeting_or_404
from fttm.errors import Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.idempotency import AppliedMeanwhile, request_key
from fttm.jurisdictions import profile
from fttm.live import rate_limit
from fttm.live.http import viewer_of_meeting
from fttm.plans import agreement
from fttm.plans.version_page import version_or_404, version_page
from fttm.plans.versions import latest_version
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
    errors: dict[str, str] = {}
    try:
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
    except AppliedMeanwhile:
        db.session.rollback()  # the same answer, sent twice at once: the other try saved it
    except Invalid as error:
        db.session.rollback()
        errors = error.errors
    except NotAllowed as error:
        db.session.rollback()
        errors = {"who": str(error)}
    body = render_template(
        "plans/_agreements.html",
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
        "plans/_my_agreement.html",
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
    try:
        agreement.answer(
            viewer,
            taken,
            request.form.get("response", ""),
            request.form.get("comment"),
            key=request_key(),
        )
    except AppliedMeanwhile:
        db.session.rollback()  # the same answer, sent twice at once: the other try saved it
    except Invalid as error:
        db.session.rollback()
        return _my_panel(viewer, status=400, errors=error.errors, form=request.form)
    except (NotAllowed, NotFound) as error:
        db.session.rollback()
        message = str(error) if isinstance(error, NotAllowed) else _("That plan is not yours.")
        return _my_panel(viewer, status=403, errors={"response": message}, form=request.form)
    return _my_panel(viewer)
