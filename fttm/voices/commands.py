"""What staff do with the voices of people not in the room: add one (words as said, or a
picture), change it, remove it and bring it back. Staff only, before or during the meeting; each
change is written with its transcript event through the one write path.

A voice the person did not agree to show the family is confidential: the board's rule for
confidential items (rendered for staff only, never sent to a family screen) keeps it off the
wall, the phones and the family's copy. `confidential` is kept as the opposite of `shareable`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from fttm.auth.models import User
from fttm.core.recorder import Actor, meeting_change, replayed_row, snapshot
from fttm.core.registry import section_titles
from fttm.core.rows import set_fields
from fttm.errors import Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.forms import whole_number
from fttm.frameworks import framework_of_case
from fttm.idempotency import RequestKey
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.commands import require_team
from fttm.meetings.models import Meeting, MeetingStatus
from fttm.timestamps import utcnow
from fttm.voices.models import AbsentVoice, VoiceSource
from fttm.voices.pictures import Picture, reencoded

# The board sections a voice can speak to.
# The common sections a voice may speak to, besides the mapping sections of the case's framework.
VOICE_COMMON_SECTIONS = ("plan", "safety_plan")


def voice_sections(meeting: Meeting) -> dict[str, str]:
    """The sections of the meeting's board a voice may speak to, with their titles."""
    titles = section_titles(framework_of_case(meeting.case))
    keys = (*framework_of_case(meeting.case).keys, *VOICE_COMMON_SECTIONS)
    return {key: titles[key] for key in keys}


# A voice is added before the meeting or while it runs; once it has ended the record is closed.
OPEN_STATES = (MeetingStatus.SCHEDULED, MeetingStatus.OPEN, MeetingStatus.LIVE)
# What an event records of a voice (the picture's bytes stay in its row).
RECORDED = (
    "source",
    "from_name",
    "through_name",
    "through_role",
    "given_at",
    "section",
    "shareable",
    "words",
    "picture_type",
    "picture_width",
    "picture_height",
    "picture_description",
)
# What an edit may change: everything recorded but the picture itself (kept as it was sent).
EDITED = tuple(
    name for name in RECORDED if name not in ("picture_type", "picture_width", "picture_height")
)


def _may_change(actor: User, meeting: Meeting) -> None:
    """Staff of the case's team, while the meeting is scheduled, open or live."""
    if not getattr(actor, "is_staff_of_cases", False):
        raise NotAllowed(_("Only staff add the voices of people who are not here."))
    require_team(actor, meeting.case)
    if meeting.status not in OPEN_STATES:
        raise NotAllowed(_("This meeting has ended: its voices can no longer be changed."))


def _text(raw: dict, name: str, most: int, errors: dict, *, required: str | None = None):
    value = str(raw.get(name) or "").strip()
    if len(value) > most:
        errors[name] = _("Use at most %(count)d characters.", count=most)
    elif not value and required:
        errors[name] = required
    return value or None


def _given_at(raw: str, zone: ZoneInfo, errors: dict) -> datetime | None:
    """The day it was given (today or before), as noon that day where the case is."""
    text = str(raw or "").strip()
    if not text:
        errors["given_on"] = _("Say on which day it was given.")
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors["given_on"] = _("Enter a date like 2026-12-31.")
        return None
    if day > datetime.now(zone).date():
        errors["given_on"] = _("That day has not come yet: say when it was given.")
        return None
    return datetime.combine(day, time(12), tzinfo=zone)


def cleaned(raw: dict, meeting: Meeting, *, has_picture: bool) -> dict:
    """The voice's typed values; Invalid names each field that is not right."""
    errors: dict[str, str] = {}
    source = str(raw.get("source") or "")
    if source not in {s.value for s in VoiceSource}:
        errors["source"] = _("Say whose voice this is: a child, a relative or a provider.")
    values = {
        "source": VoiceSource(source) if "source" not in errors else None,
        "from_name": _text(raw, "from_name", 120, errors, required=_("Say whose voice it is.")),
        "through_name": _text(raw, "through_name", 120, errors),
        "through_role": _text(raw, "through_role", 120, errors),
        "words": _text(raw, "words", 4000, errors),
        "picture_description": _text(raw, "picture_description", 500, errors),
        "given_at": _given_at(raw.get("given_on"), profile(meeting.case.jurisdiction).zone, errors),
        "shareable": raw.get("shareable") == "1",
    }
    section = str(raw.get("section") or "")
    if section not in voice_sections(meeting):
        errors["section"] = _("Choose the part of the board it speaks to.")
    values["section"] = section
    if source == VoiceSource.CHILD and not values["through_name"] and "through_name" not in errors:
        errors["through_name"] = _("A child's voice comes through someone they trust: say who.")
    if not values["words"] and not has_picture and "words" not in errors:
        errors["words"] = _("Type their words as they said them, or add a picture.")
    if has_picture and not values["picture_description"] and "picture_description" not in errors:
        errors["picture_description"] = _(
            "Describe the picture in a few words, for people who cannot see it."
        )
    if errors:
        raise Invalid(errors)
    return values


