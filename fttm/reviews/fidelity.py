"""Fidelity indicators of an ended meeting, after seed 003's documentation measures (MiTEAM),
computed from what the app recorded: the meeting's transcript for who contributed, its plan
version for what the plan says, the case's dates and profile for the timeframe.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from fttm.board.smart import MIN_WORDS, VAGUE
from fttm.cases.models import Case
from fttm.extensions import db
from fttm.family_map.models import Person
from fttm.jurisdictions import Profile, profile
from fttm.languages import gettext as _
from fttm.languages import ngettext
from fttm.meetings.models import Meeting, MeetingPurpose, MeetingStatus, ParticipantStatus
from fttm.plans.versions import version_of_meeting
from fttm.templating import local_date, local_list
from fttm.transcript.models import TranscriptEvent

# What counts as a suggestion: adding or editing something the team writes together. The
# facilitator's running notes are left out: only staff can write them, so they would count
# against the family for the facilitator doing their job; nudging the genogram is layout.
SUGGESTION_ITEMS = frozenset(
    {"strength", "worry", "goal", "objective", "action", "safety_step"}
    | {"person", "relationship", "ecomap_connection", "household"}
)
SUGGESTION_VERBS = frozenset({"added", "edited"})
# A safety rating is not a suggestion, but it is someone's input ("inquires about the
# individual's perspective on the child's safety"), so it counts as taking part.
RATING = "safety_rating.given"
YOUNG_PERSON_ROLE = "young_person"

# The family's share of items and edits that meets "the family's suggestions are documented".
# Seed 003 asks that the family's words be documented, not that they outnumber everyone else's:
# a third leaves room for the facilitator and the providers while showing the family was a real
# voice; less means the plan was mostly written about the family rather than with them.
FAMILY_SHARE_MIN = (1, 3)
# The share of admitted team members (staff aside) who added, edited or rated something
# themselves. The seed asks the worker to seek every member's input, but some speak while the
# facilitator types for them, so half of them writing themselves is taken as input being sought.
TEAM_INPUT_SHARE_MIN = (1, 2)
# Seed 003: "include age/developmentally appropriate children in the planning process", with no
# age. We expect the focus child at the table from 12: old enough to speak to their own plan,
# and below the 14 from which US federal law requires the youth to be consulted on it. For a
# younger child, taking part is the worker's judgement, so the indicator does not apply. The
# family map keeps birth years only: the age is the meeting's year minus the birth year.
YOUNG_PERSON_MIN_AGE = 12

KEYS = (
    "family_voice",
    "team_input",
    "specific_actions",
    "safety_plan",
    "young_person",
    "timeframe",
    "planned_in_meeting",
    "family_time",
)


def labels() -> dict[str, tuple[str, str]]:
    """Each indicator's label (seed 003's wording) and its short name, in the reader's language."""
    return {
        "family_voice": (
            _("The family's suggestions and comments are documented"),
            _("Family's suggestions"),
        ),
        "team_input": (
            _("Team members' suggestions and comments are documented"),
            _("Team's input"),
        ),
        "specific_actions": (
            _("Every action is behaviourally specific, with a who and a by-when"),
            _("Specific actions"),
        ),
        "safety_plan": (
            _("The safety plan has both proactive and reactive steps"),
            _("Safety plan"),
        ),
        "young_person": (_("The young person takes part in planning"), _("Young person")),
        "timeframe": (_("The team meets within the required timeframe"), _("Timeframe")),
        "planned_in_meeting": (
            _("The plan's actions are written during the meeting's planning, not before it"),
            _("Planned in the meeting"),
        ),
        "family_time": (
            _("There is time for the family's own planning"),
            _("Family's own time"),
        ),
    }


@dataclass(frozen=True)
class Indicator:
    """One measure of one meeting: met (True), not met (False) or not applicable (None)."""

    key: str
    met: bool | None
    figures: str
    explanation: str
    details: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """What the indicator measures, in seed 003's words."""
        return labels()[self.key][0]

    @property
    def short_label(self) -> str:
        """A few words for a table heading."""
        return labels()[self.key][1]


@dataclass(frozen=True)
class MeetingFidelity:
    """The indicators of one ended meeting."""

    meeting: Meeting
    held_on: date
    indicators: tuple[Indicator, ...]

    @property
    def applicable(self) -> int:
        """How many indicators apply to this meeting."""
        return sum(1 for i in self.indicators if i.met is not None)

    @property
    def met(self) -> int:
        """How many of them are met."""
        return sum(1 for i in self.indicators if i.met)

    def get(self, key: str) -> Indicator:
        """The indicator called `key`."""
        return next(i for i in self.indicators if i.key == key)


