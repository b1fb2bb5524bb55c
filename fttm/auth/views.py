"""Signing in and out, and the home page that sends each role where its work is."""

from __future__ import annotations

import logging
import math

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from fttm.auth import throttle
from fttm.auth.forms import LoginForm
from fttm.auth.models import Role, User, new_session_nonce
from fttm.extensions import db
from fttm.languages import gettext as _
from fttm.languages import ngettext
from fttm.routing import safe_next
from fttm.timestamps import utcnow

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

# Longer than any page of ours; a longer `next` is someone's experiment.
# Checked when the email matches no account, so a wrong email takes as long as a wrong password.
_NO_SUCH_USER_HASH = generate_password_hash("no such user")


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
    """Sign in with email and password; repeated failures make that address wait a while."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    next_page = safe_next(request.args.get("next"))
    status, headers = 200, {}
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = request.remote_addr or "unknown"
        user = db.session.scalar(sa.select(User).where(User.email == email))
        until = throttle.wait_until(email, address, since=user.last_login_at if user else None)
        if until:
            status, headers["Retry-After"] = 429, str(throttle.seconds_until(until))
            form.form_errors.append(_wait_message(throttle.minutes_until(until)))
        else:
            status = _check_password(form, user, email, address)
            if status == 200:
                return redirect(next_page or url_for("auth.home"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, next_page=next_page), status, headers


def _check_password(form: LoginForm, user: User | None, email: str, address: str) -> int:
    """Sign `user` in if the password is theirs (200), or say why not on the form (401, 403)."""
    # Counted as failed before the (slow) password check, so guesses sent side by side see
    # each other's attempts rather than all slipping through together.
    attempt = throttle.record_failure(email, address)
    if user is None or not user.check_password(form.password.data):
        if user is None:
            check_password_hash(_NO_SUCH_USER_HASH, form.password.data)
        form.form_errors.append(_("That email and password do not match an account."))
        return 401
    if not user.active:
        throttle.withdraw(attempt)
        form.form_errors.append(
            _("This account has been disabled. Ask your administrator to enable it.")
        )
        return 403
    throttle.forget_failures(email, address)
    user.last_login_at = utcnow()
    db.session.commit()
    session.clear()
    login_user(user)
    logger.info("user %s signed in", user.id)
    return 200


def _wait_message(minutes: int) -> str:
    """How long to wait before trying again, in minutes, or hours when it is long."""
    if minutes <= 90:
        return ngettext(
            "Too many failed sign-in attempts. Try again in %(num)d minute.",
            "Too many failed sign-in attempts. Try again in %(num)d minutes.",
            minutes,
        )
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(num)d hour.",
        "Too many failed sign-in attempts. Try again in %(num)d hours.",
        math.ceil(minutes / 60),
    )


@bp.post("/logout")
@login_required
def logout():
    """End the session: its cookie stops working on this device and any copy of it.

    The session names the user's nonce, and a new nonce makes every session that names the old
    one worthless (see access.load_user), so a copied cookie dies with the sign-out.
    """
    user = current_user._get_current_object()
    user.session_nonce = new_session_nonce()
    db.session.commit()
    logger.info("user %s signed out", user.id)
    logout_user()
    session.clear()
    flash(_("You have signed out. Your other devices are signed out too."), "info")
    return redirect(url_for("auth.login"))