def add_voice(
    actor: User,
    meeting: Meeting,
    raw: dict,
    picture_data: bytes | None = None,
    *,
    key: RequestKey | str | None = None,
) -> AbsentVoice:
    """Add a contribution from someone who is not in the room: words, a picture, or both."""
    _may_change(actor, meeting)
    who = Actor.for_user(actor)
    if (done := replayed_row(meeting.case_id, key, who, AbsentVoice)) is not None:
        return done
    errors: dict[str, str] = {}
    picture: Picture | None = None
    if picture_data:
        try:
            picture = reencoded(picture_data)
        except Invalid as refused:
            errors.update(refused.errors)
    try:
        values = cleaned(raw, meeting, has_picture=bool(picture_data))
    except Invalid as refused:
        errors = {**refused.errors, **errors}
    if errors:
        raise Invalid(errors)
    with meeting_change(meeting, who, idempotency_key=key) as current:
        voice = AbsentVoice(
            case_id=meeting.case_id,
            meeting_id=meeting.id,
            confidential=not values["shareable"],
            created_by_user_id=actor.id,
            **values,
        )
        if picture is not None:
            voice.picture = picture.data
            voice.picture_type = picture.content_type
            voice.picture_width = picture.width
            voice.picture_height = picture.height
        db.session.add(voice)
        db.session.flush()
        current.record("voice.added", voice, after=snapshot(voice, RECORDED), section=voice.section)
    return voice


def voice_of(meeting: Meeting, voice_id: int, *, deleted: bool | None = False) -> AbsentVoice:
    """A voice of the meeting's case (removed or not, as asked; None: either)."""
    voice = db.session.get(AbsentVoice, voice_id)
    if voice is None or voice.case_id != meeting.case_id:
        raise NotFound("no such voice")
    if deleted is not None and (voice.deleted_at is not None) != deleted:
        raise NotFound("removed" if voice.deleted_at else "not removed")
    return voice


def edit_voice(
    actor: User,
    meeting: Meeting,
    voice_id: int,
    raw: dict,
    *,
    key: RequestKey | str | None = None,
) -> AbsentVoice:
    """Change what a voice says, who it is from, where it belongs or whether it is shared."""
    _may_change(actor, meeting)
    voice = voice_of(meeting, voice_id)
    seen = whole_number(str(raw.get("base_version", "")))
    if seen is None:
        raise Invalid({"form": _("Reload the page and try again.")})
    values = cleaned(raw, meeting, has_picture=voice.picture_type is not None)
    changed = {name: values[name] for name in EDITED if getattr(voice, name) != values[name]}
    if voice.given_at == values["given_at"]:
        changed.pop("given_at", None)
    if not changed:
        return voice
    if "shareable" in changed:
        changed["confidential"] = not changed["shareable"]
    old_section = voice.section
    with meeting_change(meeting, Actor.for_user(actor), idempotency_key=key) as current:
        set_fields(current, voice, changed, "voice.edited", section=voice.section, seen=seen)
        voice.section = changed.get("section", old_section)
        current.events[-1].section = voice.section
        if voice.section != old_section:
            # The section it left is changed too: screens showing it are sent it again.
            current.record(
                "voice.moved",
                voice,
                before={"section": old_section},
                after={"section": voice.section},
                section=old_section,
            )
    return voice


def remove_voice(actor: User, meeting: Meeting, voice_id: int) -> AbsentVoice:
    """Take a voice off the board (softly: it can be brought back)."""
    _may_change(actor, meeting)
    voice = voice_of(meeting, voice_id)
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        set_fields(current, voice, {"deleted_at": utcnow()}, "voice.deleted", section=voice.section)
    return voice


def restore_voice(actor: User, meeting: Meeting, voice_id: int) -> AbsentVoice:
    """Bring a removed voice back onto the board."""
    _may_change(actor, meeting)
    voice = voice_of(meeting, voice_id, deleted=True)
    with meeting_change(meeting, Actor.for_user(actor)) as current:
        set_fields(current, voice, {"deleted_at": None}, "voice.restored", section=voice.section)
    return voice
