"""The family's copy of a plan version: the plan in plain, child-centred words (seed 002), the
family's strengths first, with nothing confidential and no one's safety rating in it.

Everything here is read from the version's snapshot (what people agreed to), except the family
map, which is drawn as the family sees it now. Confidential means confidential when the version
was taken OR now: a person or item made confidential after the meeting leaves every copy printed
from then on, and someone confidential then stays out even if shared since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import get_locale
from markupsafe import Markup

from fttm.cases.models import Case
from fttm.core.registry import PART_KINDS, earlier_title, section_titles
from fttm.core.viewers import FAMILY
from fttm.extensions import db
from fttm.family_map.drawing import PersonStory, Told, figure, stories
from fttm.family_map.loading import load_map
from fttm.frameworks import EARLIER
from fttm.jurisdictions import Profile, profile
from fttm.languages import gettext as _
from fttm.meetings.models import Meeting, Participant
from fttm.plans.agreement import current_agreements
from fttm.plans.confidential import Hidden, hidden_from_family, map_without
from fttm.plans.models import (
    Agreement,
    AgreementResponse,
    Endorsement,
    EndorsementDecision,
    PlanVersion,
)
from fttm.plans.versions import framework_of_version

DONE = "done"
# The day, month in words and year, in the reader's language: "30 November 2026".
WRITTEN_DATE = "d MMMM y"


def written_date(day: date | None) -> str:
    """A date written out for a family: "30 November 2026" ("30 novembre 2026" in French)."""
    if day is None:
        return ""
    return format_date(day, format=WRITTEN_DATE, locale=str(get_locale() or "en"))


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day a moment falls on where the case is."""
    return moment.astimezone(zone).date()


def status_words() -> dict[str, str]:
    """Whether an action is done, in plain words."""
    return {
        "open": _("Not yet"),
        "in_progress": _("Started"),
        "done": _("Done"),
        "not_done": _("Not done"),
    }


def response_words() -> dict[str, str]:
    """Each answer to "do you agree with this plan?", in plain words."""
    return {
        AgreementResponse.AGREED.value: _("Agreed"),
        AgreementResponse.DISAGREED.value: _("Did not agree"),
        AgreementResponse.DID_NOT_TAKE_PART.value: _("Did not take part"),
    }


@dataclass(frozen=True)
class ActionRow:
    """One line of the actions table: what, who, by when, done or not."""

    what: str
    where_how: str
    who: str
    due: str
    due_on: str | None
    status: str
    done: bool


@dataclass(frozen=True)
class AgreementLine:
    """Who was asked to agree, and what they answered (their own words, if they gave any)."""

    name: str
    role: str
    response: str
    answer: str
    comment: str


@dataclass
class PlanForFamily:
    """Everything the family's copy of one plan version shows."""

    case: Case
    meeting: Meeting
    version: PlanVersion
    zone: ZoneInfo
    taken_on: str
    children: list[str]
    permanency_goal: str
    review_on: str  # "" when the profile leaves the review period out
    # The framework's mapping sections, in its copy order: each a `CopyPart`.
    mapping: list[CopyPart]
    plan_title: str  # "What needs to happen", or as the framework calls it
    goals: list[dict[str, Any]]
    actions: list[ActionRow]
    every_day: list[dict[str, Any]]
    if_then: list[dict[str, Any]]
    agreements: list[AgreementLine]
    endorsed_on: str | None
    genogram: Markup
    ecomap: Markup
    people_words: list[PersonStory] = field(default_factory=list)
    household_words: list[Told] = field(default_factory=list)


@dataclass
class CopyPart:
    """One mapping section on the family's copy: its heading there and its shared items."""

    key: str
    title: str
    items: list[dict[str, Any]]
    tone: str = ""  # "strengths" or "worries": the colour of its margin


TONES = {"strength": "strengths", "worry": "worries"}


def _mapping(snapshot: dict[str, Any], hidden: Hidden) -> list[CopyPart]:
    """The version's shared strengths and worries under the family's headings of its framework's
    sections (in its copy order); those written in a framework the case has left and that no
    section takes in come last, so that nothing written is left off."""
    framework = framework_of_version(snapshot)
    placed: dict[str, list[dict[str, Any]]] = {}
    for part, kind in PART_KINDS.items():
        for item in _shared(snapshot, part, hidden):
            told = {"text": item["text"], "about": _about(item, snapshot, hidden)}
            placed.setdefault(framework.place(item.get("section"), kind), []).append(told)
    parts = [
        CopyPart(key, section.copy_title(), placed.get(key, []), TONES[section.holds])
        for key in framework.copy_order
        if (section := framework.section(key)) is not None and section.copy_titles
    ]
    if placed.get(EARLIER):
        parts.append(CopyPart(EARLIER, earlier_title(), placed[EARLIER]))
    return parts


def _shared(snapshot: dict[str, Any], section: str, hidden: Hidden) -> list[dict[str, Any]]:
    """The section's items everyone may read: confidential ones, then or now, never leave the
    server for a family.
    """
    gone = hidden.items.get(section, frozenset())
    return [
        item
        for item in snapshot.get(section, [])
        if not item.get("confidential") and item["id"] not in gone
    ]


def _about(item: dict[str, Any], snapshot: dict[str, Any], hidden: Hidden) -> str:
    """The shared person a strength or worry is about, if any."""
    person = snapshot.get("people", {}).get(str(item.get("person_id")))
    return person["name"] if person and item.get("person_id") not in hidden.people else ""


