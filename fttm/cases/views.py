"""The team's case list, and opening, viewing and editing a case."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from fttm.auth.access import case_or_404, caseworker_required, visible_cases
from fttm.auth.models import Role, User
from fttm.cases import commands
from fttm.cases.forms import CaseForm, CaseSearchForm
from fttm.cases.frameworks import move_case
from fttm.cases.models import Case
from fttm.cases.timeframes import case_deadlines, next_deadline, plan_progress
from fttm.errors import Invalid
from fttm.extensions import db
from fttm.forms import options, submit
from fttm.frameworks import FRAMEWORKS, framework_of_case
from fttm.jurisdictions import all_profiles, profile
from fttm.languages import gettext as _

bp = Blueprint("cases", __name__, url_prefix="/cases")
# A safety valve, not paging: a team has hundreds of cases, and "most urgent first" needs them all.
LIST_LIMIT = 1000


def _team_facilitators() -> list:
    """Choices for "facilitator": the active caseworkers of the signed-in user's team."""
    people = db.session.scalars(
        sa.select(User)
        .where(
            User.team_id == current_user.team_id,
            User.active,
            User.role.in_([Role.FACILITATOR, Role.SUPERVISOR]),
        )
        .order_by(User.name)
    ).all()
    return options([("", _("Not assigned yet")), *((user.id, user.name) for user in people)])


def _prepare(form: CaseForm) -> CaseForm:
    """Fill the form's choices; permanency goals follow the chosen jurisdiction profile."""
    profiles = all_profiles()
    form.jurisdiction.choices = options((p.id, p.title()) for p in profiles.values())
    chosen = profiles.get(form.jurisdiction.data) or next(iter(profiles.values()))
    form.permanency_goal.choices = options(chosen.choices("permanency_goals"))
    form.facilitator_id.choices = _team_facilitators()
    return form


def _details(form: CaseForm) -> commands.CaseDetails:
    """The command's input from a parsed form."""
    values = {name: form[name].data for name in commands.FIELDS}
    for text in ("case_number", "family_name", "permanency_goal"):
        values[text] = values[text] or ""
    return commands.CaseDetails(**values)


def _default_jurisdiction() -> str:
    """The profile most of the team's cases use, else the configured default."""
    used = db.session.scalar(
        sa.select(Case.jurisdiction)
        .where(Case.team_id == current_user.team_id)
        .group_by(Case.jurisdiction)
        .order_by(sa.func.count().desc())
        .limit(1)
    )
    return used or current_app.config["DEFAULT_JURISDICTION"]


@bp.get("/")
@caseworker_required
def index():
    """The team's cases, most urgent first, searchable; htmx asks for just the rows."""
    search = CaseSearchForm(request.args)
    query = visible_cases(current_user).options(
        selectinload(Case.meetings), selectinload(Case.facilitator)
    )
    term = (search.q.data or "").strip()
    if term:
        # The term is text, not a pattern: % and _ match themselves.
        escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Case.family_name).like(pattern, escape="\\"),
                sa.func.lower(Case.case_number).like(pattern, escape="\\"),
            )
        )
    cases = db.session.scalars(query.order_by(Case.family_name).limit(LIST_LIMIT)).all()
    # Plan versions, endorsements and copies for every listed case at once, not per row.
    progress = plan_progress(case.id for case in cases)
    rows = [
        (case, next_deadline(case, profile(case.jurisdiction), progress=progress[case.id]))
        for case in cases
    ]
    rows.sort(key=lambda row: (row[1] is None, row[1].due if row[1] else None))
    template = (
        "cases/parts/case_rows.html" if request.headers.get("HX-Request") else "cases/index.html"
    )
    return render_template(
        template, rows=rows, search=search, term=term, limited=len(cases) == LIST_LIMIT
    )


@bp.route("/new", methods=["GET", "POST"])
@caseworker_required
def new():
    """Open a case for the team."""
    form = CaseForm()
    if request.method == "GET":
        form.jurisdiction.data = _default_jurisdiction()
        form.facilitator_id.data = (
            current_user.id if current_user.role == Role.FACILITATOR else None
        )
    _prepare(form)
    case = submit(
        form,
        lambda: commands.open_case(current_user, _details(form)),
        lambda: commands.check_case(current_user, _details(form)),
    )
    if case is not None:
        flash(_("Case %(number)s opened.", number=case.case_number), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    status = 400 if request.method == "POST" else 200
    return render_template("cases/form.html", form=form, case=None), status


@bp.get("/<int:case_id>")
@caseworker_required
def show(case_id: int):
    """One case: its details, what is due, its practice framework, and its meetings."""
    return _case_page(case_or_404(current_user, case_id))


def _case_page(case, *, errors: dict | None = None, status: int = 200):
    """The case's page (`errors`: why a change of framework was refused)."""
    case_profile = profile(case.jurisdiction)
    page = render_template(
        "cases/show.html",
        case=case,
        profile=case_profile,
        deadlines=case_deadlines(case, case_profile),
        left_out=[str(TIMEFRAME_NAMES[name]) for name in case_profile.left_out],
        framework=framework_of_case(case),
        frameworks=[(f.key, f.name()) for f in FRAMEWORKS.values()],
        framework_errors=errors or {},
    )
    return page, status


@bp.post("/<int:case_id>/framework")
@caseworker_required
def framework(case_id: int):
    """Put the case's board on another practice framework (between meetings)."""
    case = case_or_404(current_user, case_id)
    try:
        move_case(current_user, case, request.form.get("framework", ""))
    except Invalid as error:
        db.session.rollback()
        return _case_page(case, errors=error.errors, status=400)
    flash(_("The board now uses %(name)s.", name=framework_of_case(case).name()), "success")
    return redirect(url_for("cases.show", case_id=case.id))


# What each timeframe a profile may leave out is the deadline of, in words.
TIMEFRAME_NAMES = {
    "plan_due": _l("the case plan"),
    "endorsement_due": _l("the supervisor's endorsement of a plan"),
    "copy_to_family_due": _l("the family's copy of a plan"),
    "review_every_days": _l("the plan's review"),
    "tribe_contact": _l("contacting the child's tribe, band or community"),
}


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@caseworker_required
def edit(case_id: int):
    """Change a case's details."""
    case = case_or_404(current_user, case_id)
    form = _prepare(CaseForm(obj=case))
    saved = submit(
        form,
        lambda: commands.update_case(current_user, case, _details(form)),
        lambda: commands.check_case(current_user, _details(form), case.id),
    )
    if saved is not None:
        flash(_("Case details saved."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    status = 400 if request.method == "POST" else 200
    return render_template("cases/form.html", form=form, case=case), status


@bp.get("/permanency-goals")
@caseworker_required
def permanency_goals():
    """The permanency goal field for the jurisdiction just chosen (swapped in by htmx)."""
    form = _prepare(CaseForm(request.args, meta={"csrf": False}))
    return render_template("cases/parts/permanency_goal_field.html", form=form)
