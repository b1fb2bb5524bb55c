"""The team dashboard: what is due soon and what is overdue, for facilitators and supervisors."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from fttm.auth.access import caseworker_required, visible_cases
from fttm.cases.models import Case
from fttm.cases.timeframes import DUE_SOON_DAYS, Deadline, deadlines_by_case
from fttm.extensions import db

bp = Blueprint("dashboard", __name__)
# How far ahead "Later" looks: a month is what a supervisor plans supervision sessions over.
LOOK_AHEAD_DAYS = 30
# A safety valve, as on the case list: a team has a few hundred cases.
CASE_LIMIT = 1000


@dataclass(frozen=True)
class DueRow:
    """One open deadline of one case, as a dashboard row."""

    case: Case
    deadline: Deadline


@dataclass
class DueGroup:
    """The rows of one heading of the dashboard: overdue, due in the next days, later."""

    key: str
    title: str
    empty: str
    rows: list[DueRow] = field(default_factory=list)


def _groups() -> list[DueGroup]:
    """The dashboard's three headings, most urgent first, still empty."""
    return [
        DueGroup("overdue", _l("Overdue"), _l("Nothing is overdue.")),
        DueGroup(
            "soon",
            _l("Due in the next %(days)d days", days=DUE_SOON_DAYS),
            _l("Nothing is due in the next %(days)d days.", days=DUE_SOON_DAYS),
        ),
        DueGroup(
            "later",
            _l("Later (next %(days)d days)", days=LOOK_AHEAD_DAYS),
            _l("Nothing else is due in the next %(days)d days.", days=LOOK_AHEAD_DAYS),
        ),
    ]


def group_deadlines(cases: list[Case], deadlines: dict[int, list[Deadline]]) -> list[DueGroup]:
    """Every open deadline within LOOK_AHEAD_DAYS under its heading, the most urgent first."""
    overdue, soon, later = groups = _groups()
    for case in cases:
        for deadline in deadlines[case.id]:
            if deadline.overdue:
                overdue.rows.append(DueRow(case, deadline))
            elif deadline.due_soon:
                soon.rows.append(DueRow(case, deadline))
            elif deadline.days_left <= LOOK_AHEAD_DAYS:
                later.rows.append(DueRow(case, deadline))
    for group in groups:
        group.rows.sort(key=lambda row: (row.deadline.days_left, row.case.family_name, row.case.id))
    return groups


@bp.get("/dashboard")
@caseworker_required
def index():
    """The team's open deadlines: overdue, due in the next week, later this month."""
    # Only "1" switches it on: any other value shows the whole team, as a plain visit does.
    only_mine = request.args.get("mine") == "1"
    query = visible_cases(current_user).options(
        selectinload(Case.meetings), selectinload(Case.facilitator)
    )
    if only_mine:
        query = query.where(Case.facilitator_id == current_user.id)
    cases = db.session.scalars(query.order_by(Case.id).limit(CASE_LIMIT)).all()
    groups = group_deadlines(cases, deadlines_by_case(cases))
    return render_template(
        "cases/dashboard.html",
        groups=groups,
        only_mine=only_mine,
        case_count=len(cases),
        limited=len(cases) == CASE_LIMIT,
    )
