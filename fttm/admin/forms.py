"""Forms for managing staff accounts and teams: parsing only; rules live in fttm.auth.commands."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, Regexp

from fttm.auth.models import Role
from fttm.auth.throttle import KINDS
from fttm.forms import optional_int, options

ROLE_LABELS = {
    Role.FACILITATOR: _l("Facilitator"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Admin"),
}


class UserForm(FlaskForm):
    """Create or edit a staff account."""

    email = EmailField(_l("Email"))
    name = StringField(_l("Name"))
    role = SelectField(
        _l("Role"),
        validate_choice=False,
        choices=options((role.value, label) for role, label in ROLE_LABELS.items()),
    )
    team_id = SelectField(_l("Team"), coerce=optional_int, validate_choice=False)
    active = BooleanField(_l("Account enabled"), default=True)
    password = PasswordField(
        _l("Password"),
        description=_l(
            "At least 12 characters and hard to guess: a few unrelated words work well."
        ),
    )


class TeamForm(FlaskForm):
    """Create a team."""

    name = StringField(_l("Team name"))


class ClearSignInLimitForm(FlaskForm):
    """Let an account or an address try to sign in again at once."""

    kind = HiddenField(validators=[AnyOf(KINDS)])
    key = HiddenField(validators=[Regexp(r"^[0-9a-f]{64}$")])
