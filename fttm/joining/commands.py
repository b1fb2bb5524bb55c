"""Joining a meeting: family members by code, staff by account; admitting and removing people."""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import get_locale

from fttm.auth.models import User
from fttm.core.recorder import Actor, meeting_change, snapshot
from fttm.errors import Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.family_map.models import Person, is_shareable
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.models import Meeting, MeetingStatus, Participant, ParticipantStatus
from fttm.timestamps import utcnow

logger = logging.getLogger(__name__)
STAFF_ROLE = "staff"
NAME_MAX = 60
JOINABLE = (MeetingStatus.OPEN, MeetingStatus.LIVE)
FIELDS = ("display_name", "role", "person_id", "status")


def check_joining(meeting: Meeting, display_name: str, role: str) -> str:
    """The tidied display name, or Invalid naming each field that is not right."""
    errors: dict[str, str] = {}
    name = " ".join((display_name or "").split())
    if not name:
        errors["display_name"] = _("Enter the name the others will see, like “Maria” or “Nan”.")
    elif len(name) > NAME_MAX:
        errors["display_name"] = _("Use at most %(count)d characters.", count=NAME_MAX)
    if not profile(meeting.case.jurisdiction).has("participant_roles", role):
        errors["role"] = _("Choose who you are in this meeting.")
    if errors:
        raise Invalid(errors)
    return name


def check_person(meeting: Meeting, person_id: int | None) -> None:
    """Invalid unless `person_id` is None or someone of the meeting's family map whom everyone
    may see: a confidential person is never linked to a phone, which would then be told of them.
    """
    if person_id is None:
        return
    person = db.session.get(Person, person_id) if 0 < person_id < 2**31 else None
    if not is_shareable(person, meeting.case_id):
        raise Invalid({"person_id": _("Choose someone from the family map, or leave it empty.")})


def join_meeting(
    meeting: Meeting, *, display_name: str, role: str, language: str | None = None
) -> Participant:
    """A phone joins with a name and a role (and the language its screens are in, one of config
    LANGUAGES; None: its browser's); it waits to be admitted unless everyone is.

    It says who it is in the family map only once it is in (`say_who_i_am`), or the facilitator
    says so when letting it in (`admit`): a phone is shown no name of the family before that.
    """
    if meeting.status not in JOINABLE:
        raise Invalid({"meeting": _("This meeting is not open for joining.")})
    name = check_joining(meeting, display_name, role)
    if language not in current_app.config["LANGUAGES"]:
        language = None
    status = ParticipantStatus.ADMITTED if meeting.admit_everyone else ParticipantStatus.WAITING
    with meeting_change(meeting, Actor(name=name, role=role)) as current:
        participant = _add_participant(
            current, meeting, display_name=name, role=role, status=status, language=language
        )
    logger.info("participant %s joined meeting %s", participant.id, meeting.id)
    return participant


def join_as_staff(user: User, meeting: Meeting) -> Participant:
    """A member of the case's team takes part with their account (once per meeting)."""
    if not user.is_staff_of_cases or user.team_id != meeting.case.team_id:
        raise NotFound("staff of another team")
    existing = db.session.scalar(
        sa.select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.user_id == user.id
        )
    )
    if existing is not None:
        return existing
    with meeting_change(meeting, Actor.for_user(user)) as current:
        participant = _add_participant(
            current,
            meeting,
            display_name=user.name[:NAME_MAX],
            role=STAFF_ROLE,
            user_id=user.id,
            status=ParticipantStatus.ADMITTED,
        )
    return participant


def _add_participant(current, meeting: Meeting, **fields) -> Participant:
    """Add someone to the meeting within `current` change; the event is theirs ("joined")."""
    admitted = fields["status"] == ParticipantStatus.ADMITTED
    if fields.get("user_id") is None and has_request_context():
        # A phone keeps the language it joined in (its browser's, or chosen on the join page).
        fields["language"] = fields.get("language") or str(get_locale())
    participant = Participant(
        meeting_id=meeting.id,
        token_nonce=secrets.token_hex(8),
        admitted_at=utcnow() if admitted else None,
        **fields,
    )
    db.session.add(participant)
    db.session.flush()
    current.actor = Actor.for_participant(participant)
    current.record(
        "participant.joined",
        participant,
        after=snapshot(participant, FIELDS),
        section="participants",
    )
    return participant


def _staff_participant_change(actor: Participant, participant: Participant, kind: str, **values):
    """Set `values` on a participant, as the meeting's staff, with its transcript event."""
    if actor.user_id is None or participant.meeting_id != actor.meeting_id:
        raise NotFound("only the meeting's staff manage participants")
    if participant.user_id is not None:
        raise Invalid({"participant": _("Staff accounts cannot be admitted or removed.")})
    # Never the token nonce: it is a secret.
    shown = ("status", "person_id") if "person_id" in values else ("status",)
    before = snapshot(participant, shown)
    with meeting_change(participant.meeting, Actor.for_participant(actor)) as current:
        for name, value in values.items():
            setattr(participant, name, value)
        current.record(
            kind,
            participant,
            before=before,
            after=snapshot(participant, shown),
            section="participants",
        )
    return participant


def admit(
    actor: Participant, participant: Participant, person_id: int | None = None
) -> Participant:
    """Let a waiting phone into the meeting, saying who they are in the family map if known."""
    if participant.status != ParticipantStatus.WAITING:
        raise Invalid({"participant": _("Only someone who is waiting can be admitted.")})
    check_person(participant.meeting, person_id)
    linked = {"person_id": person_id} if person_id is not None else {}
    return _staff_participant_change(
        actor,
        participant,
        "participant.admitted",
        status=ParticipantStatus.ADMITTED,
        admitted_at=utcnow(),
        **linked,
    )


def say_who_i_am(participant: Participant, person_id: int | None) -> Participant:
    """An admitted phone says who it is in the family map, or that it is nobody there."""
    if participant.user_id is not None or participant.status != ParticipantStatus.ADMITTED:
        raise NotFound("only an admitted family phone says who it is")
    meeting = participant.meeting
    if meeting.status not in JOINABLE:
        raise NotAllowed(_("The meeting has ended: ask the facilitator to change this."))
    check_person(meeting, person_id)
    if person_id == participant.person_id:
        return participant  # nothing changes, so nothing to record
    before = snapshot(participant, ("person_id",))
    with meeting_change(meeting, Actor.for_participant(participant)) as current:
        participant.person_id = person_id
        current.record(
            "participant.identified",
            participant,
            before=before,
            after=snapshot(participant, ("person_id",)),
            section="participants",
        )
    logger.info("participant %s said who they are in meeting %s", participant.id, meeting.id)
    return participant


def remove(actor: Participant, participant: Participant) -> Participant:
    """Take someone out of the meeting: their token stops working; their words stay, attributed."""
    if participant.status == ParticipantStatus.REMOVED:
        raise Invalid({"participant": _("This person has already been removed.")})
    return _staff_participant_change(
        actor,
        participant,
        "participant.removed",
        status=ParticipantStatus.REMOVED,
        removed_at=utcnow(),
        token_nonce=secrets.token_hex(8),
    )
