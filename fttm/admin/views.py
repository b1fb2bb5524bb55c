"""Admin pages: staff accounts and teams."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fttm.admin.forms import ROLE_LABELS, TeamForm, UserForm
from fttm.auth import commands
from fttm.auth.access import admin_required
from fttm.auth.models import Team, User
from fttm.errors import Invalid
from fttm.extensions import db
from fttm.forms import options, show_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


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
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Create a staff account."""
    form = UserForm()
    form.team_id.choices = _team_choices()
    if form.validate_on_submit():
        try:
            user = commands.create_user(
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "",
                password=form.password.data or "",
                team_id=form.team_id.data,
            )
        except Invalid as error:
            show_errors(form, error)
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
        try:
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
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
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
        try:
            team = commands.create_team(form.name.data or "")
        except Invalid as error:
            flash(error.errors["name"], "error")
        else:
            flash(_("Team %(name)s created.", name=team.name), "success")
    return redirect(url_for("admin.users"))
