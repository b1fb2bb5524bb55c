"""Pushing committed changes to every screen of the meeting: the publisher's subscriber.

Each change names its section; that section is rendered once per audience and sent to that
audience's room. An edit that leaves its item in place sends that item alone. Family rooms get the
family rendering, which never contains confidential items.
"""

from __future__ import annotations

import logging

from flask import has_request_context

from fttm.core.recorder import last_seq
from fttm.core.registry import KINDS, SECTIONS, section_of
from fttm.core.viewers import AUDIENCES, STAFF
from fttm.extensions import db, socketio
from fttm.languages import speaking
from fttm.live import presence, screens
from fttm.live.announcements import keep_own_sentence, said_to_others
from fttm.live.render_cache import render_cache
from fttm.live.rooms import participant_room, rendering_room
from fttm.live.sections import (
    PEOPLE_SECTIONS,
    board_basics,
    item_basics,
    item_element_id,
    item_list_id,
    render_item,
    render_sections,
    sent_alone,
)
from fttm.meetings.models import Meeting
from fttm.voices.rendering import kept_from_room

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
    if all(event.section in STAFF_ONLY_SECTIONS or kept_from_room(event) for event in events):
        return (STAFF,)
    return AUDIENCES


def items_alone(events) -> list[tuple[str, int]] | None:
    """The items a batch of edits changed, when each can be sent alone (None: send sections)."""
    found: list[tuple[str, int]] = []
    for event in events:
        kind, _dot, change = event.kind.partition(".")
        if event.target_id is None or not sent_alone(kind, change, event.after or {}):
            return None
        if (kind, event.target_id) not in found:
            found.append((kind, event.target_id))
    return found


def renderings_needed(meeting: Meeting, audiences=AUDIENCES) -> list[tuple[str, str]]:
    """The (audience, language) renderings the meeting's open screens need, of `audiences`:
    each push is rendered once for each, whatever the number of screens."""
    return sorted(
        (audience, language)
        for audience, language in presence.renderings(meeting.id)
        if audience in audiences
    )


def push_items(meeting: Meeting, found: list[tuple[str, int]], *, seq: int, told=()) -> None:
    """Send fresh renderings of some items to everyone in the meeting who may see them, in each
    language present, with what their screen readers say of the changes `told` (events)."""
    items = [(kind, db.session.get(KINDS[kind].model, item_id)) for kind, item_id in found]
    # Loaded once for every rendering: what an item refers to reads the same in any language.
    basics = {
        (kind, item.id): item_basics(meeting, kind, item, seq) for kind, item in items if item
    }
    for audience, language in renderings_needed(meeting):
        with speaking(language):
            pushed = []
            for kind, item in items:
                if item is None or (item.confidential and audience != STAFF):
                    continue
                element = item_element_id(kind, item.id)
                html = render_item(meeting, kind, item, audience, basics=basics[(kind, item.id)])
                render_cache().keep_item(meeting.id, audience, element, seq, html)
                pushed.append(
                    {
                        "section": section_of(kind, meeting, item=item),
                        "id": element,
                        "html": html,
                        "list": item_list_id(kind, item, meeting),
                    }
                )
            if pushed:
                message = {"seq": seq, "items": pushed, **_said(told, audience)}
                socketio.emit(
                    "board:update", message, to=rendering_room(meeting.id, audience, language)
                )


def push_sections(
    meeting: Meeting, names, *, seq: int | None = None, audiences=AUDIENCES, told=()
) -> None:
    """Send fresh renderings of some sections to everyone in the meeting, once per audience and
    language present, with what their screen readers say of the changes `told` (events)."""
    seq = last_seq(meeting.case_id) if seq is None else seq
    basics = board_basics(meeting, seq)  # once for every rendering, in any language
    for audience, language in renderings_needed(meeting, audiences):
        with speaking(language):
            sections = render_sections(meeting, names, audience, basics=basics)
            render_cache().keep_sections(meeting.id, audience, seq, sections)
            message = {"seq": seq, "sections": sections, **_said(told, audience)}
            socketio.emit(
                "board:update", message, to=rendering_room(meeting.id, audience, language)
            )


def push_events(events) -> None:
    """The publisher's subscriber: show committed changes on every screen of their meeting."""
    if not has_request_context():
        return  # seeding and other command-line work: no screens to update
    meeting_ids = {event.meeting_id for event in events if event.meeting_id is not None}
    for meeting_id in meeting_ids:
        meeting = db.session.get(Meeting, meeting_id)
        ours = [event for event in events if event.meeting_id == meeting_id]
        if meeting is not None:
            screens.push_screens(meeting, ours)
        names = sections_for(ours)
        if meeting is None or not names:
            continue
        seq = max(event.seq for event in ours)
        keep_own_sentence(ours)
        if (found := items_alone(ours)) is not None:
            push_items(meeting, found, seq=seq, told=ours)
        else:
            push_sections(meeting, names, seq=seq, audiences=audiences_for(ours), told=ours)
        for event in ours:
            if event.kind == "participant.removed":
                cut_off(meeting.id, event.target_id)


def _said(told, audience: str) -> dict:
    """The push's `said` entry for `audience`, in the language being rendered, when there is
    something to say of the changes `told`."""
    lines = said_to_others(told, (audience,))[audience] if told else []
    return {"said": lines} if lines else {}


def cut_off(meeting_id: int, participant_id: int) -> None:
    """A removed participant: tell their screens, then close their sockets at once."""
    socketio.emit("board:removed", {}, to=participant_room(participant_id))
    for sid in presence.sockets_of(meeting_id, participant_id):
        socketio.server.disconnect(sid, namespace="/")
