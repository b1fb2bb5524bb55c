"""Admin pages: staff accounts and teams, and who must wait before signing in again."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from fttm.admin.forms import ROLE_LABELS, ClearSignInLimitForm, TeamForm, UserForm
from fttm.auth import commands, throttle
from fttm.auth.access import admin_required
from fttm.auth.models import Team, User
from fttm.extensions import db
from fttm.forms import options, show_errors
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.refusals import attempt

logger = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")


@dataclass(frozen=True)
class SignInLimitRow:
    """A sign-in limit as the accounts page shows it: the account it is about, if there is one."""

    limit: throttle.Limit
    user: User | None

    @property
    def minutes_left(self) -> int:
        """Whole minutes until the wait ends."""
        return throttle.minutes_until(self.limit.until)


def _sign_in_limits(accounts: list[User]) -> list[SignInLimitRow]:
    """Every account and address that must wait, matched to the account it stands for."""
    by_key = {throttle.account_key(user.email): user for user in accounts}
    limits = throttle.current_limits({key: user.last_login_at for key, user in by_key.items()})
    return [
        SignInLimitRow(limit, by_key.get(limit.key) if limit.kind == "account" else None)
        for limit in limits
    ]


def _team_choices() -> list:
    """Every team, plus "no team" for admins."""
    teams = db.session.scalars(sa.select(Team).order_by(Team.name)).all()
    return options([("", _("No team (admins only)")), *((team.id, team.name) for team in teams)])


@bp.get("/users")
@admin_required
def users():
    """Every staff account, by team."""
    accounts = db.session.scalars(sa.select(User).order_by(User.name)).all()
    teams = db.session.scalars(sa.select(Team).order_by(Team.name)).all()
    return render_template(
        "admin/users.html",
        users=accounts,
        teams=teams,
        role_labels=ROLE_LABELS,
        team_form=TeamForm(),
        sign_in_limits=_sign_in_limits(list(accounts)),
        zone=profile(current_app.config["DEFAULT_JURISDICTION"]).zone,
    )


@bp.post("/sign-in-limits/clear")
@admin_required
def clear_sign_in_limit():
    """Forget an account's or an address's failed sign-ins, so it may try again at once."""
    form = ClearSignInLimitForm()
    if not form.validate_on_submit():
        abort(400)
    kind, key = form.kind.data, form.key.data
    user = None
    if kind == "account":
        accounts = db.session.scalars(sa.select(User)).all()
        user = next((u for u in accounts if throttle.account_key(u.email) == key), None)
    forgotten = throttle.clear(kind, key)
    # Ids only: the log must not hold an email, a name or an address, nor their hashes.
    about = (
        f"user {user.id}" if user else ("an unknown email" if kind == "account" else "an address")
    )
    logger.info(
        "sign-in limit cleared for %s by user %s (%d failures)", about, current_user.id, forgotten
    )
    if not forgotten:
        flash(_("There was nothing to clear: that wait had already ended."), "info")
    elif user:
        flash(_("%(name)s can try to sign in again.", name=user.name), "success")
    elif kind == "account":
        flash(_("That email address can be tried again."), "success")
    else:
        flash(_("That address can try to sign in again."), "success")
    return redirect(url_for("admin.users") + "#sign-in-limits")


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Create a staff account."""
    form = UserForm()
    form.team_id.choices = _team_choices()
    if form.validate_on_submit():
        with attempt() as creating:
            user = commands.create_user(
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "",
                password=form.password.data or "",
                team_id=form.team_id.data,
            )
        if creating.refusal:
            show_errors(form, creating.refusal.messages)
        else:
            flash(_("Account created for %(name)s.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    """Change an account: name, role, team, enabled, password."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    form.team_id.choices = _team_choices()
    if form.validate_on_submit():
        with attempt() as saving:
            commands.update_user(
                user,
                actor=current_user,
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "",
                team_id=form.team_id.data,
                active=form.active.data,
                password=form.password.data or "",
            )
        if saving.refusal:
            show_errors(form, saving.refusal.messages)
        else:
            flash(_("Account saved."), "success")
            return redirect(url_for("admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.post("/teams")
@admin_required
def new_team():
    """Create a team."""
    form = TeamForm()
    if form.validate_on_submit():
        with attempt() as creating:
            team = commands.create_team(form.name.data or "")
        if creating.refusal:
            flash(creating.refusal.first, "error")
        else:
            flash(_("Team %(name)s created.", name=team.name), "success")
    return redirect(url_for("admin.users"))
