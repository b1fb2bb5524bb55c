"""Agreeing to a plan version: each participant on their phone, or the facilitator recording
agreement given in person and why a parent did not take part. Every answer is kept, timestamped
and attributed; the latest answer of each person is the one that counts.

A parent who was in the meeting answers for themselves: until they do, they are still to answer,
not absent. Only a parent who never took part (not let in, or removed) needs a recorded reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fttm.auth.models import User
from fttm.cases.models import Case
from fttm.core.recorder import Actor, change, replayed_row, snapshot
from fttm.core.rows import require_admitted
from fttm.core.viewers import Viewer
from fttm.errors import Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.family_map.models import Person, plan_family
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings.models import MeetingStatus, Participant, ParticipantStatus
from fttm.plans.models import Agreement, AgreementResponse, PlanVersion
from fttm.plans.versions import latest_version

COMMENT_MAX = 1000
NAME_MAX = 120
FIELDS = ("name", "role", "response", "comment")
RESPONSE_LABELS = {
    AgreementResponse.AGREED: _l("Agreed"),
    AgreementResponse.DISAGREED: _l("Did not agree"),
    AgreementResponse.DID_NOT_TAKE_PART: _l("Did not take part"),
}
PARENT_ROLE = "parent"


def _whose(agreement: Agreement) -> tuple:
    """One person's answers share this key: their participant, else their family-map person,
    else their name (someone recorded in person who is on neither)."""
    if agreement.participant_id is not None:
        return ("participant", agreement.participant_id)
    if agreement.person_id is not None:
        return ("person", agreement.person_id)
    return ("name", agreement.name.casefold())


def current_agreements(version: PlanVersion) -> list[Agreement]:
    """Each person's latest answer to the version, in the order people first answered."""
    answers = db.session.scalars(
        sa.select(Agreement)
        .where(Agreement.plan_version_id == version.id)
        .order_by(Agreement.recorded_at, Agreement.id)
    ).all()
    latest: dict[tuple, Agreement] = {}
    for answer in answers:
        latest.pop(_whose(answer), None)
        latest[_whose(answer)] = answer
    return sorted(latest.values(), key=lambda a: (a.recorded_at, a.id))


@dataclass
class Answerer:
    """Someone whose answer the plan waits for: a participant, or a parent on the family map."""

    key: str
    name: str
    role: str
    is_parent: bool
    participant: Participant | None = None
    person: Person | None = None
    answer: Agreement | None = None

    @property
    def explained(self) -> bool:
        """Whether the plan has this person's answer, or the reason they did not give one."""
        return self.answer is not None

    @property
    def took_part(self) -> bool:
        """Whether they were let into the meeting (and not removed): they answer themselves."""
        return self.participant is not None


def answerers(version: PlanVersion) -> list[Answerer]:
    """Everyone asked to agree: the meeting's participants who joined by phone, the parents of
    the focus child (who must have an answer or a reason), and anyone recorded in person."""
    participants = db.session.scalars(
        sa.select(Participant)
        .where(
            Participant.meeting_id == version.meeting_id,
            Participant.status == ParticipantStatus.ADMITTED,
            Participant.user_id.is_(None),
        )
        .order_by(Participant.joined_at, Participant.id)
    ).all()
    parents = plan_family(version.case_id).parents
    parent_ids = {p.id for p in parents}
    answers = {_whose(a): a for a in current_agreements(version)}
    rows: list[Answerer] = []
    for participant in participants:
        rows.append(
            Answerer(
                key=f"participant:{participant.id}",
                name=participant.display_name,
                role=participant.role,
                is_parent=participant.role == PARENT_ROLE or participant.person_id in parent_ids,
                participant=participant,
                answer=answers.pop(("participant", participant.id), None),
            )
        )
    linked = {p.person_id for p in participants if p.person_id}
    for parent in parents:
        if parent.id in linked or parent.confidential:
            continue
        rows.append(
            Answerer(
                key=f"person:{parent.id}",
                name=parent.name,
                role=PARENT_ROLE,
                is_parent=True,
                person=parent,
                answer=answers.pop(("person", parent.id), None),
            )
        )
    for answer in answers.values():  # people recorded in person who are on neither list
        rows.append(
            Answerer(
                key=f"answer:{answer.id}",
                name=answer.name,
                role=answer.role,
                is_parent=answer.role == PARENT_ROLE,
                answer=answer,
            )
        )
    return rows


def unexplained_parents(version: PlanVersion, rows: list[Answerer] | None = None) -> list[Answerer]:
    """Parents who did not take part (never let into the meeting, or removed from it) and whose
    reason is not recorded: the case plan must say why. `rows`: `answerers`, if loaded.
    """
    rows = answerers(version) if rows is None else rows
    return [row for row in rows if row.is_parent and not row.took_part and not row.explained]


def pending_parents(version: PlanVersion, rows: list[Answerer] | None = None) -> list[Answerer]:
    """Parents who were in the meeting and have not answered yet: still to answer, on their
    phone or in person, not absent. `rows`: `answerers`, if loaded.
    """
    rows = answerers(version) if rows is None else rows
    return [row for row in rows if row.is_parent and row.took_part and not row.explained]


def is_endorsed(version: PlanVersion) -> bool:
    """Whether the supervisor's latest decision on the version is to endorse it."""
    return version.decision is not None and version.decision.decision == "endorsed"


