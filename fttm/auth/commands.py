"""Managing staff accounts and teams (used by the admin pages and the `fttm user` command)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from fttm.auth.models import Role, Team, User, new_session_nonce
from fttm.auth.passwords import password_problem
from fttm.errors import Invalid
from fttm.extensions import db
from fttm.languages import gettext as _

logger = logging.getLogger(__name__)


def normalise_email(email: str) -> str:
    """The canonical form of an email address, or Invalid with a message for the email field."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Invalid({"email": _("Enter a valid email address.")}) from error


def team_named(name: str, *, create: bool = False) -> Team:
    """The team called `name`; if asked, a new one is added to the session (not yet committed)."""
    name = " ".join(name.split())
    team = db.session.scalar(sa.select(Team).where(sa.func.lower(Team.name) == name.lower()))
    if team is None and create:
        team = _new_team(name)
    if team is None:
        raise Invalid({"team": _("There is no team called %(name)s.", name=name)})
    return team


def _new_team(name: str) -> Team:
    """Validate and add a team to the session; names are unique regardless of case."""
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise Invalid({"name": _("Give the team a name of at most 120 characters.")})
    if db.session.scalar(sa.select(Team.id).where(sa.func.lower(Team.name) == name.lower())):
        raise Invalid({"name": _("There is already a team with this name.")})
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    return team


def create_team(name: str) -> Team:
    """Add a team."""
    team = _new_team(name)
    db.session.commit()
    logger.info("team %s created", team.id)
    return team


def _check_profile(
    email: str, name: str, role: str, team_id: int | None, *, user_id: int | None = None
) -> tuple[str, str, Role]:
    """Validate the fields every account has; Invalid lists every problem at once."""
    errors: dict[str, str] = {}
    try:
        email = normalise_email(email)
    except Invalid as error:
        errors.update(error.errors)
    else:
        clash = db.session.scalar(sa.select(User.id).where(User.email == email))
        if clash is not None and clash != user_id:
            errors["email"] = _("There is already an account with this email address.")
    name = " ".join(name.split())
    if not name or len(name) > 120:
        errors["name"] = _("Enter a name of at most 120 characters.")
    if role not in {r.value for r in Role}:
        errors["role"] = _("Choose facilitator, supervisor or admin.")
    elif role != Role.ADMIN and team_id is None:
        errors["team_id"] = _("Facilitators and supervisors belong to a team.")
    if team_id is not None and db.session.get(Team, team_id) is None:
        errors["team_id"] = _("Choose one of the teams.")
    if errors:
        raise Invalid(errors)
    return email, name, Role(role)


def create_user(
    *, email: str, name: str, role: str, password: str, team_id: int | None = None
) -> User:
    """Add a staff account; refuses duplicate emails and weak passwords (all problems at once)."""
    try:
        email, name, role_value = _check_profile(email, name, role, team_id)
    except Invalid as error:
        problem = password_problem(password, email=email, name=name)
        raise Invalid({**error.errors, **({"password": problem} if problem else {})}) from None
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise Invalid({"password": problem})
    user = User(email=email, name=name, role=role_value, team_id=team_id)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    logger.info("user %s created with role %s", user.id, role_value)
    return user


def update_user(
    user: User,
    *,
    actor: User,
    email: str,
    name: str,
    role: str,
    team_id: int | None,
    active: bool,
    password: str = "",
) -> User:
    """Change an account; a new password or disabling it ends the user's sessions."""
    email, name, role_value = _check_profile(email, name, role, team_id, user_id=user.id)
    if user.id == actor.id and (not active or role_value != Role.ADMIN):
        raise Invalid(
            {
                "active": _(
                    "You cannot disable your own account or remove your own "
                    "admin role; ask another admin."
                )
            }
        )
    if password:
        problem = password_problem(password, email=email, name=name)
        if problem:
            raise Invalid({"password": problem})
        user.set_password(password)
    if user.active and not active:
        user.session_nonce = new_session_nonce()
    user.email, user.name, user.role, user.team_id, user.active = (
        email,
        name,
        role_value,
        team_id,
        active,
    )
    db.session.commit()
    logger.info("user %s updated by %s", user.id, actor.id)
    return user
