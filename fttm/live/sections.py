"""The board's sections and what each shows, per audience. The same partial renders the first page,
an htmx response and a Socket.IO push; family renderings never contain confidential items.
"""

from __future__ import annotations

import functools
from collections import Counter

import sqlalchemy as sa
from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup, escape

from fttm.board.models import (
    Action,
    Goal,
    Note,
    Objective,
    SafetyRating,
    SafetyStep,
    SafetyStepKind,
    Strength,
    Worry,
)
from fttm.board.smart import smart_hints
from fttm.core.recorder import last_seq
from fttm.core.registry import LOCKABLE_SECTIONS, section_of, section_titles
from fttm.core.viewers import STAFF
from fttm.extensions import db
from fttm.family_map.models import Person, is_shareable, shareable_people
from fttm.family_map.sections import family_map_context
from fttm.frameworks import EARLIER, MAPPING_KEYS, SHAPES, framework_of_case
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.live import presence
from fttm.live.render_cache import render_cache
from fttm.meetings.invitations import join_details
from fttm.meetings.models import Meeting, MeetingStatus, Participant, ParticipantStatus
from fttm.meetings.phases import phase_context
from fttm.plans import agreement
from fttm.plans.versions import version_of_meeting

# Sections that offer the family map's people as choices ("about whom", "who does it", and on a
# staff screen "Let in … as who in the family map").
PEOPLE_SECTIONS = (*MAPPING_KEYS, EARLIER, "plan", "safety_plan", "participants")
# Kinds of item whose edit is sent to screens as that item alone (its section may be long, and
# the actions table repeats every "who" choice in each row), with the fields whose change moves
# the item elsewhere in its section: then the whole section is sent.
PUSHED_ALONE = {
    "strength": frozenset(),
    "worry": frozenset(),
    "note": frozenset(),
    "action": frozenset({"goal_id", "objective_id"}),
    "safety_step": frozenset({"kind"}),
}
# Kinds of item that, once added, are also sent alone: each shows in a plain list, in the order
# they were added, so screens put the new one in its list (other additions send the section).
ADDED_ALONE = ("strength", "worry", "safety_step")


def sent_alone(kind: str, change: str, fields) -> bool:
    """Whether a change ("added" or "edited", of these fields) to an item of this kind is sent to
    screens, and answered to its sender, as that item alone rather than its whole section.
    """
    if change == "added":
        return kind in ADDED_ALONE
    return change == "edited" and kind in PUSHED_ALONE and not PUSHED_ALONE[kind] & set(fields)


def _rows(model, meeting: Meeting, audience: str, *, deleted: bool = False, order=None) -> list:
    """Rows of the case for an audience: family renderings never load confidential rows."""
    query = sa.select(model).where(model.case_id == meeting.case_id)
    query = query.where(model.deleted_at.is_not(None) if deleted else model.deleted_at.is_(None))
    if audience != STAFF:
        query = query.where(model.confidential.is_(False))
    return db.session.scalars(query.order_by(*(order or (model.created_at, model.id)))).all()


def _people(meeting: Meeting) -> list[Person]:
    """The family map's people, for "about whom" and "who does it" choices."""
    return shareable_people(meeting.case_id)


def participants_of(meeting: Meeting) -> list[Participant]:
    """Everyone who joined this meeting, in joining order."""
    return db.session.scalars(
        sa.select(Participant)
        .where(Participant.meeting_id == meeting.id)
        .order_by(Participant.joined_at, Participant.id)
    ).all()


def _plan(meeting: Meeting, audience: str) -> dict:
    """Goals, their objectives, and the actions table grouped under them."""
    goals = _rows(Goal, meeting, audience, order=(Goal.position, Goal.id))
    objectives = _rows(Objective, meeting, audience, order=(Objective.position, Objective.id))
    actions = _rows(Action, meeting, audience, order=(Action.position, Action.id))
    return {
        "smart_hints": smart_hints,
        "goals": goals,
        "objectives": objectives,
        "actions": actions,
        "deleted": _rows(Action, meeting, audience, deleted=True) if audience == STAFF else [],
    }


def _safety_scale(meeting: Meeting, audience: str) -> dict:
    """How many rated and the spread; who gave which only for staff."""
    ratings = db.session.scalars(
        sa.select(SafetyRating).where(SafetyRating.meeting_id == meeting.id)
    ).all()
    spread = Counter(rating.score for rating in ratings)
    return {
        "ratings": ratings if audience == STAFF else [],
        "count": len(ratings),
        "spread": [spread.get(score, 0) for score in range(11)],
    }


