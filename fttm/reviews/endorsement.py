"""The supervisor's decision on a plan version: endorse it, or return it to the facilitator with
comments. Decisions are kept; the latest one is the plan's review state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fttm.auth.models import Role, User
from fttm.cases.models import Case
from fttm.cases.timeframes import endorsement_due_on, latest_versions
from fttm.core.recorder import Actor, change, replayed_row, snapshot
from fttm.errors import Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.plans.agreement import unexplained_parents
from fttm.plans.models import Endorsement, EndorsementDecision, PlanVersion
from fttm.plans.versions import latest_version
from fttm.templating import local_list

COMMENT_MAX = 2000
FIELDS = ("decision", "comment")
DECISION_LABELS = {
    EndorsementDecision.ENDORSED: _l("Endorsed"),
    EndorsementDecision.RETURNED: _l("Returned to the facilitator"),
}


def decide(
    supervisor: User,
    version: PlanVersion,
    decision: str,
    comment: str | None = None,
    *,
    key: str | None = None,
) -> Endorsement:
    """Endorse the version, or return it to the facilitator with comments (required)."""
    case = db.session.get(Case, version.case_id)
    if supervisor.team_id != case.team_id or not supervisor.is_staff_of_cases:
        raise NotFound("case of another team")
    if supervisor.role != Role.SUPERVISOR:
        raise NotAllowed(_("Only a supervisor can endorse or return a plan."))
    actor = Actor.for_user(supervisor)
    done = replayed_row(
        version.case_id, key, actor, Endorsement, lambda row: row.plan_version_id == version.id
    )
    if done is not None:
        return done
    newest = latest_version(version.case_id)
    if newest is not None and newest.id != version.id:
        raise NotAllowed(_("This plan was replaced by version %(number)d.", number=newest.number))
    last = version.decision
    if last is not None and last.decision == EndorsementDecision.ENDORSED:
        raise NotAllowed(_("This plan is already endorsed."))
    text = " ".join((comment or "").split()) or None
    errors: dict[str, str] = {}
    if decision not in {d.value for d in EndorsementDecision}:
        errors["decision"] = _("Choose to endorse the plan or return it.")
    if text and len(text) > COMMENT_MAX:
        errors["comment"] = _("Use at most %(count)d characters.", count=COMMENT_MAX)
    if decision == EndorsementDecision.RETURNED and not text:
        errors["comment"] = _("Say what the facilitator should change.")
    # Only a parent who never took part holds the plan up until the reason is recorded; one who
    # was in the meeting and has not answered yet is still to answer, not absent.
    if decision == EndorsementDecision.ENDORSED and (missing := unexplained_parents(version)):
        errors["decision"] = _(
            "The plan doesn't say why %(names)s did not take part. Return it so the "
            "facilitator can record it.",
            names=local_list(row.name for row in missing),
        )
    if errors:
        raise Invalid(errors)
    kind = f"plan_version.{decision}"
    with change(
        version.case_id,
        Actor.for_user(supervisor),
        meeting_id=version.meeting_id,
        idempotency_key=key,
    ) as current:
        endorsement = Endorsement(
            plan_version_id=version.id,
            supervisor_id=supervisor.id,
            decision=EndorsementDecision(decision),
            comment=text,
        )
        db.session.add(endorsement)
        db.session.flush()
        current.record(kind, endorsement, after=snapshot(endorsement, FIELDS), section="review")
    db.session.refresh(version)
    return endorsement


@dataclass
class QueueEntry:
    """A plan version in the review queue."""

    version: PlanVersion
    case: Case
    due_on: date | None
    overdue: bool
    decision: Endorsement | None
    unexplained: int

    @property
    def returned(self) -> bool:
        """The supervisor sent it back; it waits for the facilitator."""
        return self.decision is not None and self.decision.decision == EndorsementDecision.RETURNED


def review_queue(team_id: int, today: date | None = None) -> list[QueueEntry]:
    """Each case's newest plan version that is not endorsed yet, oldest first."""
    case_ids = db.session.scalars(sa.select(Case.id).where(Case.team_id == team_id)).all()
    versions = sorted(
        latest_versions(case_ids).values(), key=lambda version: (version.created_at, version.id)
    )
    entries = []
    for version in versions:
        decision = version.decision
        if decision is not None and decision.decision == EndorsementDecision.ENDORSED:
            continue
        case = db.session.get(Case, version.case_id)
        rules = profile(case.jurisdiction)
        due = endorsement_due_on(case, version, rules)
        now = today or rules.today()
        entries.append(
            QueueEntry(
                version=version,
                case=case,
                due_on=due,
                overdue=due is not None and due < now,
                decision=decision,
                unexplained=len(unexplained_parents(version)),
            )
        )
    return entries
