"""The HTTP side of a live meeting, shared by every blueprint that changes a board (the board, the
family map, plans, meetings): who is asking, answering with a section or an item as it is now for
the sender's audience, and turning a refused change into a message shown to its sender alone.

A change posted by a browser without our scripts (a phone whose scripts have not arrived yet, or
with them switched off) is a plain form POST: it is answered with the board again, by a redirect
to the section after a change, or with the whole page, the refusal and the person's words kept.
"""

from __future__ import annotations

from dataclasses import replace
from functools import wraps

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from fttm.board import commands
from fttm.core.recorder import last_seq
from fttm.core.registry import KINDS, section_titles
from fttm.core.viewers import STAFF, Viewer
from fttm.errors import CommandError, Conflict
from fttm.extensions import db
from fttm.frameworks import framework_of_case
from fttm.idempotency import AppliedMeanwhile
from fttm.languages import gettext as _
from fttm.live import rate_limit, screens
from fttm.live.render_cache import render_cache
from fttm.live.sections import (
    board_basics,
    item_element_id,
    item_list_id,
    render_item,
    render_section,
    render_sections,
)
from fttm.live.viewer import joined, viewer_for
from fttm.meetings.models import Meeting
from fttm.refusals import refusal_of


def meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting, or 404."""
    return db.session.get(Meeting, meeting_id) or abort(404)


def viewer_or_404(meeting: Meeting) -> Viewer:
    """The person asking, or 404: a board is shown only to its meeting's people."""
    viewer = viewer_for(meeting)
    if viewer is None:
        abort(404)
    return viewer


def viewer_of_meeting(meeting_id: int) -> Viewer:
    """The person asking about the meeting with this id, or 404."""
    return viewer_or_404(meeting_or_404(meeting_id))


# Fields in which people type words of their own: what a refused plain POST shows back to them.
TYPED = ("text", "what", "where_how", "trigger", "when", "note", "name", "system_name", "comment")


def plain_post() -> bool:
    """Whether this request is a form posted by the browser itself, not by htmx."""
    return request.method == "POST" and "HX-Request" not in request.headers


def posted() -> dict[str, str]:
    """The fields a change's form sent, without the CSRF token a form posted plainly carries."""
    form = request.form.to_dict()
    form.pop("csrf_token", None)
    return form


def board_page(viewer: Viewer, *, status: int = 200, refused: tuple | None = None):
    """The whole board for this person (a staff console presents to the room, or not, as they
    chose). `refused`: (section, messages) of a change posted without scripts that was not made,
    shown above that section with the words the person typed, for them to send again or copy.
    """
    meeting = viewer.meeting
    console = {}
    if viewer.is_staff:
        viewer = replace(viewer, for_room=screens.presenting(meeting))
        console = screens.console_context(meeting, presenting=viewer.for_room)
    # Read before rendering: a change saved meanwhile may show in the HTML, never be counted as
    # shown without being there (a reconnect then sends only what changed after this number).
    seq = last_seq(meeting.case_id)
    framework = framework_of_case(meeting.case)
    sections = render_sections(
        meeting,
        ("status", *framework.board_sections()),
        viewer.audience,
        viewer=viewer,
        page_csrf_token=generate_csrf(),  # this page is this person's alone
        page_participant_id=viewer.participant.id,
    )
    if refused is not None:
        section, messages = refused
        words = [(name, value) for name, value in request.form.items() if name in TYPED and value]
        note = render_template("board/parts/not_sent.html", messages=messages, words=words)
        sections[section] = Markup(note) + sections[section]  # noqa: S704 - rendered templates
    html = render_template(
        "board/page.html",
        viewer=viewer,
        meeting=meeting,
        sections=sections,
        seq=seq,
        board_sections=framework.board_sections(),
        framework_keys=framework.keys,
        **({"section_titles": section_titles(framework)} | console),
    )
    return make_response(html, status)


def section_asked(viewer: Viewer, kind: str | None, item=None, item_id: int | None = None) -> str:
    """The section of the viewer's board a change to an item of `kind` is answered in: its
    item's (`item`, or the one with `item_id`), or for a new strength or worry the one its form
    names."""
    item_kind = KINDS.get(kind or "")
    if item is None and item_id is not None and item_kind is not None and item_kind.mapped:
        item = db.session.get(item_kind.model, item_id)
        if item is not None and item.case_id != viewer.meeting.case_id:
            item = None
    written_in = request.form.get("section") if item is None else None
    return commands.section_of(kind, viewer.meeting, item=item, written_in=written_in)