def _mapped_rows(meeting: Meeting, name: str, audience: str, *, deleted: bool = False) -> list:
    """(kind, item) of the strengths and worries the board shows in mapping section `name` of
    its case's framework (or, for "earlier", those it has no section near to), oldest first."""
    framework = framework_of_case(meeting.case)
    # A section shows items of the kind it holds only; "earlier" may hold both.
    mapping = framework.section(name)
    kinds = SHAPES if mapping is None else (mapping.holds,)
    rows = []
    for kind, model in (("strength", Strength), ("worry", Worry)):
        if kind not in kinds:
            continue
        rows += [
            (kind, item)
            for item in _rows(model, meeting, audience, deleted=deleted)
            if framework.place(item.section, kind) == name
        ]
    return sorted(rows, key=lambda pair: (pair[1].created_at, pair[0], pair[1].id))


def _mapping_section(meeting: Meeting, name: str, audience: str) -> dict:
    """A mapping section: its framework's words for it, and the items shown in it."""
    framework = framework_of_case(meeting.case)
    gone = _mapped_rows(meeting, name, audience, deleted=True) if audience == STAFF else []
    return {
        "mapping": framework.section(name),
        "items": _mapped_rows(meeting, name, audience),
        "deleted": {kind: [item for k, item in gone if k == kind] for kind in SHAPES},
    }


def lockable_sections(meeting: Meeting) -> tuple[str, ...]:
    """The sections of the meeting's board the facilitator may lock."""
    board = framework_of_case(meeting.case).board_sections()
    return tuple(name for name in board if name in LOCKABLE_SECTIONS and name != EARLIER)


def section_context(meeting: Meeting, name: str, audience: str) -> dict:
    """What one section's template needs, loaded for one audience."""
    if name == EARLIER or name in framework_of_case(meeting.case).keys:
        return _mapping_section(meeting, name, audience)
    if name == "plan":
        return _plan(meeting, audience)
    if name == "family_map":
        return family_map_context(meeting, audience)
    if name == "safety_plan":
        steps = _rows(SafetyStep, meeting, audience, order=(SafetyStep.position, SafetyStep.id))
        return {
            "proactive": [s for s in steps if s.kind == SafetyStepKind.PROACTIVE],
            "reactive": [s for s in steps if s.kind == SafetyStepKind.REACTIVE],
        }
    if name == "safety_scale":
        return _safety_scale(meeting, audience)
    if name == "notes":
        notes = _rows(Note, meeting, audience)
        return {"items": [note for note in notes if note.meeting_id == meeting.id]}
    if name == "status":
        showing = meeting.status != MeetingStatus.ENDED and not meeting.join_details_hidden
        context = {
            "join": join_details(meeting) if showing else None,
            "lockable": lockable_sections(meeting),
            "section_titles": section_titles(framework_of_case(meeting.case)),
            "plan_version": None,
            **phase_context(meeting),  # the agenda's phase now (fttm/meetings/phases.py)
        }
        version = version_of_meeting(meeting.id)
        if version is not None:
            context["plan_version"] = version
            if audience == STAFF:
                context.update(agreement.panel_context(version), errors={}, form={})
        return context
    if name == "participants":
        everyone = participants_of(meeting)
        return {
            "online": presence.online(meeting.id),
            "admitted": [p for p in everyone if p.status == ParticipantStatus.ADMITTED],
            "waiting": [p for p in everyone if p.status == ParticipantStatus.WAITING]
            if audience == STAFF
            else [],
        }
    raise KeyError(name)


