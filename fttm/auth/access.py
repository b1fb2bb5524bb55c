"""Who may see what: the signed-in user, and the cases and meetings their team may open."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from fttm.auth.models import Role, User
from fttm.cases.models import Case
from fttm.extensions import db, login_manager
from fttm.meetings.models import Meeting


def init_app(app: Flask) -> None:
    """Tell Flask-Login how to find the signed-in user and where to send everyone else."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user a session belongs to, unless they were disabled or changed their password since."""
    user_id, _, nonce = session_id.partition(".")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def roles_required(*roles: Role) -> Callable:
    """Decorate a view so only signed-in users with one of `roles` reach it; others get 404."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


caseworker_required = roles_required(Role.FACILITATOR, Role.SUPERVISOR)
admin_required = roles_required(Role.ADMIN)


def visible_cases(user: User) -> sa.Select:
    """A query for the cases `user` may open: those of their own team, for caseworkers only."""
    if not user.is_staff_of_cases:
        return sa.select(Case).where(sa.false())
    return sa.select(Case).where(Case.team_id == user.team_id)


def case_or_404(user: User, case_id: int) -> Case:
    """The case if `user` may open it; 404 otherwise, so case ids cannot be probed."""
    case = db.session.scalar(visible_cases(user).where(Case.id == case_id))
    if case is None:
        abort(404)
    return case


def meeting_or_404(user: User, meeting_id: int) -> Meeting:
    """The meeting if `user` may open its case; 404 otherwise."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    case_or_404(user, meeting.case_id)
    return meeting
