"""Which voices each audience gets, and how they read: on the board (in the section each speaks
to), in the plan version and in the family's copy.

Staff see every voice; the room (the wall and the phones) only those the person agreed to show
the family, never one removed. Everything a room rendering holds is loaded through `for_room`.
"""

from __future__ import annotations

import base64
from typing import Any

import sqlalchemy as sa
from flask import url_for

from fttm.core.viewers import STAFF
from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.transcript.models import TranscriptEvent
from fttm.voices.models import AbsentVoice, VoiceSource


def source_words() -> dict[str, str]:
    """Who a voice is, in the reader's language."""
    return {
        VoiceSource.CHILD.value: _("A child"),
        VoiceSource.RELATIVE.value: _("A relative who cannot come"),
        VoiceSource.PROVIDER.value: _("A provider's report"),
    }


def voices_on_board(meeting, section: str, audience: str, *, deleted: bool = False) -> list:
    """The meeting's voices that speak to `section`, as `audience` may see them (removed ones,
    for staff to bring back, with `deleted`)."""
    if deleted and audience != STAFF:
        return []
    query = sa.select(AbsentVoice).where(
        AbsentVoice.meeting_id == meeting.id,
        AbsentVoice.section == section,
        AbsentVoice.deleted_at.is_not(None) if deleted else AbsentVoice.deleted_at.is_(None),
    )
    if audience != STAFF:
        query = query.where(AbsentVoice.shareable.is_(True), AbsentVoice.confidential.is_(False))
    return db.session.scalars(query.order_by(AbsentVoice.given_at, AbsentVoice.id)).all()


def voices_of_meeting(meeting) -> list[AbsentVoice]:
    """Every voice of the meeting, removed ones too (for staff)."""
    return db.session.scalars(
        sa.select(AbsentVoice)
        .where(AbsentVoice.meeting_id == meeting.id)
        .order_by(AbsentVoice.deleted_at.is_not(None), AbsentVoice.given_at, AbsentVoice.id)
    ).all()


def given_day(voice, case) -> str:
    """The day a voice was given, where the case is (ISO, for <time> and the form)."""
    return voice.given_at.astimezone(profile(case.jurisdiction).zone).date().isoformat()


def picture_url(meeting, voice_id: int, audience: str) -> str:
    """Where a screen of `audience` fetches a voice's picture (a room screen says it is one, so
    staff's own session on the wall is answered as the room)."""
    screen = "room" if audience != STAFF else None
    return url_for("voices.picture", meeting_id=meeting.id, voice_id=voice_id, screen=screen)


def kept_from_room(event: TranscriptEvent) -> bool:
    """Whether a change to a voice is one the room must not be told of: the voice is not
    shareable, and was not before this change either (a voice made staff-only must leave the
    room's screens, so that change is sent to them)."""
    kind = event.kind.partition(".")[0]
    if kind != "voice" or event.target_id is None:
        return False
    if (event.before or {}).get("shareable") is True or (event.after or {}).get("shareable"):
        return False
    voice = db.session.get(AbsentVoice, event.target_id)
    return voice is None or not voice.shareable or voice.confidential


# -- plan versions and the family's copy ----------------------------------------------------


def voices_snapshot(meeting) -> list[dict[str, Any]]:
    """The meeting's voices as a plan version keeps them (the picture stays in its row)."""
    zone = profile(meeting.case.jurisdiction).zone
    return [
        {
            "id": voice.id,
            "source": voice.source.value,
            "from_name": voice.from_name,
            "through_name": voice.through_name,
            "through_role": voice.through_role,
            "given_on": voice.given_at.astimezone(zone).date().isoformat(),
            "section": voice.section,
            "shareable": voice.shareable and not voice.confidential,
            "words": voice.words,
            "picture": voice.picture_type is not None,
            "picture_description": voice.picture_description,
        }
        for voice in voices_on_board_all(meeting)
    ]


def voices_on_board_all(meeting) -> list[AbsentVoice]:
    """The meeting's voices on the board (not removed), in every section."""
    return db.session.scalars(
        sa.select(AbsentVoice)
        .where(AbsentVoice.meeting_id == meeting.id, AbsentVoice.deleted_at.is_(None))
        .order_by(AbsentVoice.given_at, AbsentVoice.id)
    ).all()


def voices_in_version(version, *, for_family: bool) -> list[dict[str, Any]]:
    """A plan version's voices; for the family, only those shareable when it was taken AND now
    (one made staff-only or removed since leaves every copy made from then on)."""
    kept = list((version.snapshot or {}).get("voices", []))
    if not for_family:
        return kept
    ids = [voice["id"] for voice in kept if voice.get("shareable")]
    still = set(
        db.session.scalars(
            sa.select(AbsentVoice.id).where(
                AbsentVoice.id.in_(ids),
                AbsentVoice.shareable.is_(True),
                AbsentVoice.confidential.is_(False),
                AbsentVoice.deleted_at.is_(None),
            )
        )
    )
    return [voice for voice in kept if voice["id"] in still]


def picture_data_uri(voice_id: int) -> str | None:
    """A voice's picture as a data: URI, for a PDF (which fetches nothing from the server)."""
    voice = db.session.get(AbsentVoice, voice_id)
    if voice is None or voice.picture_type not in ("image/png", "image/jpeg"):
        return None
    return f"data:{voice.picture_type};base64,{base64.b64encode(voice.picture).decode('ascii')}"