@dataclass(frozen=True)
class IndicatorTotal:
    """One indicator summed over a team's meetings."""

    key: str
    met: int
    applicable: int

    @property
    def label(self) -> str:
        """What the indicator measures."""
        return labels()[self.key][0]


@dataclass(frozen=True)
class TeamFidelity:
    """A team's ended meetings in a period, each with its indicators, and the sums."""

    since: date | None
    meetings: tuple[MeetingFidelity, ...]
    totals: tuple[IndicatorTotal, ...]


@dataclass(frozen=True)
class _Record:
    """What the transcript says about who took part: suggestions by kind of author, per person."""

    by_side: Counter
    by_participant: Counter


def meeting_fidelity(meeting: Meeting) -> MeetingFidelity:
    """Every indicator of an ended meeting."""
    if meeting.status != MeetingStatus.ENDED:
        raise ValueError("fidelity is measured once a meeting has ended")
    rules = profile(meeting.case.jurisdiction)
    version = version_of_meeting(meeting.id)
    plan = version.snapshot if version else {}
    record = _record(meeting, rules)
    from fttm.reviews import agenda_fidelity  # it builds on the Indicator above

    return MeetingFidelity(
        meeting,
        _held_on(meeting, rules),
        (
            _family_voice(record),
            _team_input(meeting, record),
            _specific_actions(plan.get("actions", [])),
            _safety_plan(plan.get("safety_steps", [])),
            _young_person(meeting, record, rules),
            _timeframe(meeting, rules),
            agenda_fidelity.planned_in_the_meeting(meeting),
            agenda_fidelity.family_planning_time(meeting),
        ),
    )


def _record(meeting: Meeting, rules: Profile) -> _Record:
    """Count the meeting's suggestions by the family, other team members and staff."""
    family = {option.key for option in rules.options("participant_roles") if option.family}
    by_side: Counter = Counter()
    by_participant: Counter = Counter()
    events = db.session.scalars(
        sa.select(TranscriptEvent).where(TranscriptEvent.meeting_id == meeting.id)
    )
    for event in events:
        item, _sep, verb = event.kind.rpartition(".")
        suggestion = item in SUGGESTION_ITEMS and verb in SUGGESTION_VERBS
        if not suggestion and event.kind != RATING:
            continue
        if event.actor_participant_id is not None:
            by_participant[event.actor_participant_id] += 1
        if suggestion:
            if event.actor_user_id is not None:
                by_side["staff"] += 1
            else:
                by_side["family" if event.actor_role in family else "team"] += 1
    return _Record(by_side, by_participant)


def _family_voice(record: _Record) -> Indicator:
    """Items added and edits made from family members' own phones, against everyone's."""
    family, team, staff = (record.by_side[side] for side in ("family", "team", "staff"))
    total = family + team + staff
    wanted, of = FAMILY_SHARE_MIN
    figures = ngettext(
        "%(family)d of %(num)d item or edit came from the family "
        "(%(team)d from other team members, %(staff)d from staff).",
        "%(family)d of %(num)d items and edits came from the family "
        "(%(team)d from other team members, %(staff)d from staff).",
        total,
        family=family,
        team=team,
        staff=staff,
    )
    return Indicator(
        "family_voice",
        total > 0 and family * of >= total * wanted,
        figures if total else _("Nothing was added or edited in this meeting."),
        _(
            "Met when at least a third of the items added and edits made in the meeting come "
            "from the parents, the young person, relatives and friends themselves."
        ),
    )


def _team_input(meeting: Meeting, record: _Record) -> Indicator:
    """How many of the admitted team members (staff aside) added, edited or rated something."""
    members = [
        p
        for p in meeting.participants
        if p.status == ParticipantStatus.ADMITTED and p.user_id is None
    ]
    silent = [p.display_name for p in members if not record.by_participant[p.id]]
    contributed = len(members) - len(silent)
    wanted, of = TEAM_INPUT_SHARE_MIN
    if members:
        figures = ngettext(
            "%(done)d of %(num)d team member added, edited or rated something.",
            "%(done)d of %(num)d team members added, edited or rated something.",
            len(members),
            done=contributed,
        )
    else:
        figures = _("Nobody besides staff was admitted to the meeting.")
    return Indicator(
        "team_input",
        bool(members) and contributed * of >= len(members) * wanted,
        figures,
        _(
            "Met when at least half of the people admitted to the meeting, staff aside, added, "
            "edited or rated something themselves."
        ),
        tuple(_("No input from %(name)s", name=name) for name in silent),
    )


