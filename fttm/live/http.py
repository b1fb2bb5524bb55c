"""The HTTP side of a live meeting, shared by every blueprint that changes a board (the board, the
family map, plans, meetings): who is asking, answering with a section or an item as it is now for
the sender's audience, and turning a refused change into a message shown to its sender alone.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, make_response, render_template, request
from flask_babel import gettext as _

from fttm.board import commands
from fttm.core.recorder import last_seq
from fttm.core.viewers import STAFF, Viewer
from fttm.errors import CommandError, Conflict
from fttm.extensions import db
from fttm.idempotency import AppliedMeanwhile
from fttm.live import rate_limit
from fttm.live.render_cache import render_cache
from fttm.live.sections import (
    board_basics,
    item_element_id,
    item_list_id,
    render_item,
    render_section,
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


def respond(viewer: Viewer, section: str, *, status: int = 200, **extra):
    """The section as it is now, for the sender's audience, with the board's sequence number.

    The number is read before rendering, so the HTML is never older than the number it carries
    (a change committed meanwhile may show in the HTML; the screen then simply takes the push).
    """
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
    if item.deleted_at is not None or (item.confidential and viewer.audience != STAFF):
        # A replay of a change to an item deleted or made confidential since: the section as
        # this person may see it now.
        return respond(viewer, commands.section_of(kind))
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
            "X-Board-Section": commands.section_of(kind),
            "X-Board-List": item_list_id(kind, item) or "",
            "HX-Reswap": "none",
        }
    )
    return response


def tell(section: str, messages: list[str], status: int):
    """A message for the sender only, shown above the section; their typing is kept."""
    response = make_response(render_template("board/parts/message.html", messages=messages), status)
    response.headers["HX-Retarget"] = f"#message-{section}"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


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
        section = fixed_section or commands.section_of(kwargs.get("kind"))
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
