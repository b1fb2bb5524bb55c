"""Where phones arrive: the code or link, then a name and role, then waiting to be let in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fttm.board.viewer import participant_from_cookie
from fttm.extensions import db
from fttm.family_map.models import shareable_people
from fttm.forms import options, submit
from fttm.joining import commands, tokens
from fttm.jurisdictions import profile
from fttm.meetings import join_codes
from fttm.meetings.forms import JoinCodeForm, JoinForm
from fttm.meetings.models import Meeting, MeetingStatus, ParticipantStatus

bp = Blueprint("joining", __name__, url_prefix="/join")
JOINABLE = (MeetingStatus.OPEN, MeetingStatus.LIVE)


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


def _meeting_or_none(code: str) -> Meeting | None:
    """The meeting with this code, however it was typed."""
    normalised = join_codes.normalise(code)
    if not normalised:
        return None
    return db.session.scalar(sa.select(Meeting).where(Meeting.join_code == normalised))


def _unknown_code():
    """The code page again, saying no meeting has that code."""
    form = JoinCodeForm(meta={"csrf": False})
    form.code.errors = [_("No meeting has this code. Check it with the facilitator.")]
    return render_template("joining/enter_code.html", form=form), 404


def _join_form(meeting: Meeting) -> JoinForm:
    """The join form with this meeting's roles and the family map's people (never confidential)."""
    form = JoinForm()
    form.role.choices = options(profile(meeting.case.jurisdiction).choices("participant_roles"))
    people = shareable_people(meeting.case_id)
    form.person_id.choices = options(
        [("", _("Not in the map / rather not say")), *((p.id, p.name) for p in people)]
    )
    return form


@bp.route("/<code>", methods=["GET", "POST"])
def meeting(code: str):
    """A meeting's join page: the join form while it is open; otherwise, whether it will be."""
    found = _meeting_or_none(code)
    if found is None:
        return _unknown_code()
    already = participant_from_cookie(found)
    if already is not None and found.status in JOINABLE:
        return redirect(url_for("joining.waiting", code=found.join_code))
    if found.status not in JOINABLE:
        return render_template(
            "joining/meeting.html", meeting=found, join_code=join_codes.display(found.join_code)
        )
    form = _join_form(found)
    participant = submit(
        form,
        lambda: commands.join_meeting(
            found,
            display_name=form.display_name.data or "",
            role=form.role.data or "",
            person_id=form.person_id.data,
        ),
        lambda: commands.check_joining(
            found, form.display_name.data or "", form.role.data or "", form.person_id.data
        ),
    )
    if participant is not None:
        response = redirect(url_for("joining.waiting", code=found.join_code))
        tokens.set_cookie(response, participant)
        return response
    status = 400 if request.method == "POST" else 200
    return render_template(
        "joining/join.html", form=form, meeting=found, join_code=join_codes.display(found.join_code)
    ), status


@bp.get("/<code>/waiting")
def waiting(code: str):
    """Waiting to be let in; the page asks again every few seconds and moves on when admitted."""
    found = _meeting_or_none(code)
    participant = participant_from_cookie(found) if found else None
    if found is None or participant is None:
        return redirect(url_for("joining.meeting", code=code))
    if participant.status == ParticipantStatus.ADMITTED:
        board = url_for("board.page", meeting_id=found.id)
        if request.headers.get("HX-Request"):
            response = make_response("", 204)
            response.headers["HX-Redirect"] = board
            return response
        return redirect(board)
    template = (
        "joining/_waiting.html" if request.headers.get("HX-Request") else "joining/waiting.html"
    )
    return render_template(template, meeting=found, participant=participant)
