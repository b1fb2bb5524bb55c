"""Scheduling a meeting and the meeting page with its join code, link and QR code."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from fttm.auth.access import case_or_404, caseworker_required, meeting_or_404
from fttm.extensions import db
from fttm.forms import optional_int, submit
from fttm.joining import commands as joining
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.live import http
from fttm.live.viewer import joined
from fttm.meetings import agenda, commands, phases
from fttm.meetings.agenda import agenda_page
from fttm.meetings.forms import CancelForm, MeetingForm
from fttm.meetings.invitations import join_details
from fttm.meetings.models import Meeting, MeetingStatus, Participant
from fttm.plans.versions import version_of_meeting
from fttm.refusals import attempt

bp = Blueprint("meetings", __name__)


def _describe_zone(form: MeetingForm, zone) -> MeetingForm:
    """Say in the time field's hint which time zone the typed time is in."""
    form.scheduled_at.description = _("In the case's local time (%(zone)s).", zone=zone.key)
    return form


def _submit(form: MeetingForm, case, action, *args) -> Meeting | None:
    """Run a scheduling command with the form's values; problems go back onto the form."""

    def values() -> dict:
        return {
            "local_time": form.scheduled_at.data,
            "purpose": form.purpose.data or "",
            "location": form.location.data or "",
        }

    return submit(
        form,
        lambda: action(current_user, *args, **values()),
        lambda: commands.check_meeting(case, **values()),
    )


