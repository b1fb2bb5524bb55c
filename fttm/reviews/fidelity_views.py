"""Fidelity indicators for staff: per meeting and summed over a team."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from fttm.auth.access import caseworker_required, meeting_or_404
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.models import MeetingStatus
from fttm.reviews.fidelity import meeting_fidelity, team_fidelity
from fttm.reviews.plus_delta import answers as plus_delta_answers
from fttm.timestamps import utcnow

bp = Blueprint("fidelity", __name__)

DEFAULT_PERIOD = "90"
# Days looked back for each choice of period; None for every meeting the team has held.
PERIOD_DAYS = {"30": 30, "90": 90, "365": 365, "all": None}


def period_choices() -> list[tuple[str, str]]:
    """The periods a reader can choose, in their language."""
    return [
        ("30", _("Last 30 days")),
        ("90", _("Last 90 days")),
        ("365", _("Last 365 days")),
        ("all", _("All meetings")),
    ]


@bp.get("/meetings/<int:meeting_id>/fidelity")
@caseworker_required
def meeting(meeting_id: int):
    """The fidelity indicators of one ended meeting of the team's case."""
    found = meeting_or_404(current_user, meeting_id)
    if found.status != MeetingStatus.ENDED:
        abort(404)
    return render_template(
        "reviews/fidelity_meeting.html",
        meeting=found,
        case=found.case,
        zone=profile(found.case.jurisdiction).zone,
        fidelity=meeting_fidelity(found),
        plus_deltas=plus_delta_answers(found),
        role_label=lambda key: profile(found.case.jurisdiction).label("participant_roles", key),
    )


@bp.get("/fidelity")
@caseworker_required
def team():
    """The team's fidelity over a period: each indicator's sums, and every meeting's results."""
    period = request.args.get("period", DEFAULT_PERIOD)
    if period not in PERIOD_DAYS:
        message = _("Choose a period from the list: the last 30, 90 or 365 days, or all meetings.")
        return render_template(
            "reviews/fidelity_team.html",
            period=period,
            periods=period_choices(),
            error=message,
            summary=None,
        ), 400
    days = PERIOD_DAYS[period]
    since = None if days is None else utcnow().date() - timedelta(days=days)
    return render_template(
        "reviews/fidelity_team.html",
        period=period,
        periods=period_choices(),
        error=None,
        summary=team_fidelity(current_user.team_id, since),
    )