def back_to_board(viewer: Viewer, section: str):
    """After a change posted without scripts: the board, at the section changed (303: a GET)."""
    board = url_for("board.page", meeting_id=viewer.meeting.id, _anchor=f"section-{section}")
    return redirect(board, 303)


def respond(viewer: Viewer, section: str, *, status: int = 200, **extra):
    """The section as it is now, for the sender's audience, with the board's sequence number
    (a change posted without scripts: the board page again).

    The number is read before rendering, so the HTML is never older than the number it carries
    (a change committed meanwhile may show in the HTML; the screen then simply takes the push).
    """
    if plain_post():
        return back_to_board(viewer, section) if status < 300 else board_page(viewer, status=status)
    seq = last_seq(viewer.meeting.case_id)
    basics = board_basics(viewer.meeting, seq)
    html = render_section(
        viewer.meeting, section, viewer.audience, basics=basics, viewer=viewer, **extra
    )
    response = make_response(html, status)
    response.headers["X-Board-Seq"] = str(seq)
    return response


def respond_item(viewer: Viewer, kind: str, item):
    """The item as it is now, for the sender's screen to put in as it does the item's push: an
    edit that leaves the item where it is, or a new item of a plain list, answers with that item,
    not the whole section. static/js/answers.js reads the X-Board- headers; htmx itself swaps
    nothing, since the form that sent the change may have been replaced meanwhile.
    """
    section = section_asked(viewer, kind, item)
    if plain_post():
        return back_to_board(viewer, section)
    if item.deleted_at is not None or (item.confidential and viewer.audience != STAFF):
        # A replay of a change to an item deleted or made confidential since: the section as
        # this person may see it now.
        return respond(viewer, section)
    seq = last_seq(viewer.meeting.case_id)
    element = item_element_id(kind, item.id)
    html = render_cache().item_at(viewer.meeting.id, viewer.audience, element, seq)
    if html is None:
        html = render_item(viewer.meeting, kind, item, viewer.audience)
    response = make_response(html)
    response.headers.update(
        {
            "X-Board-Seq": str(seq),
            "X-Board-Item": element,
            "X-Board-Section": section,
            "X-Board-List": item_list_id(kind, item, viewer.meeting) or "",
            "HX-Reswap": "none",
        }
    )
    return response


def tell(section: str, messages: list[str], status: int):
    """A message for the sender only, shown above the section; their typing is kept (a change
    posted without scripts: on the board page, with what they typed)."""
    if plain_post():
        viewer = viewer_of_meeting(request.view_args["meeting_id"])
        return board_page(viewer, status=status, refused=(section, messages))
    response = make_response(render_template("board/parts/message.html", messages=messages), status)
    response.headers["HX-Retarget"] = f"#message-{section}"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def changed_meanwhile() -> str:
    """What a person is told when someone else saved the same thing since they started."""
    return _(
        "Someone changed this while you were editing, so your change was not saved. The board "
        "now shows their version: look, then change it again if you need to."
    )


def board_change(fixed_section: str | None = None):
    """Run a change for the viewer, turning each kind of refusal into a clear answer shown
    above its section (`fixed_section`, or the section of the item kind in the URL).
    """
    return lambda view: _board_change(view, fixed_section)


def _board_change(view, fixed_section: str | None):
    """The wrapper made by `board_change`."""

    @wraps(view)
    def wrapped(meeting_id: int, **kwargs):
        viewer = joined(viewer_of_meeting(meeting_id))
        section = fixed_section or section_asked(
            viewer, kwargs.get("kind"), item_id=kwargs.get("item_id")
        )
        if not rate_limit.allow(viewer.participant.id or 0):
            return tell(
                section,
                [_("You're sending changes very fast. Wait a moment, then try again.")],
                429,
            )
        try:
            return replayed_when_raced(view, viewer, **kwargs)
        except Conflict as error:
            # The section as it is now, with what they sent kept beside it (`yours`: their form).
            db.session.rollback()
            if plain_post():
                return tell(section, [changed_meanwhile()], 409)
            return respond(viewer, section, status=409, conflict=error, yours=request.form)
        except CommandError as error:
            db.session.rollback()
            refusal = refusal_of(error, not_found=_("That is no longer on the board."))
            return tell(section, list(refusal.messages.values()), refusal.status)

    return wrapped


def replayed_when_raced(view, *args, **kwargs):
    """Run a change's view; if another try of the same change (same key) committed while this
    one ran, run it once more: it then finds that change and answers as a replay.
    """
    try:
        return view(*args, **kwargs)
    except AppliedMeanwhile:
        db.session.rollback()
        return view(*args, **kwargs)
