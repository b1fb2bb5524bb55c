"""The joining forms: parsing only; the rules live in fttm.joining.commands."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from fttm.forms import optional_int


class JoinCodeForm(FlaskForm):
    """The code a family member types at /join."""

    class Meta:
        csrf = False

    code = StringField(_l("Meeting code"))


class JoinForm(FlaskForm):
    """What a phone says about itself when joining: a name and a role. Who it is in the family
    map comes after it is let in: before that it is shown no name of the family."""

    display_name = StringField(
        _l("Your name"), description=_l("As the others know you, like “Maria” or “Nan”.")
    )
    role = SelectField(_l("You are here as"), validate_choice=False)


class WhoIAmForm(FlaskForm):
    """An admitted phone says who it is in the family map (on the board, under "Who is here")."""

    person_id = SelectField(
        _l("Who you are in the family map"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("So the plan can show what you agreed to and what is yours to do."),
    )
