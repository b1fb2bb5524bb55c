"""Fidelity indicators the meeting's agenda makes provable, read from its transcript alone:

- the plan's actions were written during the meeting's planning phases, not before it (seed 003:
  "develop case plans during FTMs, not in advance");
- there was time for the family's own planning (seed 002's Family-Led Decision-Making: private
  family time), shown by a family-time phase that lasted, or by private family time recorded.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.extensions import db
from fttm.languages import gettext as _
from fttm.languages import ngettext
from fttm.meetings import phases
from fttm.meetings.agenda import agenda_of
from fttm.meetings.models import Meeting, MeetingStatus
from fttm.reviews.fidelity import Indicator
from fttm.transcript.models import TranscriptEvent

# The board sections whose phases are the plan's: "what needs to happen" and the safety plan.
PLANNING_SECTIONS = frozenset({"plan", "safety_plan"})
# What the private family time helper records (fttm/family_time): either says it happened.
FAMILY_TIME_EVENTS = ("family_time.started", "family_time.ended")


def _since_last_plan(meeting: Meeting):
    """When the plan before this meeting's was made (an earlier meeting's end), if any."""
    return db.session.scalar(
        sa.select(sa.func.max(Meeting.ended_at)).where(
            Meeting.case_id == meeting.case_id,
            Meeting.id != meeting.id,
            Meeting.status == MeetingStatus.ENDED,
            Meeting.ended_at < (meeting.started_at or meeting.ended_at),
        )
    )


def planned_in_the_meeting(meeting: Meeting) -> Indicator:
    """Actions added in a planning phase of the meeting, against those added before it went
    live (since the case's plan before it), and those added in its other phases."""
    explanation = _(
        "Met when the plan's new actions were written in the meeting, at least one of them in a "
        "phase about the plan or the safety plan, and none before the meeting started."
    )
    since = _since_last_plan(meeting)
    added = db.session.scalars(
        sa.select(TranscriptEvent)
        .where(TranscriptEvent.case_id == meeting.case_id, TranscriptEvent.kind == "action.added")
        .where(
            sa.or_(TranscriptEvent.meeting_id == meeting.id, TranscriptEvent.meeting_id.is_(None))
        )
        .order_by(TranscriptEvent.seq)
    ).all()
    spans = phases.spans(phases.meeting_events(meeting))
    sections = {entry["key"]: entry.get("section") for entry in agenda_of(meeting)}
    before, planning, other = [], 0, 0
    for event in added:
        if meeting.started_at is None or event.at < meeting.started_at:
            if since is None or event.at > since:
                before.append(event)
            continue
        if event.meeting_id != meeting.id:
            continue
        span = next(
            (s for s in spans if s.started <= event.at and (s.ended is None or event.at < s.ended)),
            None,
        )
        if span is not None and sections.get(span.key) in PLANNING_SECTIONS:
            planning += 1
        else:
            other += 1
    total = len(before) + planning + other
    if not total:
        return Indicator(
            "planned_in_meeting", None, _("No new actions: this does not apply."), explanation
        )
    figures = ngettext(
        "%(planning)d of %(num)d new action was written in a planning phase "
        "(%(other)d in other phases, %(before)d before the meeting started).",
        "%(planning)d of %(num)d new actions were written in a planning phase "
        "(%(other)d in other phases, %(before)d before the meeting started).",
        total,
        planning=planning,
        other=other,
        before=len(before),
    )
    return Indicator(
        "planned_in_meeting",
        not before and planning > 0,
        figures,
        explanation,
        tuple(
            _("“%(what)s” was written before the meeting", what=(e.after or {}).get("what", ""))
            for e in before
        ),
    )


def family_planning_time(meeting: Meeting) -> Indicator:
    """A private family time phase that took more than no time, or private family time recorded;
    not applicable when the agenda had no such phase and none was recorded."""
    explanation = _(
        "Met when the family had time to plan on its own: a private family time phase of the "
        "agenda lasted, or private family time was started in the meeting."
    )
    recorded = db.session.scalars(
        sa.select(TranscriptEvent)
        .where(
            TranscriptEvent.meeting_id == meeting.id, TranscriptEvent.kind.in_(FAMILY_TIME_EVENTS)
        )
        .order_by(TranscriptEvent.seq)
    ).all()
    private = {entry["key"] for entry in agenda_of(meeting) if entry.get("family_time")}
    took = phases.durations(phases.meeting_events(meeting), meeting.ended_at)
    minutes = sum(seconds for key, seconds in took.items() if key in private) / 60
    if recorded:
        alone = _private_minutes(recorded, meeting.ended_at)
        figures = (
            _("The family planned alone for %(minutes)d min.", minutes=round(alone))
            if round(alone)
            else _("Private family time was held in the meeting.")
        )
        return Indicator("family_time", True, figures, explanation)
    if not private:
        figures = _("The agenda had no private family time: this does not apply.")
        return Indicator("family_time", None, figures, explanation)
    if minutes > 0:
        figures = _("The family planned alone for %(minutes)d min.", minutes=round(minutes))
        return Indicator("family_time", True, figures, explanation)
    return Indicator(
        "family_time",
        False,
        _("The agenda's private family time was skipped or never reached."),
        explanation,
    )


def _private_minutes(events, ended_at) -> float:
    """How long private family time ran, from its started and ended events (one still running
    when the meeting ended counts until then)."""
    total, since = 0.0, None
    for event in events:
        if event.kind == "family_time.started":
            since = since or event.at
        elif event.kind == "family_time.ended" and since is not None:
            total += (event.at - since).total_seconds()
            since = None
    if since is not None and ended_at is not None:
        total += (ended_at - since).total_seconds()
    return total / 60