def _lacks(action: dict) -> list[str]:
    """What an action of the plan version is missing to be behaviourally specific."""
    missing = []
    what = action.get("what") or ""
    if len(what.split()) < MIN_WORDS or VAGUE.search(what):
        missing.append(_("exactly what will be done"))
    if not action.get("who"):
        missing.append(_("who"))
    if not action.get("due_on"):
        missing.append(_("by when"))
    return missing


def _specific_actions(actions: list[dict]) -> Indicator:
    """Count the plan's actions that say exactly what, who and by when; name the others."""
    vague = [(action, _lacks(action)) for action in actions]
    vague = [(action, missing) for action, missing in vague if missing]
    if actions:
        figures = ngettext(
            "%(specific)d of %(num)d action is specific, with a who and a by-when.",
            "%(specific)d of %(num)d actions are specific, with a who and a by-when.",
            len(actions),
            specific=len(actions) - len(vague),
        )
    else:
        figures = _("The plan has no actions.")
    return Indicator(
        "specific_actions",
        bool(actions) and not vague,
        figures,
        _(
            "Met when the plan has actions and every one says exactly what will be done (in "
            "words anyone can check, not “try to” or “work on”), who does it and by when."
        ),
        tuple(
            _("“%(what)s” lacks: %(missing)s", what=action.get("what"), missing=local_list(missing))
            for action, missing in vague
        ),
    )


def _safety_plan(steps: list[dict]) -> Indicator:
    """A safety plan, if there is one, needs a proactive and a reactive step."""
    kinds = Counter(step.get("kind") for step in steps)
    proactive, reactive = kinds["proactive"], kinds["reactive"]
    figures = _(
        "%(proactive)d proactive and %(reactive)d reactive steps.",
        proactive=proactive,
        reactive=reactive,
    )
    return Indicator(
        "safety_plan",
        None if not steps else proactive > 0 and reactive > 0,
        figures if steps else _("No safety plan was written: this does not apply."),
        _(
            "When there is a safety plan, met when it has at least one proactive step (what "
            "keeps the child safe) and one reactive step (what we do if something happens)."
        ),
    )


def _focus_ages(meeting: Meeting, year: int) -> list[int | None]:
    """The age of each focus child on the family map in `year` (None where unknown)."""
    children = db.session.scalars(
        sa.select(Person).where(
            Person.case_id == meeting.case_id,
            Person.is_focus_child.is_(True),
            Person.deleted_at.is_(None),
        )
    )
    return [year - child.birth_year if child.birth_year else None for child in children]


def _young_person(meeting: Meeting, record: _Record, rules: Profile) -> Indicator:
    """A young person admitted who added, edited or rated something; not for young children."""
    young = [
        p
        for p in meeting.participants
        if p.role == YOUNG_PERSON_ROLE and p.status == ParticipantStatus.ADMITTED
    ]
    took_part = [p for p in young if record.by_participant[p.id]]
    ages = _focus_ages(meeting, _held_on(meeting, rules).year)
    explanation = _(
        "Met when a young person was admitted to the meeting and added, edited or rated "
        "something. It does not apply when every focus child on the family map is under "
        "%(age)d; record their birth year there so it can tell.",
        age=YOUNG_PERSON_MIN_AGE,
    )
    if took_part:
        names = local_list(p.display_name for p in took_part)
        return Indicator("young_person", True, _("%(names)s took part.", names=names), explanation)
    if ages and None not in ages and max(ages) < YOUNG_PERSON_MIN_AGE:
        figures = _(
            "The oldest focus child is about %(age)d: under %(min)d, this does not apply.",
            age=max(ages),
            min=YOUNG_PERSON_MIN_AGE,
        )
        return Indicator("young_person", None, figures, explanation)
    if young:
        figures = _("A young person joined but added, edited or rated nothing.")
    else:
        figures = _("No young person was admitted to the meeting.")
    if not ages or None in ages:
        figures += " " + _("The focus child's age is not on the family map.")
    return Indicator("young_person", False, figures, explanation)