class WhoOptions:
    """The "who does it" <option>s of one rendering, built once and only marked per action.

    The actions table offers every participant, person and service in each row's select: built
    row by row in Jinja, that loop was a quarter of a push's rendering time. Each person is
    offered once: someone in the meeting who is also on the family map is offered as that person
    (a choice that outlives the meeting), among those in the meeting.
    """

    def __init__(self, present: list[Participant], people: list[Person], services) -> None:
        """`services`: the profile's services as (key, label) pairs in the reader's language, or
        a function giving them (asked in each language the options are rendered in)."""
        listed = {person.id: person for person in people}
        # participant id -> the family-map person they are, for those the lists show as such
        self.as_person = {p.id: listed[p.person_id] for p in present if p.person_id in listed}
        here = {person.id for person in self.as_person.values()}
        self.present = present
        self.people = [person for person in people if person.id not in here]
        self.services_of = services if callable(services) else (lambda: services)
        self.services: list[str] = []
        self.groups: list | None = None  # built when first asked: many pushes need none
        # language -> (groups, labels, undecided, services): one push renders in several
        self.built: dict[str, tuple] = {}
        self.named: tuple | None = None  # the options naming people, escaped once

    def _options_here(self) -> list[tuple[str, str]]:
        """Those in the meeting: each as their family-map person when they are on it (once, even
        if two phones said they were the same person).
        """
        options = []
        for participant in self.present:
            person = self.as_person.get(participant.id)
            if person is None:
                options.append((f"participant:{participant.id}", participant.display_name))
            elif (f"person:{person.id}", person.name) not in options:
                options.append((f"person:{person.id}", person.name))
        return options

    def _build(self) -> None:
        """Escape every option once, and the group labels and services once in each language."""
        language = str(get_locale())
        if language in self.built:
            self.groups, self.labels, self.undecided, self.services = self.built[language]
            return
        if self.named is None:  # the same in every language: who is here, who is on the map
            here = self._options_here()
            mapped = [(f"person:{p.id}", p.name) for p in self.people]
            self.named = (here, mapped, [_escaped(here), _escaped(mapped)])
        here, mapped, escaped = self.named
        self.services = [label for _key, label in self.services_of()]
        services = [(f"service:{label}", label) for label in self.services]
        labels = (_("In this meeting"), _("In the family map"), _("A service"))
        self.groups = list(zip(map(escape, labels), [*escaped, _escaped(services)], strict=True))
        self.labels = {value: text for value, text in (*here, *mapped, *services)}
        self.undecided = escape(_("Not decided yet"))
        self.built[language] = (self.groups, self.labels, self.undecided, self.services)

    def __call__(self, action=None) -> Markup:
        """The options, with this action's current "who" selected."""
        self._build()
        chosen = self._chosen(action)
        parts = [f'<option value="">{self.undecided}</option>\n']
        for label, options in self.groups:
            parts.append(f'<optgroup label="{label}">\n  ')
            parts.extend(
                f'<option value="{value}"{" selected" if value == chosen else ""}>{text}</option>'
                for value, text in options
            )
            service = action.who_service if action is not None else None
            if label is self.groups[-1][0] and service and service not in self.services:
                parts.append(f'\n  <option value="service:{escape(service)}" selected>')
                parts.append(f"{escape(service)}</option>")
            parts.append("\n</optgroup>\n")
        return Markup("".join(parts))  # noqa: S704 - every piece escaped above

    def _chosen(self, action) -> str | None:
        """The option value of an action's "who": a participant offered as their family-map
        person (chosen before they were linked to it) selects that person.
        """
        if action is not None and action.who_participant_id in self.as_person:
            return f"person:{self.as_person[action.who_participant_id].id}"
        return _chosen(action)

    def label_of(self, value: str) -> str:
        """What the list shows for an option's value ("person:8" is "Ana Rivera"), e.g. to tell
        someone what they chose; a value the list does not offer is shown as it is.
        """
        if not value:
            return _("Not decided yet")
        self._build()
        if value in self.labels:
            return self.labels[value]
        source, _sep, rest = value.partition(":")
        return rest if source == "service" and rest else value


def _escaped(options: list[tuple[str, str]]) -> list[tuple[Markup, Markup]]:
    """(value, text) options escaped for HTML."""
    return [(escape(value), escape(text)) for value, text in options]


def _chosen(action) -> str | None:
    """The option value of an action's "who" (participant, then person, then service)."""
    if action is None:
        return None
    if action.who_participant_id:
        return f"participant:{action.who_participant_id}"
    if action.who_person_id:
        return f"person:{action.who_person_id}"
    return f"service:{escape(action.who_service)}" if action.who_service else None


def _meeting_basics(meeting: Meeting) -> dict:
    """The meeting's own state every rendering reads: its profile, locks, whether it runs."""
    return {
        "meeting": meeting,
        "framework": framework_of_case(meeting.case),
        "profile": profile(meeting.case.jurisdiction),
        "locked": set(meeting.locked_sections or []),
        "read_only": meeting.status not in (MeetingStatus.OPEN, MeetingStatus.LIVE),
    }


def board_basics(meeting: Meeting, seq: int | None = None) -> dict:
    """What every section may refer to, the same for every audience: people, participants, the
    profile's vocabularies. Loaded once for a push to both audiences and, given the board's `seq`,
    kept for the rest of the request (the sender's answer) while the board stays at that number.
    """
    if seq is not None and (kept := render_cache().basics_at(meeting.id, seq)) is not None:
        return kept
    participants = participants_of(meeting)
    people = _people(meeting)  # shareable people only, whoever reads
    present = [p for p in participants if p.status == ParticipantStatus.ADMITTED]
    basics = _meeting_basics(meeting)
    services = functools.partial(basics["profile"].choices, "services")
    basics |= {
        "people": people,
        "people_by_id": {p.id: p for p in people},
        "participants_by_id": {p.id: p for p in participants},
        "present": present,
        "who_options_html": WhoOptions(present, people, services),
    }
    if seq is not None:
        render_cache().keep_basics(meeting.id, seq, basics)
    return basics


