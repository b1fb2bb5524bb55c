"""What private family time looks like on each screen.

Family phones and the wall get the panel "Our plan (private to the family until shared)" with the
drafts' words. Staff screens get only `status_context`: whether the family is working in private,
and how many items it drafted. The panel is rendered only by `panel`, which refuses a staff
audience unless it is the wall's own page (see `for_wall`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from fttm.core.registry import section_titles
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_time.commands import open_count, open_drafts, running, title_field
from fttm.frameworks import framework_of_case
from fttm.meetings.models import Meeting, MeetingStatus, Participant

PANEL_ID = "family-drafts"


def status_context(meeting: Meeting) -> dict:
    """What every audience's status bar may say of private family time: numbers, no words."""
    return {
        "family_time_running": running(meeting),
        "family_time_since": meeting.family_time_started_at,
        "family_drafts_count": open_count(meeting.case_id),
        "family_time_may_start": meeting.status == MeetingStatus.LIVE and not running(meeting),
    }


def _authors(drafts) -> dict[int, str]:
    """Who wrote each draft, by participant id (their name in the meeting they wrote it in)."""
    ids = {draft.created_by_participant_id for draft in drafts} - {None}
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Participant.id, Participant.display_name).where(Participant.id.in_(ids))
    ).all()
    return dict(rows)


def panel_html(
    meeting: Meeting, *, for_wall: bool, page_csrf_token: str = "", oob: bool = False
) -> Markup:
    """The family's panel of drafts: with forms on a phone, read-only on the wall (and there
    only during private time); an empty, hidden placeholder when there is nothing to show."""
    drafts = open_drafts(meeting.case_id)
    html = render_template(
        "family_time/_panel.html",
        meeting=meeting,
        drafts=drafts,
        authors=_authors(drafts),
        title_field=title_field,
        # The wall is seen by the whole room: once the professionals are back (private time
        # over, nothing shared), it no longer shows the drafts; a phone is its family member's.
        showing=running(meeting) or (bool(drafts) and not for_wall),
        running=running(meeting),
        for_wall=for_wall,
        read_only=meeting.status not in (MeetingStatus.OPEN, MeetingStatus.LIVE),
        page_csrf_token=page_csrf_token,
        panel_id=PANEL_ID,
        # A strength or worry drafted in a section of the board: named by that section.
        section_names=section_titles(framework_of_case(meeting.case), every=True),
        oob=oob,
    )
    return Markup(html)  # noqa: S704 - a rendered template, escaped by Jinja already


def panel(
    viewer: Viewer, *, for_wall: bool = False, page_csrf_token: str = "", oob: bool = False
) -> Markup:
    """The panel for the person looking: a family phone, or the wall's own page; nothing for
    any other staff screen (console, presenting console, staff phone)."""
    if viewer.is_staff and not for_wall:
        return Markup("")
    return panel_html(viewer.meeting, for_wall=for_wall, page_csrf_token=page_csrf_token, oob=oob)