@bp.route("/cases/<int:case_id>/meetings/new", methods=["GET", "POST"])
@caseworker_required
def new(case_id: int):
    """Schedule a meeting for a case."""
    case = case_or_404(current_user, case_id)
    form = _describe_zone(MeetingForm(), profile(case.jurisdiction).zone)
    meeting = _submit(form, case, commands.schedule_meeting, case)
    if meeting is not None:
        flash(_("Meeting scheduled. Share the join code with the family."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    status = 400 if request.method == "POST" else 200
    return render_template("meetings/form.html", form=form, case=case, meeting=None), status


@bp.get("/meetings/<int:meeting_id>")
@caseworker_required
def show(meeting_id: int):
    """A meeting: when and where, its status, and how to join it."""
    return _show(meeting_or_404(current_user, meeting_id))


def _show(meeting: Meeting, status: int = 200, **agenda):
    """The meeting's page; `agenda`: a refused agenda change's messages and typed words."""
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        case=meeting.case,
        zone=profile(meeting.case.jurisdiction).zone,
        cancel_form=CancelForm(),
        plan_version=version_of_meeting(meeting.id),
        **join_details(meeting),
        **agenda_page(meeting, **agenda),
    ), status


@bp.get("/meetings/<int:meeting_id>/join-screen")
@caseworker_required
def join_screen(meeting_id: int):
    """The join code and QR code filling the screen, for the projector before the meeting."""
    meeting = meeting_or_404(current_user, meeting_id)
    return render_template("meetings/join_screen.html", meeting=meeting, **join_details(meeting))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@caseworker_required
def edit(meeting_id: int):
    """Change the time, purpose or place of a meeting that has not opened yet."""
    meeting = meeting_or_404(current_user, meeting_id)
    zone = profile(meeting.case.jurisdiction).zone
    form = _describe_zone(MeetingForm(obj=meeting), zone)
    if request.method == "GET":
        form.scheduled_at.data = meeting.scheduled_at.astimezone(zone).replace(tzinfo=None)
    if meeting.status != MeetingStatus.SCHEDULED:
        flash(_("This meeting can no longer be changed."), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    if _submit(form, meeting.case, commands.reschedule_meeting, meeting):
        flash(_("Meeting updated."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "meetings/form.html", form=form, case=meeting.case, meeting=meeting
    ), status


@bp.post("/meetings/<int:meeting_id>/cancel")
@caseworker_required
def cancel(meeting_id: int):
    """Call off a meeting that has not opened."""
    meeting = meeting_or_404(current_user, meeting_id)
    if CancelForm().validate_on_submit():
        with attempt() as cancelling:
            commands.cancel_meeting(current_user, meeting)
        if cancelling.refusal:
            flash(cancelling.refusal.first, "error")
        else:
            flash(_("Meeting cancelled. Its join code no longer works."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


def _control(meeting_id: int, action, *args, section: str = "status"):
    """Run a meeting control as the signed-in staff member; answer the board or the page."""
    meeting = meeting_or_404(current_user, meeting_id)
    with attempt() as controlling:
        action(current_user, meeting, *args)
    if refusal := controlling.refusal:
        if request.headers.get("HX-Request"):
            return http.tell(section, [refusal.first], refusal.status)
        flash(refusal.first, "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    if action in (commands.open_meeting, commands.start_meeting):
        joining.join_as_staff(current_user, meeting)  # who runs the meeting takes part in it
    board = url_for("board.page", meeting_id=meeting.id)
    if request.headers.get("HX-Request") and action not in LIFECYCLE:
        return http.respond(http.viewer_or_404(meeting), section)
    if request.headers.get("HX-Request"):
        # Opening, starting or ending changes what every section offers: reload the board.
        response = make_response("", 204)
        response.headers["HX-Redirect"] = board
        return response
    return redirect(board)


LIFECYCLE = (commands.open_meeting, commands.start_meeting, commands.end_meeting)


@bp.post("/meetings/<int:meeting_id>/<any(open,start,end):step>")
@caseworker_required
def lifecycle(meeting_id: int, step: str):
    """Open the meeting for joining, start it, or end it."""
    action = {
        "open": commands.open_meeting,
        "start": commands.start_meeting,
        "end": commands.end_meeting,
    }[step]
    # Ending: what to do with family drafts not yet shared ("keep" or "discard"), if any.
    return _control(meeting_id, action, *([request.form.get("drafts")] if step == "end" else []))


@bp.post("/meetings/<int:meeting_id>/settings/<any(admit_everyone,join_details_hidden):option>")
@caseworker_required
def setting(meeting_id: int, option: str):
    """Switch a meeting setting on or off."""
    return _control(meeting_id, commands.set_option, option, request.form.get("value") == "1")


@bp.post("/meetings/<int:meeting_id>/locks/<section>")
@caseworker_required
def lock(meeting_id: int, section: str):
    """Lock or unlock a board section."""
    locked = request.form.get("locked") == "1"
    return _control(meeting_id, commands.lock_section, section, locked)


@bp.post("/meetings/<int:meeting_id>/participants/<int:participant_id>/<any(admit,remove):step>")
@caseworker_required
def participant(meeting_id: int, participant_id: int, step: str):
    """Admit a waiting phone, or remove someone from the meeting."""
    meeting = meeting_or_404(current_user, meeting_id)
    person = db.session.get(Participant, participant_id)
    if person is None or person.meeting_id != meeting.id:
        abort(404)
    viewer = joined(http.viewer_or_404(meeting))
    with attempt() as stepping:
        if step == "admit":  # the "Let in" form may say who they are in the family map
            linked = optional_int(request.form.get("person_id"))
            joining.admit(viewer.participant, person, linked)
        else:
            joining.remove(viewer.participant, person)
    if refusal := stepping.refusal:
        return http.tell("participants", list(refusal.messages.values()), refusal.status)
    return http.respond(viewer, "participants")


@bp.post("/meetings/<int:meeting_id>/agenda/<key>/<any(move,skip,minutes):change>")
@caseworker_required
def agenda_change(meeting_id: int, key: str, change: str):
    """Move a phase of the agenda up or down, skip it or bring it back, or change its minutes."""
    meeting = meeting_or_404(current_user, meeting_id)
    form = request.form
    with attempt(field="agenda", not_found=_("This phase is not on the agenda.")) as changing:
        if change == "move":
            agenda.move(current_user, meeting, key, form.get("direction", ""))
        elif change == "skip":
            agenda.skip(current_user, meeting, key, form.get("skipped") == "1")
        else:
            agenda.set_minutes(current_user, meeting, key, form.get("minutes"))
    if changing.refusal:
        return _show(meeting, changing.refusal.status, errors=changing.refusal.messages)
    flash(_("Agenda saved."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="agenda"))


@bp.post("/meetings/<int:meeting_id>/agenda")
@caseworker_required
def agenda_add(meeting_id: int):
    """Add a phase at the end of the agenda."""
    meeting = meeting_or_404(current_user, meeting_id)
    typed = {name: request.form.get(name, "") for name in ("name", "section", "minutes")}
    with attempt(field="agenda") as adding:
        agenda.add(current_user, meeting, typed["name"], typed["section"], typed["minutes"])
    if adding.refusal:
        return _show(meeting, adding.refusal.status, errors=adding.refusal.messages, added=typed)
    flash(_("Phase added to the agenda."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="agenda"))


@bp.post("/meetings/<int:meeting_id>/phase")
@caseworker_required
def phase(meeting_id: int):
    """Move the live meeting to the next or previous phase, or to one of its agenda."""
    step, to = request.form.get("step"), request.form.get("to")

    def moving(actor, meeting):
        phases.move(actor, meeting, step=step, to=to)

    return _control(meeting_id, moving)
