"""Plan versions for staff: the plan as a meeting ended, and what changed since the one before."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from fttm.auth.access import caseworker_required, meeting_or_404
from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.plans.models import PlanVersion
from fttm.plans.versions import compare, previous_version

bp = Blueprint("plans", __name__)


def section_names() -> dict[str, str]:
    """Each part of a plan version, in the reader's language."""
    return {
        "strengths": _("What's working well"),
        "worries": _("What are we worried about"),
        "goals": _("Goals"),
        "objectives": _("Objectives"),
        "actions": _("Actions"),
        "safety_steps": _("Safety plan"),
    }


def field_names() -> dict[str, str]:
    """The fields a change between versions can name."""
    return {
        "text": _("Words"),
        "what": _("What"),
        "who": _("Who"),
        "where_how": _("Where and how"),
        "due_on": _("By when"),
        "status": _("Status"),
        "goal_id": _("Goal"),
        "objective_id": _("Objective"),
        "need_domain": _("Need"),
        "person_id": _("About"),
        "kind": _("Kind of step"),
        "when": _("When"),
        "trigger": _("If"),
    }


@bp.get("/meetings/<int:meeting_id>/plan")
@caseworker_required
def version(meeting_id: int):
    """The plan version a meeting ended with, compared with the case's version before it."""
    meeting = meeting_or_404(current_user, meeting_id)
    taken = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == meeting.id))
    if taken is None:
        abort(404)
    before = previous_version(taken)
    return render_template(
        "plans/version.html",
        meeting=meeting,
        case=meeting.case,
        zone=profile(meeting.case.jurisdiction).zone,
        version=taken,
        previous=before,
        changes=compare(before.snapshot if before else None, taken.snapshot),
        section_names=section_names(),
        field_names=field_names(),
    )
