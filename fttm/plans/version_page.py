"""The plan version page a meeting ended with: the plan, what changed since the version before,
who agreed, and the supervisor's review. Shown by the plans blueprint, and again by the reviews
blueprint when a supervisor's decision needs correcting.
"""

from __future__ import annotations

from flask import abort, make_response, render_template

from fttm.core.registry import PART_KINDS, earlier_title, plan_part_titles, section_titles
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings import phases
from fttm.meetings.models import Meeting
from fttm.plans import agreement
from fttm.plans.models import PlanVersion
from fttm.plans.versions import (
    compare,
    framework_of_version,
    previous_version,
    version_of_meeting,
)
from fttm.reviews.endorsement import DECISION_LABELS
from fttm.reviews.fidelity import meeting_fidelity
from fttm.templating import local_date
from fttm.transcript.vocabulary import word_lists


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


def value_words(field: str, value) -> str:
    """A field's value as the page writes it: a date as its other dates, a status or a kind of
    step in words, nothing as a dash.
    """
    if value is None or value == "":
        return "—"
    if field == "due_on":
        return local_date(value)
    if isinstance(value, str):
        return word_lists().get(value, value) if field in ("status", "kind") else value
    return str(value)


def section_namer(framework):
    """`name(part, item)`: the title of the section a strength or worry of a plan version shows
    under, where its part keeps several ("" where one, or for a part of another kind)."""

    def name(part: str, item: dict) -> str:
        kind = PART_KINDS.get(part)
        if kind is None or (len(framework.holding(kind)) < 2 and "section" not in item):
            return ""
        if len(framework.holding(kind)) < 2 and item["section"] in framework.keys:
            return ""
        return framework.title_of(item.get("section"), kind) or earlier_title()

    return name


def version_or_404(meeting: Meeting) -> PlanVersion:
    """The plan version the meeting ended with, or 404."""
    taken = version_of_meeting(meeting.id)
    if taken is None:
        abort(404)
    return taken


def version_page(
    meeting: Meeting,
    *,
    status: int = 200,
    decision_errors: dict | None = None,
    decision_form=None,
):
    """The plan version page: the plan, what changed, who agreed, and the supervisor's review."""
    taken = version_or_404(meeting)
    before = previous_version(taken)
    framework = framework_of_version(taken.snapshot)
    body = render_template(
        "plans/version.html",
        meeting=meeting,
        case=meeting.case,
        zone=profile(meeting.case.jurisdiction).zone,
        previous=before,
        changes=compare(before.snapshot if before else None, taken.snapshot),
        section_names=plan_part_titles(framework),
        item_section=section_namer(framework),
        version_section_titles=section_titles(framework, every=True),
        field_names=field_names(),
        value_words=value_words,
        decision=taken.decision,
        decision_labels=DECISION_LABELS,
        decision_errors=decision_errors or {},
        decision_form=decision_form or {},
        errors={},
        form={},
        fidelity=meeting_fidelity(meeting),
        phase_times=phases.meeting_timeline(meeting),
        **agreement.panel_context(taken),
    )
    return make_response(body, status)
