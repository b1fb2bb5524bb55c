"""The case form: parsing only; the rules live in fttm.cases.commands."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SearchField, SelectField, StringField
from wtforms.validators import Optional

from fttm.forms import optional_int


class CaseForm(FlaskForm):
    """Open or edit a case."""

    case_number = StringField(_l("Case number"))
    family_name = StringField(_l("Family name"))
    jurisdiction = SelectField(_l("Jurisdiction profile"), validate_choice=False)
    substantiation_date = DateField(_l("Substantiation date"), validators=[Optional()])
    placement_date = DateField(
        _l("Placement date"),
        validators=[Optional()],
        description=_l("Leave empty if the child lives at home."),
    )
    permanency_goal = SelectField(_l("Permanency goal"), validate_choice=False)
    facilitator_id = SelectField(_l("Facilitator"), coerce=optional_int, validate_choice=False)
    indigenous_child = BooleanField(
        _l(
            "The child is Indigenous (American Indian, Alaska Native, Aboriginal or Torres "
            "Strait Islander)"
        )
    )
    tribe_contacted_on = DateField(
        _l("Tribe or community contacted on"),
        validators=[Optional()],
        description=_l("Some jurisdictions require contact with the child's tribe within days."),
    )


class CaseSearchForm(FlaskForm):
    """Search the team's cases by family name or case number."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search by family name or case number"))
