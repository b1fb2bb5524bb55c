"""Pushing committed changes to every screen of the meeting: the publisher's subscriber.

Each change names its section; that section is rendered once per audience and sent to that
audience's room. Family rooms get the family rendering, which never contains confidential items.
"""

from __future__ import annotations

import logging

from flask import has_request_context

from fttm.board.commands import last_seq
from fttm.board.sections import (
    AUDIENCES,
    PEOPLE_SECTIONS,
    SECTIONS,
    remember_rendering,
    render_sections,
)
from fttm.board.viewer import STAFF
from fttm.extensions import db, socketio
from fttm.meetings.models import Meeting
from fttm.realtime import presence
from fttm.realtime.rooms import audience_room, participant_room

logger = logging.getLogger(__name__)
EVERYTHING = ("status", *SECTIONS)
# Changes to the meeting itself change what every section offers (read-only, locks).
WHOLE_BOARD_EVENTS = {"meeting.opened", "meeting.started", "meeting.ended"}
# The status bar shows the meeting's state, and once it has ended, who agreed with the plan.
STATUS_SECTIONS = {"meeting", "agreement", "review"}
# Who agreed and the supervisor's decision show on staff screens only: a phone shows its own
# answer, which it fetches itself, so pushing to phones would only wipe a half-written answer.
STAFF_ONLY_SECTIONS = {"agreement", "review"}


def sections_for(events) -> set[str]:
    """The sections a batch of events changed."""
    names: set[str] = set()
    for event in events:
        if event.kind in WHOLE_BOARD_EVENTS:
            return set(EVERYTHING)
        if event.section in EVERYTHING:
            names.add(event.section)
        if event.kind.startswith("person."):
            names.update(PEOPLE_SECTIONS)
        if event.section in STATUS_SECTIONS or event.kind.startswith("section."):
            names.add("status")
    return names


def audiences_for(events) -> tuple[str, ...]:
    """Which audiences a batch of events changes something for."""
    if all(event.section in STAFF_ONLY_SECTIONS for event in events):
        return (STAFF,)
    return AUDIENCES


def push_sections(meeting: Meeting, names, *, seq: int | None = None, audiences=AUDIENCES) -> None:
    """Send fresh renderings of some sections to everyone in the meeting, per audience."""
    seq = last_seq(meeting.case_id) if seq is None else seq
    for audience in audiences:
        sections = render_sections(meeting, names, audience)
        remember_rendering(meeting, audience, seq, sections)
        socketio.emit(
            "board:update",
            {"seq": seq, "sections": sections},
            to=audience_room(meeting.id, audience),
        )


def push_events(events) -> None:
    """The publisher's subscriber: show committed changes on every screen of their meeting."""
    if not has_request_context():
        return  # seeding and other command-line work: no screens to update
    meeting_ids = {event.meeting_id for event in events if event.meeting_id is not None}
    for meeting_id in meeting_ids:
        meeting = db.session.get(Meeting, meeting_id)
        ours = [event for event in events if event.meeting_id == meeting_id]
        names = sections_for(ours)
        if meeting is None or not names:
            continue
        push_sections(
            meeting, names, seq=max(event.seq for event in ours), audiences=audiences_for(ours)
        )
        for event in ours:
            if event.kind == "participant.removed":
                cut_off(meeting.id, event.target_id)


def cut_off(meeting_id: int, participant_id: int) -> None:
    """A removed participant: tell their screens, then close their sockets at once."""
    socketio.emit("board:removed", {}, to=participant_room(participant_id))
    for sid in presence.sockets_of(meeting_id, participant_id):
        socketio.server.disconnect(sid, namespace="/")
