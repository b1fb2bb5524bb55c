"""Signing in and out, and the home page that sends each role where its work is."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from fttm.auth import throttle
from fttm.auth.forms import LoginForm
from fttm.auth.models import Role, User
from fttm.extensions import db
from fttm.timestamps import utcnow

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

# Checked when the email matches no account, so a wrong email takes as long as a wrong password.
_NO_SUCH_USER_HASH = generate_password_hash("no such user")


def _safe_next(target: str | None) -> str | None:
    """Only follow `next` to a path on this site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.get("/")
def home():
    """Caseworkers start at their cases, admins at the accounts; everyone else signs in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role == Role.ADMIN:
        return redirect(url_for("admin.users"))
    return redirect(url_for("cases.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password; repeated failures lock sign-in for a while."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = request.remote_addr or "unknown"
        wait = throttle.minutes_locked(email, address)
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if wait:
            status = 429
            form.form_errors.append(
                ngettext(
                    "Too many failed sign-in attempts. Try again in %(num)d minute.",
                    "Too many failed sign-in attempts. Try again in %(num)d minutes.",
                    wait,
                )
            )
        elif user is None or not user.check_password(form.password.data):
            if user is None:
                check_password_hash(_NO_SUCH_USER_HASH, form.password.data)
            throttle.record_failure(email, address)
            status = 401
            form.form_errors.append(_("That email and password do not match an account."))
        elif not user.active:
            status = 403
            form.form_errors.append(
                _("This account has been disabled. Ask your administrator to enable it.")
            )
        else:
            throttle.clear_failures(email)
            user.last_login_at = utcnow()
            db.session.commit()
            session.clear()
            login_user(user)
            logger.info("user %s signed in", user.id)
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """End the session on this device."""
    logger.info("user %s signed out", current_user.id)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