def shared_context(meeting: Meeting, audience: str, basics: dict | None = None) -> dict:
    """What every section may refer to, for one audience (`basics`: `board_basics`, if loaded)."""
    return {
        **(basics if basics is not None else board_basics(meeting)),
        "audience": audience,
        "is_staff": audience == STAFF,
    }


def _pushed_rendering(meeting: Meeting, name: str, audience: str) -> Markup | None:
    """The section as this request just pushed it to the audience, if the board has not changed
    since: the sender's answer is then the same HTML, not rendered a second time.
    """
    cache = render_cache()
    if not cache.has_section(meeting.id, audience, name):
        return None
    return cache.section_at(meeting.id, audience, name, last_seq(meeting.case_id))


def render_section(
    meeting: Meeting,
    name: str,
    audience: str,
    *,
    shared: dict | None = None,
    basics: dict | None = None,
    **extra,
) -> Markup:
    """One section's HTML for one audience (our own template's output, so safe to embed);
    `shared` is `shared_context` and `basics` `board_basics`, when the caller has them.
    """
    # Section templates do not read `viewer`: with nothing else asked, a push's HTML will do.
    if shared is None and not set(extra) - {"viewer"}:
        pushed = _pushed_rendering(meeting, name, audience)
        if pushed is not None:
            return pushed
    html = render_template(
        section_template(name, framework_of_case(meeting.case)),
        section=name,
        **(shared if shared is not None else shared_context(meeting, audience, basics)),
        **section_context(meeting, name, audience),
        **extra,
    )
    return Markup(html)  # noqa: S704 - a rendered template, escaped by Jinja already


def section_template(name: str, framework) -> str:
    """The template of a section: every framework's mapping sections share one."""
    if name == EARLIER or name in framework.keys:
        return "board/sections/mapping.html"
    return f"board/sections/{name}.html"


def render_sections(
    meeting: Meeting, names, audience: str, *, basics: dict | None = None, **extra
) -> dict[str, str]:
    """Several sections' HTML for one audience, by name (what they share is loaded once); a
    section of another framework than the case's is not on its board and is left out."""
    shared = shared_context(meeting, audience, basics)
    on_board = {"status", *shared["framework"].board_sections()}
    return {
        name: render_section(meeting, name, audience, shared=shared, **extra)
        for name in names
        if name in on_board
    }


def item_basics(meeting: Meeting, kind: str, item, seq: int | None = None) -> dict:
    """What one item's template refers to, loaded for that item alone: the participant and the
    person it names (as the whole board would show them). An action row offers every "who"
    choice, so it gets the whole board's `board_basics`.
    """
    if kind == "action":
        return board_basics(meeting, seq)
    named = ("created_by_participant_id", "who_participant_id")
    participant_ids = {getattr(item, name, None) for name in named} - {None}
    person_ids = {getattr(item, name, None) for name in ("person_id", "who_person_id")} - {None}
    participants = db.session.scalars(
        sa.select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.id.in_(participant_ids)
        )
    ).all()
    people = [db.session.get(Person, person_id) for person_id in person_ids]
    people = [person for person in people if is_shareable(person, meeting.case_id)]
    basics = _meeting_basics(meeting)
    return basics | {
        "people": people,
        "people_by_id": {p.id: p for p in people},
        "participants_by_id": {p.id: p for p in participants},
    }


def render_item(meeting: Meeting, kind: str, item, audience: str, *, basics: dict | None = None):
    """One item's HTML for one audience, exactly as its section shows it (`basics`: what
    `item_basics` loaded for it).
    """
    section = section_of(kind, meeting, item=item)
    html = render_template(
        "board/item.html",
        kind=kind,
        item=item,
        section=section,
        mapping=framework_of_case(meeting.case).section(section),
        smart_hints=smart_hints,
        **shared_context(meeting, audience, basics or item_basics(meeting, kind, item)),
    )
    return Markup(html.strip())  # noqa: S704 - a rendered template, escaped by Jinja already


def item_list_id(kind: str, item, meeting: Meeting) -> str | None:
    """The id of the list a screen puts this item in when it does not show it yet (None: none)."""
    if kind not in ADDED_ALONE:
        return None
    if kind == "safety_step":
        return f"items-{item.kind.value}"
    return f"items-{section_of(kind, meeting, item=item)}"


def item_element_id(kind: str, item_id: int) -> str:
    """The id of an item's element on the board page."""
    return f"{kind}-{item_id}"
