"""The meeting form: parsing only; the rules live in fttm.meetings.commands."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField
from wtforms.validators import Optional

from fttm.forms import options
from fttm.meetings.models import PURPOSE_LABELS


class MeetingForm(FlaskForm):
    """Schedule or reschedule a meeting."""

    scheduled_at = DateTimeLocalField(
        _l("Date and time"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description=_l("In the case's local time."),
    )
    purpose = SelectField(
        _l("Purpose"),
        validate_choice=False,
        choices=options((key.value, label) for key, label in PURPOSE_LABELS.items()),
    )
    location = StringField(_l("Location"), description=_l('An address, a room, or "video call".'))


class CancelForm(FlaskForm):
    """A button that cancels a meeting (the form carries only the CSRF token)."""