def _still_open(version: PlanVersion) -> None:
    """Answers are for the case's newest version, until a supervisor has endorsed it."""
    newest = latest_version(version.case_id)
    if newest is not None and newest.id != version.id:
        raise NotAllowed(_("This plan was replaced by version %(number)d.", number=newest.number))
    if is_endorsed(version):
        raise NotAllowed(_("This plan is endorsed: its answers can no longer change."))


def _clean_comment(comment: str | None, field: str = "comment") -> str | None:
    """The comment without extra spaces, or None; Invalid when too long."""
    text = " ".join((comment or "").split())
    if len(text) > COMMENT_MAX:
        raise Invalid({field: _("Use at most %(count)d characters.", count=COMMENT_MAX)})
    return text or None


def _record(version: PlanVersion, actor: Actor, kind: str, key: str | None, **fields) -> Agreement:
    """Save one answer with its transcript event; a retry with the same key saves nothing new."""

    def of_this_version(row: Agreement) -> bool:
        return row.plan_version_id == version.id

    if (done := replayed_row(version.case_id, key, actor, Agreement, of_this_version)) is not None:
        return done
    with change(
        version.case_id, actor, meeting_id=version.meeting_id, idempotency_key=key
    ) as current:
        agreement = Agreement(plan_version_id=version.id, **fields)
        db.session.add(agreement)
        db.session.flush()
        current.record(kind, agreement, after=snapshot(agreement, FIELDS), section="agreement")
    return agreement


def answer(
    viewer: Viewer,
    version: PlanVersion,
    response: str,
    comment: str | None = None,
    *,
    key: str | None = None,
) -> Agreement:
    """A participant says on their phone whether they agree with the plan, with a comment."""
    if viewer.is_staff:
        raise NotAllowed(_("Staff record answers given in person on the plan's page."))
    if version.meeting_id != viewer.meeting.id:
        raise NotFound("another meeting's plan")
    if viewer.meeting.status != MeetingStatus.ENDED:
        raise NotAllowed(_("You can answer once the meeting has ended."))
    require_admitted(viewer)
    _still_open(version)
    if response not in (AgreementResponse.AGREED, AgreementResponse.DISAGREED):
        raise Invalid({"response": _("Choose whether you agree with the plan.")})
    text = _clean_comment(comment)
    participant = viewer.participant
    return _record(
        version,
        viewer.actor,
        "agreement.given",
        key,
        participant_id=participant.id,
        person_id=participant.person_id,
        name=participant.display_name,
        role=participant.role,
        response=AgreementResponse(response),
        comment=text,
    )


def record_in_person(
    user: User,
    version: PlanVersion,
    *,
    who: str,
    response: str,
    comment: str | None = None,
    name: str = "",
    role: str = "",
    key: str | None = None,
) -> Agreement:
    """The facilitator records an answer given in person, or why someone (above all a parent)
    did not take part. `who` is an answerer's key, or "other" with a name and role.
    """
    case = db.session.get(Case, version.case_id)
    if not user.is_staff_of_cases or user.team_id != case.team_id:
        raise NotFound("case of another team")
    _still_open(version)
    errors: dict[str, str] = {}
    rows = {row.key: row for row in answerers(version)}
    fields: dict = {"recorded_by_user_id": user.id}
    if who == "other":
        name = " ".join((name or "").split())
        if not name:
            errors["name"] = _("Enter the person's name.")
        elif len(name) > NAME_MAX:
            errors["name"] = _("Use at most %(count)d characters.", count=NAME_MAX)
        if not profile(case.jurisdiction).has("participant_roles", role):
            errors["role"] = _("Choose who they are in the family team.")
        fields.update(name=name, role=role)
    elif who in rows:
        row = rows[who]
        fields.update(
            name=row.name,
            role=row.role,
            participant_id=row.participant.id if row.participant else None,
            person_id=row.person.id if row.person else getattr(row.participant, "person_id", None),
        )
    else:
        errors["who"] = _("Choose whose answer this is.")
    if response not in {r.value for r in AgreementResponse}:
        errors["response"] = _("Choose their answer.")
    try:
        text = _clean_comment(comment)
    except Invalid as error:
        errors.update(error.errors)
        text = None
    if response == AgreementResponse.DID_NOT_TAKE_PART and not text:
        errors["comment"] = _("Say why they did not take part; the case plan must record it.")
    if errors:
        raise Invalid(errors)
    return _record(
        version,
        Actor.for_user(user),
        "agreement.recorded",
        key,
        response=AgreementResponse(response),
        comment=text,
        **fields,
    )


def panel_context(version: PlanVersion) -> dict:
    """What the staff's agreement panel (plans/parts/agreements.html) shows."""
    rules = profile(db.session.get(Case, version.case_id).jurisdiction)
    rows = answerers(version)
    return {
        "version": version,
        "newest": latest_version(version.case_id),
        "answerers": rows,
        "absent_parents": unexplained_parents(version, rows),
        "pending_parents": pending_parents(version, rows),
        "response_labels": RESPONSE_LABELS,
        "role_choices": rules.choices("participant_roles"),
        "role_label": lambda key: rules.label("participant_roles", key),
        "agreement_zone": rules.zone,
        "endorsed": is_endorsed(version),
    }
