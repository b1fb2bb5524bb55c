"""Where phones arrive: the code or link, then a name and role, then waiting to be let in; and,
once in, saying who one is in the family map.

A code is a secret anyone in the room can read, so the way in guards it: wrong codes count
against the asker's address, which after a few gets only "wait" for any code (see tries.py),
and a code of an ended or cancelled meeting answers exactly as a code nobody has. Until the
facilitator lets a phone in, nothing it is sent names anyone of the family.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for

from fttm.extensions import db
from fttm.family_map.models import Person, is_shareable, shareable_people
from fttm.forms import options, show_errors, submit
from fttm.joining import commands, tokens
from fttm.joining.forms import JoinCodeForm, JoinForm, WhoIAmForm
from fttm.joining.tries import address_key, tries
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.languages import ngettext
from fttm.live import rate_limit
from fttm.live.viewer import participant_from_cookie
from fttm.meetings import join_codes
from fttm.meetings.models import Meeting, MeetingStatus, ParticipantStatus
from fttm.refusals import attempt

bp = Blueprint("joining", __name__, url_prefix="/join")
JOINABLE = (MeetingStatus.OPEN, MeetingStatus.LIVE)
# Codes that open no meeting to a stranger: asking for one is a wrong try like any other.
CLOSED = (MeetingStatus.ENDED, MeetingStatus.CANCELLED)


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


def _code_page(message: str, status: int):
    """The code page again, with `message` under the field."""
    form = JoinCodeForm(meta={"csrf": False})
    form.code.errors = [message]
    return render_template("joining/enter_code.html", form=form), status


def _unknown_code():
    """The code page again, saying no meeting has that code."""
    return _code_page(_("No meeting has this code. Check it with the facilitator."), 404)


def _too_many_tries(seconds: int):
    """429: this address tried too many codes, and how long it waits before the next."""
    minutes = max(1, -(-seconds // 60))
    message = ngettext(
        "Too many tries. Wait %(num)d minute, then try again.",
        "Too many tries. Wait %(num)d minutes, then try again.",
        minutes,
    )
    page, status = _code_page(message, 429)
    response = make_response(page, status)
    response.headers["Retry-After"] = str(seconds)
    return response


def _join_form(meeting: Meeting) -> JoinForm:
    """The join form with this meeting's roles (and no name of the family)."""
    form = JoinForm()
    form.role.choices = options(profile(meeting.case.jurisdiction).choices("participant_roles"))
    return form


@bp.route("/<code>", methods=["GET", "POST"])
def meeting(code: str):
    """A meeting's join page: the join form while it is open; before that, that it will be."""
    found = _meeting_or_none(code)
    already = participant_from_cookie(found) if found is not None else None
    if already is not None:  # this phone is in the meeting: not a guess
        if found.status in JOINABLE:
            return redirect(url_for("joining.waiting", code=found.join_code))
        if already.status == ParticipantStatus.ADMITTED and found.status == MeetingStatus.ENDED:
            return redirect(url_for("board.page", meeting_id=found.id))
    counter, key = tries(), address_key()
    if found is None or found.status in CLOSED:
        wait = counter.wrong(key)
        return _too_many_tries(wait) if wait else _unknown_code()
    wait = counter.waiting(key)  # a right code counts nothing, but is not answered either
    if wait:
        return _too_many_tries(wait)
    if found.status not in JOINABLE:
        return render_template(
            "joining/meeting.html", meeting=found, join_code=join_codes.display(found.join_code)
        )
    form = _join_form(found)
    participant = submit(
        form,
        lambda: commands.join_meeting(
            found, display_name=form.display_name.data or "", role=form.role.data or ""
        ),
        lambda: commands.check_joining(found, form.display_name.data or "", form.role.data or ""),
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
        "joining/parts/waiting_notice.html"
        if request.headers.get("HX-Request")
        else "joining/waiting.html"
    )
    return render_template(template, meeting=found, participant=participant)


def _who_i_am_form(meeting: Meeting, participant) -> WhoIAmForm:
    """The "who I am" form, offering the family map's people everyone may see."""
    form = WhoIAmForm(prefix="me")
    people = shareable_people(meeting.case_id)
    form.person_id.choices = options(
        [("", _("Not in the map / rather not say")), *((p.id, p.name) for p in people)]
    )
    if not form.is_submitted():
        form.person_id.data = participant.person_id
    return form


@bp.route("/meetings/<int:meeting_id>/me", methods=["GET", "POST"])
def who_i_am(meeting_id: int):
    """On an admitted phone's board: who it is in the family map, and the form to say so."""
    meeting = db.session.get(Meeting, meeting_id) if 0 < meeting_id < 2**31 else None
    participant = participant_from_cookie(meeting) if meeting is not None else None
    if participant is None or participant.status != ParticipantStatus.ADMITTED:
        abort(404)
    form = _who_i_am_form(meeting, participant)
    status, saved = 200, False
    if form.is_submitted():
        status, saved = _save_who_i_am(form, participant)
    person = db.session.get(Person, participant.person_id) if participant.person_id else None
    return render_template(
        "joining/parts/who_i_am.html",
        meeting=meeting,
        form=form,
        person=person if is_shareable(person, meeting.case_id) else None,
        can_change=meeting.status in JOINABLE,
        saved=saved,
    ), status


def _save_who_i_am(form: WhoIAmForm, participant) -> tuple[int, bool]:
    """Run the posted "who I am" form through its command: (status, whether it was saved)."""
    if not rate_limit.allow(participant.id):
        form.form_errors.append(_("You're sending changes very fast. Wait a moment."))
        return 429, False
    if not form.validate():
        return 400, False
    with attempt(not_found=_("Not allowed.")) as saying:
        commands.say_who_i_am(participant, form.person_id.data)
    if refusal := saying.refusal:
        show_errors(form, refusal.messages)
        # Someone else's person is refused, not reported missing (403 either way).
        return (403 if refusal.status == 404 else refusal.status), False
    return 200, True
