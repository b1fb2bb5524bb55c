"""Where phones arrive: type the meeting code, or open the join link or QR code."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fttm.extensions import db
from fttm.meetings import join_codes
from fttm.meetings.forms import JoinCodeForm
from fttm.meetings.models import Meeting

bp = Blueprint("joining", __name__, url_prefix="/join")


@bp.get("/")
def enter_code():
    """Type the code the facilitator shows; a valid-looking code goes to its meeting."""
    form = JoinCodeForm(request.args)
    status = 200
    if form.code.data is not None:
        code = join_codes.normalise(form.code.data)
        if code:
            return redirect(url_for("joining.meeting", code=code))
        form.code.errors = [
            _(
                "A meeting code has 6 letters and digits, like ACF 34X. "
                "Check it with the facilitator."
            )
        ]
        status = 400
    return render_template("joining/enter_code.html", form=form), status


@bp.get("/<code>")
def meeting(code: str):
    """A meeting's join page: says whether it can be joined yet. Reveals nothing about the case."""
    normalised = join_codes.normalise(code)
    found = normalised and db.session.scalar(
        sa.select(Meeting).where(Meeting.join_code == normalised)
    )
    if not found:
        form = JoinCodeForm(meta={"csrf": False})
        form.code.errors = [_("No meeting has this code. Check it with the facilitator.")]
        return render_template("joining/enter_code.html", form=form), 404
    return render_template(
        "joining/meeting.html", meeting=found, join_code=join_codes.display(found.join_code)
    )