def _held_on(meeting: Meeting, rules: Profile) -> date:
    """The day the meeting made its plan (the day it ended), where the case is."""
    return (meeting.ended_at or meeting.scheduled_at).astimezone(rules.zone).date()


def _plan_due(case: Case, rules: Profile) -> tuple[date, str] | None:
    """The initial plan's deadline and the date it counts from, from the case's dates."""
    if rules.plan_due is None:
        return None
    dates = {"substantiation": case.substantiation_date, "placement": case.placement_date}
    for anchor in rules.plan_due.anchors:
        if dates.get(anchor) is not None:
            return rules.deadline(dates[anchor], rules.plan_due.days), anchor
    return None


def _previous_plan(meeting: Meeting, rules: Profile) -> date | None:
    """The day the case's plan before this meeting's was made (its meeting's end), if any."""
    earlier = [
        m.ended_at
        for m in meeting.case.meetings
        if m.id != meeting.id
        and m.status == MeetingStatus.ENDED
        and m.ended_at is not None
        and m.ended_at < meeting.ended_at
    ]
    return max(earlier).astimezone(rules.zone).date() if earlier else None


def _timeframe(meeting: Meeting, rules: Profile) -> Indicator:
    """An initial plan by the profile's plan deadline; a review within the review interval."""
    held = _held_on(meeting, rules)
    if rules.plan_due is None or rules.review_every_days is None:
        explanation = _(
            "An initial case plan meeting meets it when held by the profile's plan deadline; a "
            "review when held within the profile's review interval. This case's profile leaves "
            "out a timeframe it found no source for: no meeting is measured against it."
        )
    else:
        explanation = _(
            "An initial case plan meeting meets it when held by the profile's plan deadline "
            "(%(days)d days from the case's dates); a review when held within %(every)d days of "
            "the plan before it. Other meetings have no timeframe here.",
            days=rules.plan_due.days,
            every=rules.review_every_days,
        )
    due, since = None, None
    if meeting.purpose == MeetingPurpose.INITIAL_PLAN and (found := _plan_due(meeting.case, rules)):
        due, anchor = found
        names = {"placement": _("placement"), "substantiation": _("substantiation")}
        since = names.get(anchor, anchor)
    elif meeting.purpose == MeetingPurpose.REVIEW_90_DAY and rules.review_every_days:
        before = _previous_plan(meeting, rules)
        if before is not None:
            due = rules.deadline(before, rules.review_every_days)
            since = _("the plan of %(date)s", date=local_date(before))
    if due is None:
        if _left_out_for(meeting.purpose, rules):
            figures = _("The profile sets no timeframe for this: it found no source for one.")
        elif meeting.purpose == MeetingPurpose.REVIEW_90_DAY:
            figures = _("There is no earlier plan to count from: this does not apply.")
        else:
            figures = _("No timeframe applies to this kind of meeting.")
        return Indicator("timeframe", None, figures, explanation)
    figures = _(
        "Held on %(held)s; due by %(due)s (counted from %(since)s).",
        held=local_date(held),
        due=local_date(due),
        since=since,
    )
    return Indicator("timeframe", held <= due, figures, explanation)


def _left_out_for(purpose: MeetingPurpose, rules: Profile) -> bool:
    """Whether the profile leaves out the timeframe a meeting of this purpose is measured by."""
    if purpose == MeetingPurpose.INITIAL_PLAN:
        return rules.plan_due is None
    return purpose == MeetingPurpose.REVIEW_90_DAY and rules.review_every_days is None


def team_fidelity(team_id: int, since: date | None) -> TeamFidelity:
    """The indicators of the team's meetings that ended on or after `since` (all if None)."""
    meetings = db.session.scalars(
        sa.select(Meeting)
        .join(Case, Meeting.case_id == Case.id)
        .where(Case.team_id == team_id, Meeting.status == MeetingStatus.ENDED)
        .order_by(Meeting.ended_at.desc(), Meeting.id.desc())
    ).all()
    results = tuple(
        meeting_fidelity(m)
        for m in meetings
        if since is None or _held_on(m, profile(m.case.jurisdiction)) >= since
    )
    totals = tuple(
        IndicatorTotal(
            key,
            met=sum(1 for r in results if r.get(key).met),
            applicable=sum(1 for r in results if r.get(key).met is not None),
        )
        for key in KEYS
    )
    return TeamFidelity(since, results, totals)
