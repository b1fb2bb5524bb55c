"""The supervisor's review: plans waiting for endorsement (oldest first), endorse or return."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fttm.auth.access import caseworker_required, meeting_or_404
from fttm.idempotency import request_key
from fttm.languages import gettext as _
from fttm.plans.version_page import version_or_404, version_page
from fttm.refusals import attempt
from fttm.reviews.endorsement import DECISION_LABELS, decide, review_queue

bp = Blueprint("reviews", __name__)


@bp.get("/reviews")
@caseworker_required
def queue():
    """Plans waiting for the supervisor, and plans returned to the facilitators."""
    entries = review_queue(current_user.team_id)
    return render_template(
        "reviews/queue.html",
        waiting=[entry for entry in entries if not entry.returned],
        returned=[entry for entry in entries if entry.returned],
        decision_labels=DECISION_LABELS,
    )


@bp.post("/meetings/<int:meeting_id>/plan/decision")
@caseworker_required
def decision(meeting_id: int):
    """The supervisor endorses the plan version, or returns it with comments."""
    meeting = meeting_or_404(current_user, meeting_id)
    version = version_or_404(meeting)
    chosen = request.form.get("decision", "")
    with attempt(field="decision") as deciding:
        decide(current_user, version, chosen, request.form.get("comment"), key=request_key())
    if refusal := deciding.refusal:
        return version_page(
            meeting,
            status=refusal.status,
            decision_errors=refusal.messages,
            decision_form=request.form,
        )
    if chosen == "endorsed":
        flash(_("You endorsed plan version %(number)d.", number=version.number), "success")
    else:
        flash(_("Plan version %(number)d went back to the facilitator.", number=version.number))
    return redirect(url_for("reviews.queue"))
