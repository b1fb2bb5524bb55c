"""What a screen reader says when the board changes: one short, polite sentence per change.

Another person's change reaches a screen as a push; the sentence comes with it, rendered for the
push's audience, so a family screen is never told of anything it may not see (a confidential item,
a staff note, who agreed). The sender's own change is answered with its own sentence ("Saved",
"You rated 7") in the `FTTM-Said` header of the answer; static/js/announce.js says both in the
board's one live region.
"""

from __future__ import annotations

from urllib.parse import quote

import sqlalchemy as sa
from flask import g, has_request_context

from fttm.core.registry import KINDS, section_titles
from fttm.core.viewers import STAFF
from fttm.extensions import db
from fttm.frameworks import framework_of_case
from fttm.languages import gettext as _

SAID_HEADER = "FTTM-Said"
MOST = 3  # sentences per push: a cascade (a person removed with their lines) is told briefly


def _added() -> dict[str, str]:
    """Who added which kind of item: one whole sentence per kind (never pieced together)."""
    return {
        "strength": _("%(name)s added a strength"),
        "worry": _("%(name)s added a worry"),
        "goal": _("%(name)s added a goal"),
        "objective": _("%(name)s added an objective"),
        "action": _("%(name)s added an action"),
        "safety_step": _("%(name)s added a safety step"),
        "note": _("%(name)s added a note"),
        "person": _("%(name)s added a person to the family map"),
        "relationship": _("%(name)s added a line to the family map"),
        "ecomap_connection": _("%(name)s added a connection to the ecomap"),
        "household": _("%(name)s added a household"),
    }


def _hidden_from_family(event) -> bool:
    """Whether the event is about something a family screen does not show."""
    kind, _dot, change = event.kind.partition(".")
    if kind in ("agreement", "plan_version", "family_copy", "case") or event.section in (
        "agreement",
        "review",
    ):
        return True
    if change in ("made_confidential", "shared"):
        return True  # the item appears or goes; its section's push shows that
    registered = KINDS.get(kind)
    if registered is None:
        return False
    if registered.staff_only or (event.after or {}).get("confidential"):
        return True
    if event.target_id is None:
        return False
    row = db.session.get(registered.model, event.target_id)
    return row is None or bool(getattr(row, "confidential", False))


def _participant_name(event) -> str:
    """The name of the participant an event is about (not who made it: staff let people in)."""
    from fttm.meetings.models import Participant

    participant = db.session.get(Participant, event.target_id) if event.target_id else None
    return participant.display_name if participant else event.actor_name


def _framework_of(event):
    """The practice framework of the event's case (how its sections are named)."""
    from fttm.cases.models import Case

    case = db.session.get(Case, event.case_id)
    return framework_of_case(case) if case is not None else None


def sentence_for(event, audience: str) -> str | None:
    """What another person's screen of `audience` says about `event`, or None (nothing to say)."""
    if audience != STAFF and _hidden_from_family(event):
        return None
    kind, _dot, change = event.kind.partition(".")
    name = event.actor_name
    titles = section_titles(_framework_of(event), every=True)
    section = titles.get(event.section or "", "")
    if event.kind == "meeting.ended":
        if audience == STAFF:
            return _("The meeting has ended")
        return _("The meeting has ended: do you agree with the plan?")
    if event.kind == "meeting.started":
        return _("The meeting has started")
    if event.kind == "section.locked":
        return _("%(section)s locked", section=section)
    if event.kind == "section.unlocked":
        return _("%(section)s unlocked", section=section)
    if event.kind == "safety_rating.given":
        return _("A new rating on the safety scale")
    if event.kind == "agreement.given":
        return _("%(name)s answered about the plan", name=name)
    if kind == "participant":
        status = (event.after or {}).get("status")
        if change == "joined" and status == "waiting":
            return _("%(name)s is waiting to be let in", name=name) if audience == STAFF else None
        if change in ("joined", "admitted") and status == "admitted":
            return _("%(name)s joined the meeting", name=_participant_name(event))
        return None
    if kind not in KINDS or not section:
        return None
    if change == "added" and KINDS[kind].mapped and event.section != KINDS[kind].section:
        # a strength or worry in a section of another framework than Signs of Safety
        return _("%(name)s added to “%(section)s”", name=name, section=section)
    if change == "added":
        return _added().get(kind, _("%(name)s changed %(section)s")) % {"name": name}
    if change in ("edited", "restored", "nudged", "made_confidential", "shared"):
        return _("%(name)s changed “%(section)s”", name=name, section=section)
    if change == "deleted":
        return _("%(name)s removed something from “%(section)s”", name=name, section=section)
    return None


def said_to_others(events, audiences) -> dict[str, list[dict]]:
    """The sentences a push of `events` carries, per audience: each with who made the change
    (`by`, their participant id), so their own screen, told by its answer, does not say it twice."""
    said: dict[str, list[dict]] = {audience: [] for audience in audiences}
    actors: dict[int, int | None] = {}
    for event in events:
        for audience in audiences:
            text = sentence_for(event, audience)
            lines = said[audience]
            if text and len(lines) < MOST and all(text != line["text"] for line in lines):
                if event.id not in actors:
                    actors[event.id] = _actor_participant(event)
                lines.append({"text": text, "by": actors[event.id]})
    return said


def _actor_participant(event) -> int | None:
    """Who made the change, as a participant of the meeting (staff changes name the account)."""
    if event.actor_participant_id is not None or event.actor_user_id is None:
        return event.actor_participant_id
    from fttm.meetings.models import Participant

    return db.session.scalar(
        sa.select(Participant.id).where(
            Participant.meeting_id == event.meeting_id, Participant.user_id == event.actor_user_id
        )
    )


def own_sentence(events) -> str:
    """What the sender's own screen says once their change is saved."""
    for event in events:
        if event.kind == "safety_rating.given":
            return _("You rated %(score)s", score=(event.after or {}).get("score"))
        if event.kind in ("section.locked", "section.unlocked", "meeting.ended"):
            return sentence_for(event, STAFF) or _("Saved")
        if event.kind == "meeting.started":
            return _("The meeting has started")
    return _("Saved")


def keep_own_sentence(events) -> None:
    """Remember, for this request's answer, what its sender's screen should say."""
    if has_request_context():
        g.fttm_said = own_sentence(events)


def add_said_header(response):
    """The answer to a change carries its sentence (URL-encoded: headers are Latin-1)."""
    said = g.get("fttm_said")
    if said and response.status_code < 400:
        response.headers[SAID_HEADER] = quote(said)
    return response