def _who(item: dict[str, Any], hidden: Hidden) -> str:
    """Who does it; blank when that is someone confidential. The step itself stays: it is part of
    the plan the family agreed to (the board showed it to them the same way, with no one named).
    """
    who = item.get("who") or ""
    return "" if who in hidden.names else who


def _actions(snapshot: dict[str, Any], hidden: Hidden) -> list[ActionRow]:
    words = status_words()
    rows = []
    for item in _shared(snapshot, "actions", hidden):
        due_on = item.get("due_on")
        rows.append(
            ActionRow(
                what=item["what"],
                where_how=item.get("where_how") or "",
                who=_who(item, hidden),
                due=written_date(date.fromisoformat(due_on)) if due_on else "",
                due_on=due_on,
                status=words.get(item.get("status") or "open", item.get("status") or ""),
                done=item.get("status") == DONE,
            )
        )
    return rows


def _goals(snapshot: dict[str, Any], hidden: Hidden) -> list[dict[str, Any]]:
    """Shared goals, each with its shared objectives."""
    objectives = _shared(snapshot, "objectives", hidden)
    return [
        {"text": goal["text"], "objectives": [o for o in objectives if o["goal_id"] == goal["id"]]}
        for goal in _shared(snapshot, "goals", hidden)
    ]


def _safety(snapshot: dict[str, Any], kind: str, hidden: Hidden) -> list[dict[str, Any]]:
    return [
        {**step, "who": _who(step, hidden)}
        for step in _shared(snapshot, "safety_steps", hidden)
        if step.get("kind") == kind
    ]


def _agreements(version: PlanVersion, rules: Profile, hidden: Hidden) -> list[AgreementLine]:
    """Each person's latest answer, leaving out anyone the family may not know is on the map.

    A reason why someone did not take part is the facilitator's note, not the person's own
    words: it stays with staff.
    """
    answers = response_words()
    lines = []
    for agreement in current_agreements(version):
        if _is_hidden(agreement, hidden):
            continue
        own_words = agreement.response != AgreementResponse.DID_NOT_TAKE_PART
        lines.append(
            AgreementLine(
                name=agreement.name,
                role=_("Staff")
                if agreement.role == "staff"
                else rules.label("participant_roles", agreement.role),
                response=agreement.response.value,
                answer=answers[agreement.response.value],
                comment=(agreement.comment or "") if own_words else "",
            )
        )
    return lines


def _is_hidden(agreement: Agreement, hidden: Hidden) -> bool:
    if agreement.person_id in hidden.people or agreement.name in hidden.names:
        return True
    if agreement.participant_id is None:
        return False
    participant = db.session.get(Participant, agreement.participant_id)
    return participant is not None and participant.person_id in hidden.people


def latest_endorsement(version: PlanVersion) -> Endorsement | None:
    """The supervisor's most recent decision on the version, if any."""
    return db.session.scalar(
        sa.select(Endorsement)
        .where(Endorsement.plan_version_id == version.id)
        .order_by(Endorsement.decided_at.desc(), Endorsement.id.desc())
        .limit(1)
    )


def review_due_on(version: PlanVersion, rules: Profile) -> date | None:
    """When the plan is next reviewed: the profile's review period after the version's day (None
    when the profile leaves the period out)."""
    if rules.review_every_days is None:
        return None
    return rules.deadline(local_day(version.created_at, rules.zone), rules.review_every_days)


def plan_for_family(version: PlanVersion) -> PlanForFamily:
    """The family's copy of `version`: shared items only, the family map as the family sees it."""
    meeting = db.session.get(Meeting, version.meeting_id)
    case = meeting.case
    rules = profile(case.jurisdiction)
    snapshot = version.snapshot
    hidden = hidden_from_family(version, meeting)
    family_map = map_without(load_map(case.id, FAMILY, rules), hidden)
    people_words, household_words = stories(family_map, rules.today().year)
    endorsement = latest_endorsement(version)
    endorsed = endorsement is not None and endorsement.decision == EndorsementDecision.ENDORSED
    return PlanForFamily(
        case=case,
        meeting=meeting,
        version=version,
        zone=rules.zone,
        taken_on=written_date(local_day(version.created_at, rules.zone)),
        children=[p.name for p in family_map.people if p.is_focus_child],
        permanency_goal=rules.label("permanency_goals", case.permanency_goal),
        review_on=written_date(review) if (review := review_due_on(version, rules)) else "",
        mapping=_mapping(snapshot, hidden),
        plan_title=section_titles(framework_of_version(snapshot))["plan"],
        goals=_goals(snapshot, hidden),
        actions=_actions(snapshot, hidden),
        every_day=_safety(snapshot, "proactive", hidden),
        if_then=_safety(snapshot, "reactive", hidden),
        agreements=_agreements(version, rules, hidden),
        endorsed_on=(
            written_date(local_day(endorsement.decided_at, rules.zone)) if endorsed else None
        ),
        # The drawings escape every name and word they hold (fttm.family_map.svg).
        genogram=Markup(figure(meeting, FAMILY, "genogram", family_map=family_map)),  # noqa: S704
        ecomap=Markup(figure(meeting, FAMILY, "ecomap", family_map=family_map)),  # noqa: S704
        people_words=people_words,
        household_words=household_words,
    )
