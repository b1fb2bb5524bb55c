"""Transcript events told as sentences a supervisor reads: "Maria (Parent) added a strength: “…”".

A sentence names things as they were when the event happened (an action renamed later is
called by its name of the time), so a `World` walks the case's events in order beside them.
Unknown kinds of event get a plain generic sentence: telling never fails.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from fttm.core.registry import KINDS, PART_KINDS, section_titles
from fttm.extensions import db
from fttm.family_map.drawing import relation_words
from fttm.family_map.ecomap import flow_choices, strength_words
from fttm.family_time.sentences import tell as family_time_sentence
from fttm.frameworks import Framework, framework_named, framework_of_case
from fttm.jurisdictions import Profile, phase_name, profile
from fttm.languages import gettext as _
from fttm.meetings.models import PURPOSE_LABELS, Meeting, Participant
from fttm.templating import local_date, local_datetime
from fttm.transcript.models import TranscriptEvent
from fttm.transcript.replay import ReplayedBoard, apply, current_board
from fttm.transcript.vocabulary import field_names, item_nouns, word_lists
from fttm.voices.models import AbsentVoice

logger = logging.getLogger(__name__)
TITLES = {"action": "what", "person": "name", "household": "name"}
TITLES |= {"ecomap_connection": "system_name", "participant": "display_name"}
WHO = ("who_participant_id", "who_person_id", "who_service")
NOT_DETAILS = frozenset(
    {
        "id",
        "confidential",
        "deleted_at",
        "position",
        "nudge_x",
        "nudge_y",
        "cell_versions",
        "meeting_id",
        "version",
        "created_by_participant_id",
        "created_by_user_id",
        "deleted_with_person_id",
    }
)
# Fields a line's or connection's title already says.
SHOWN_IN_TITLE = {
    "relationship": ("kind", "from_person_id", "to_person_id"),
    "ecomap_connection": ("person_id", "system_name"),
    # the section a strength or worry was written in names it ("an entry in “Harm statements”")
    "strength": ("section",),
    "worry": ("section",),
}
PLAN_DECISIONS = ("plan_version.endorsed", "plan_version.returned")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T")
PART_KIND_NAMES = frozenset(PART_KINDS.values())
STAFF_ROLES = ("facilitator", "supervisor", "staff", "admin", "system")


@dataclass
class World:
    """What a sentence needs to name things: the board as it was, participants, the profile."""

    board: ReplayedBoard
    participants: dict[int, str]
    rules: Profile
    # The practice framework the board was on (None: the default): how sections are named.
    framework: Framework | None = None
    zone: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        self.zone = self.rules.zone

    def section_titles(self) -> dict[str, str]:
        """Every section's title, as the board's framework names it (others' too)."""
        return section_titles(self.framework, every=True)

    @classmethod
    def now(cls, case_id: int) -> World:
        """The case as it is now (for telling one event on its own)."""
        from fttm.cases.models import Case

        case = db.session.get(Case, case_id)
        rules = profile(case.jurisdiction)
        return cls(current_board(case_id), participants_of(case_id), rules, framework_of_case(case))


def participants_of(case_id: int) -> dict[int, str]:
    """Every participant of the case's meetings, by id: their display name."""
    rows = db.session.execute(
        sa.select(Participant.id, Participant.display_name)
        .join(Meeting)
        .where(Meeting.case_id == case_id)
    )
    return dict(rows.all())


def role_label(role: str, rules: Profile) -> str:
    """A role as the reader says it: staff roles translated, family roles from the profile."""
    staff = {
        "facilitator": _("Facilitator"),
        "supervisor": _("Supervisor"),
        "staff": _("Staff"),
        "admin": _("Administrator"),
        "system": _("fttm"),
    }
    return staff.get(role) or rules.label("participant_roles", role)


def actor_label(event: TranscriptEvent, rules: Profile) -> str:
    """ "Maria (Parent)": who made the change, with their role."""
    return _("%(name)s (%(role)s)", name=event.actor_name, role=role_label(event.actor_role, rules))


def change_of(kind: str) -> str:
    """The kind of change an event is: added, edited, removed, restored, confidential or other."""
    verb = kind.partition(".")[2]
    if verb in ("made_confidential", "shared"):
        return "confidential"
    return {"deleted": "removed"}.get(
        verb, verb if verb in ("added", "edited", "restored") else "other"
    )


class Teller:
    """Tells events as sentences in the reader's language, naming things as they were."""

    def __init__(self, world: World):
        self.world = world
        self.names = field_names()
        self.words = word_lists()

    # -- naming ----------------------------------------------------------------------------

    def title(self, kind: str, row: dict | None) -> str:
        """What an item is called: its words, its name, or the people a line joins."""
        if not row:
            return ""
        if kind == "relationship":
            return self._line(row)
        if kind == "ecomap_connection":
            who = self.world.board.name_of(row.get("person_id")) or _("The household")
            return f"{who}: {row.get('system_name') or ''}"
        return str(row.get(TITLES.get(kind, "text")) or "")

    def _line(self, row: dict) -> str:
        one = self.world.board.name_of(row.get("from_person_id")) or "?"
        two = self.world.board.name_of(row.get("to_person_id")) or "?"
        kind = row.get("kind")
        if kind in ("biological", "adopted", "foster"):
            words = {
                "biological": _("%(parent)s, birth parent of %(child)s"),
                "adopted": _("%(parent)s, adoptive parent of %(child)s"),
                "foster": _("%(parent)s, foster parent of %(child)s"),
            }[kind]
            return words % {"parent": one, "child": two}
        try:
            return f"{one}: " + relation_words(kind) % {"name": two}
        except (KeyError, ValueError):
            return _("%(one)s and %(two)s", one=one, two=two)

    def value(self, name: str, value) -> str:
        """One stored value in words: names for ids, labels for keys, dates where the case is."""
        board, rules = self.world.board, self.world.rules
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        references = {
            "person_id": "person",
            "who_person_id": "person",
            "from_person_id": "person",
            "to_person_id": "person",
            "multiple_birth_group": "person",
            "goal_id": "goal",
            "objective_id": "objective",
            "household_id": "household",
        }
        if name in references and isinstance(value, int):
            title = self.title(references[name], board.row(references[name], value)) or "?"
            return f"“{title}”" if references[name] in ("goal", "objective") else title
        if name == "who_participant_id" and isinstance(value, int):
            return self.world.participants.get(value, "?")
        if name in ("need_domain", "category", "permanency_goal"):
            vocabulary = {"need_domain": "need_domains", "category": "ecomap_categories"}
            return rules.label(vocabulary.get(name, "permanency_goals"), value)
        if name == "role":
            return role_label(value, rules)
        if name == "purpose":
            return str(PURPOSE_LABELS.get(value, value))
        if name == "strength":
            return strength_words().get(value, value)
        if name == "flow":
            return flow_choices().get(value, value)
        if name == "locked_sections":
            titles = self.world.section_titles()
            return ", ".join(titles.get(s, s) for s in value) or "—"
        if isinstance(value, str) and ISO_DATE.match(value):
            return local_date(date.fromisoformat(value))
        if isinstance(value, str) and ISO_MOMENT.match(value):
            return local_datetime(datetime.fromisoformat(value), self.world.zone)
        if isinstance(value, str) and value in self.words:
            return self.words[value]
        if isinstance(value, str):
            return f"“{value}”"
        return str(value) if not isinstance(value, dict | list) else json.dumps(value)

    def who(self, row: dict) -> str:
        """Who does an action or a safety step: a participant, a person or a service."""
        for name in WHO:
            if row.get(name) not in (None, ""):
                shown = self.value(name, row[name])
                return shown.strip("“”")
        return "—"

    def changes(self, before: dict, after: dict, row: dict) -> str:
        """ "by when 30 Nov → 5 Dec; status Open → Done": what an edit changed."""
        parts = []
        if any(name in before for name in WHO):
            was = {**row, **before}
            now = {**row, **after}
            parts.append(f"{self.names['who']} {self.who(was)} → {self.who(now)}")
        for name, old in before.items():
            if name in WHO:
                continue
            new = after.get(name)
            label = self.names.get(name, name.replace("_", " "))
            parts.append(f"{label} {self.value(name, old)} → {self.value(name, new)}")
        return "; ".join(parts)

    def details(self, kind: str, after: dict) -> str:
        """The filled-in fields of a new item other than its title, in brackets."""
        title_field = TITLES.get(kind, "text")
        parts = []
        if any(after.get(name) not in (None, "") for name in WHO):
            parts.append(f"{self.names['who']}: {self.who(after)}")
        for name, value in after.items():
            if name in NOT_DETAILS or name in WHO or name == title_field or value in (None, ""):
                continue
            if value is False or name in SHOWN_IN_TITLE.get(kind, ()):
                continue
            label = self.names.get(name, name.replace("_", " "))
            parts.append(f"{label}: {self.value(name, value)}")
        return f" ({'; '.join(parts)})" if parts else ""

    # -- telling ---------------------------------------------------------------------------

    def tell(self, event: TranscriptEvent) -> str:
        """The event as one sentence, naming things as they were just before it."""
        try:
            return self._tell(event)
        except Exception as error:  # a transcript must always read, whatever the payload
            logger.warning("event %s (%s) told generically: %s", event.seq, event.kind, type(error))
            return self.generic(event)

    def generic(self, event: TranscriptEvent) -> str:
        """A sentence for a kind of event this module does not know."""
        actor = actor_label(event, self.world.rules)
        return _("%(actor)s made a change (%(kind)s)", actor=actor, kind=event.kind)

    def _tell(self, event: TranscriptEvent) -> str:
        kind, _dot, verb = event.kind.partition(".")
        actor = actor_label(event, self.world.rules)
        before, after = event.before or {}, event.after or {}
        special = self._special(event, kind, verb, actor, before, after)
        if special is not None:
            return special
        row = self.world.board.row(kind, event.target_id) or {}
        nouns = self._nouns(kind, row.get("section") or after.get("section"))
        if nouns is None:
            return self.generic(event)
        a_thing, the_thing = nouns
        if verb == "added":
            sentence = _(
                "%(actor)s added %(thing)s: “%(title)s”",
                actor=actor,
                thing=a_thing,
                title=self.title(kind, {**after, "id": event.target_id}),
            )
            return sentence + self.details(kind, after)
        thing = the_thing % {"title": self.title(kind, row)}
        if verb == "edited":
            return _(
                "%(actor)s changed %(thing)s: %(changes)s",
                actor=actor,
                thing=thing,
                changes=self.changes(before, after, row),
            )
        sentences = {
            "deleted": _("%(actor)s removed %(thing)s"),
            "restored": _("%(actor)s restored %(thing)s"),
            "made_confidential": _("%(actor)s marked %(thing)s confidential"),
            "shared": _("%(actor)s shared %(thing)s with everyone again"),
            "nudged": _("%(actor)s moved %(thing)s on the genogram"),
        }
        if verb not in sentences:
            return self.generic(event)
        return sentences[verb] % {"actor": actor, "thing": thing}

    def _nouns(self, kind: str, written_in: str | None) -> tuple[str, str] | None:
        """How an item of `kind` is named: "a strength"; a strength or worry written in a
        section of another framework than Signs of Safety, as an entry in that section."""
        default = KINDS[kind].section if kind in KINDS else None
        if kind not in PART_KIND_NAMES or not written_in or written_in == default:
            return item_nouns().get(kind)
        section = self.world.section_titles().get(written_in, written_in)
        return (
            _("an entry in “%(section)s”", section=section),
            _("the entry “%(title)s” in “%(section)s”", section=section, title="%(title)s"),
        )

    def _special(self, event, kind, verb, actor, before, after) -> str | None:
        """Sentences for meetings, participants, sections, ratings, plan versions and cases."""
        titles = self.world.section_titles()
        name = self.world.participants.get(event.target_id or 0, "?")
        if kind == "meeting":
            return self._meeting(verb, actor, before, after)
        if kind in ("family_time", "family_draft"):  # when, and how many: never a draft's words
            return family_time_sentence(event.kind, actor, after)
        if event.kind == "participant.joined":
            if after.get("status") == "waiting":
                return _("%(actor)s asked to join the meeting", actor=actor)
            return _("%(actor)s joined the meeting", actor=actor)
        if event.kind == "participant.admitted":
            return _("%(actor)s let %(name)s in", actor=actor, name=name)
        if event.kind == "participant.removed":
            return _("%(actor)s removed %(name)s from the meeting", actor=actor, name=name)
        if event.kind == "participant.identified":
            return _("%(actor)s said who they are in the family map", actor=actor)
        if kind == "section" and verb in ("locked", "unlocked"):
            section = titles.get(event.section or "", event.section or "")
            if verb == "locked":
                return _("%(actor)s locked the section “%(section)s”", actor=actor, section=section)
            return _("%(actor)s unlocked the section “%(section)s”", actor=actor, section=section)
        if event.kind == "safety_rating.given":
            if before.get("score") is not None:
                return _(
                    "%(actor)s changed their safety rating: %(old)s → %(new)s out of 10",
                    actor=actor,
                    old=before["score"],
                    new=after.get("score"),
                )
            return _(
                "%(actor)s rated safety %(score)s out of 10", actor=actor, score=after.get("score")
            )
        if kind == "voice":
            return self._voice(event, verb, actor, after)
        if event.kind == "plus_delta.given":
            # The words are for the facilitator's fidelity view, not the meeting's record.
            if before:
                return _("%(actor)s changed their plus / delta for the facilitator", actor=actor)
            return _(
                "%(actor)s said what helped and what to change next time (plus / delta)",
                actor=actor,
            )
        if event.kind == "plan_version.taken":
            return _(
                "%(actor)s kept the plan as version %(number)s",
                actor=actor,
                number=after.get("number"),
            )
        if kind in ("agreement", "family_copy") or event.kind in PLAN_DECISIONS:
            return self._plan(event.kind, actor, after)
        if event.kind == "case.opened":
            return _("%(actor)s opened the case", actor=actor)
        if event.kind == "case.framework_changed":
            return _(
                "%(actor)s moved the case's board from %(before)s to %(after)s; everything "
                "written stays, under the nearest section",
                actor=actor,
                before=framework_named(before.get("framework")).name(),
                after=framework_named(after.get("framework")).name(),
            )
        if event.kind == "case.updated":
            return _(
                "%(actor)s changed the case's details: %(changes)s",
                actor=actor,
                changes=self.changes(before, after, {}),
            )
        return None

    def _plan(self, kind: str, actor: str, after: dict) -> str | None:
        """Agreements with a plan version, the supervisor's decision, copies given."""
        comment = f": “{after['comment']}”" if after.get("comment") else ""
        response = after.get("response")
        name = after.get("name") or after.get("recipient_name")
        name = name or self.world.board.name_of(after.get("person_id")) or "?"
        if kind == "agreement.given":
            said = {
                "agreed": _("%(actor)s agreed with the plan"),
                "disagreed": _("%(actor)s did not agree with the plan"),
            }.get(response)
            return said % {"actor": actor} + comment if said else None
        if kind == "agreement.recorded":
            said = {
                "agreed": _("%(actor)s recorded that %(name)s agreed with the plan"),
                "disagreed": _("%(actor)s recorded that %(name)s did not agree with the plan"),
                "did_not_take_part": _("%(actor)s recorded that %(name)s did not take part"),
            }.get(response)
            return said % {"actor": actor, "name": name} + comment if said else None
        if kind == "plan_version.endorsed":
            return _("%(actor)s endorsed the plan", actor=actor) + comment
        if kind == "plan_version.returned":
            return _("%(actor)s returned the plan to the facilitator", actor=actor) + comment
        if kind == "family_copy.recorded":
            how = self.value("method", after.get("method"))
            day = self.value("given_on", after.get("given_on"))
            return _(
                "%(actor)s recorded that %(name)s was given a copy of the plan (%(how)s, %(day)s)",
                actor=actor,
                name=name,
                how=how,
                day=day,
            )
        return None

    def _meeting(self, verb: str, actor: str, before: dict, after: dict) -> str | None:
        if verb == "scheduled":
            when = self.value("scheduled_at", after.get("scheduled_at"))
            return _("%(actor)s scheduled the meeting for %(when)s", actor=actor, when=when)
        if verb == "rescheduled":
            return _(
                "%(actor)s changed the meeting: %(changes)s",
                actor=actor,
                changes=self.changes(before, after, {}),
            )
        if verb == "setting_changed":
            option, value = next(iter(after.items()), (None, None))
            settings = {
                ("admit_everyone", True): _("%(actor)s let everyone with the code in at once"),
                ("admit_everyone", False): _("%(actor)s asked newcomers to wait to be let in"),
                ("join_details_hidden", True): _("%(actor)s hid the join details"),
                ("join_details_hidden", False): _("%(actor)s showed the join details again"),
            }
            sentence = settings.get((option, value))
            return sentence % {"actor": actor} if sentence else None
        if verb == "wall_steered":
            return self._wall(actor, after)
        if verb in ("phase_moved", "agenda_changed"):
            return self._agenda(verb, actor, after)
        sentences = {
            "cancelled": _("%(actor)s cancelled the meeting"),
            "opened": _("%(actor)s opened the meeting for joining"),
            "started": _("%(actor)s started the meeting"),
            "ended": _("%(actor)s ended the meeting"),
        }
        return sentences[verb] % {"actor": actor} if verb in sentences else None

    def _voice(self, event, verb: str, actor: str, after: dict) -> str | None:
        """A contribution from someone not in the room: whose, through whom, and what it was."""
        row = db.session.get(AbsentVoice, event.target_id) if event.target_id else None
        name = after.get("from_name") or (row.from_name if row else "?")
        if verb == "added":
            through = after.get("through_name")
            sentence = (
                _(
                    "%(actor)s added the voice of %(name)s, through %(through)s",
                    actor=actor,
                    name=name,
                    through=through,
                )
                if through
                else _("%(actor)s added the voice of %(name)s", actor=actor, name=name)
            )
            if after.get("words"):
                sentence += f": “{shorten(after['words'])}”"
            if after.get("picture_type"):
                sentence += " " + _(
                    "(a picture: %(description)s)",
                    description=after.get("picture_description") or "",
                )
            if after.get("shareable") is False:
                sentence += " " + _("(staff only: they did not agree to the family seeing it)")
            return sentence
        sentences = {
            "edited": _("%(actor)s changed the voice of %(name)s"),
            "moved": _("%(actor)s moved the voice of %(name)s to “%(section)s”"),
            "deleted": _("%(actor)s removed the voice of %(name)s"),
            "restored": _("%(actor)s brought back the voice of %(name)s"),
        }
        if verb not in sentences:
            return None
        section = self.world.section_titles().get(after.get("section") or "", "")
        return sentences[verb] % {"actor": actor, "name": name, "section": section}

    def _agenda(self, verb: str, actor: str, after: dict) -> str:
        """A move to another phase of the agenda, or a change to the agenda before the meeting."""
        if verb == "phase_moved":
            return _(
                "%(actor)s moved the meeting on to “%(phase)s”",
                actor=actor,
                phase=phase_name(after),
            )
        changes = {
            "moved": _("%(actor)s reordered the agenda"),
            "added": _("%(actor)s added a phase to the agenda"),
            "skipped": _("%(actor)s skipped a phase of the agenda"),
            "unskipped": _("%(actor)s brought back a skipped phase of the agenda"),
            "minutes": _("%(actor)s changed a phase's minutes"),
        }
        return changes.get(after.get("change"), _("%(actor)s changed the agenda")) % {
            "actor": actor
        }

    def _wall(self, actor: str, after: dict) -> str:
        """What the facilitator put on the wall, or how they moved its view."""
        if "wall_language" in after:
            return _(
                "%(actor)s chose the wall's language: %(language)s",
                actor=actor,
                language=wall_choices().get(after["wall_language"], after["wall_language"]),
            )
        if "wall_drawing" in after:
            drawing = _("the ecomap") if after["wall_drawing"] == "ecomap" else _("the genogram")
            return _("%(actor)s showed %(what)s on the wall", actor=actor, what=drawing)
        if "wall_focus" in after and "wall_zoom" not in after:
            focus = after["wall_focus"]
            what = self.world.section_titles().get(focus) if focus != "overview" else None
            if what is None:
                return _("%(actor)s showed the whole board on the wall", actor=actor)
            return _("%(actor)s showed “%(what)s” on the wall", actor=actor, what=what)
        return _("%(actor)s zoomed or moved the family map on the wall", actor=actor)


def wall_choices() -> dict[str, str]:
    """The wall's language choices, named (fttm/meetings/wall.py)."""
    from fttm.meetings.wall import wall_choices as choices

    return choices()


def shorten(text: str, most: int = 120) -> str:
    """Words cut at a word's end to about `most` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    return text[:most].rsplit(" ", 1)[0] + "…"


def sentence(event: TranscriptEvent, world: World | None = None) -> str:
    """One event as a sentence (naming things as they are now, if no world is given)."""
    return Teller(world or World.now(event.case_id)).tell(event)


def tell_in_order(
    world: World, events: list[TranscriptEvent], wanted: set[int], flags=None, flag=None
) -> dict[int, str]:
    """Walk `events` (the case's, in order, from the moment `world` shows) and tell the
    `wanted` ones by seq, each naming things as they were just before it; `flag(board, event)`
    is noted in `flags` for each wanted event, on the board just after it.
    """
    teller, told = Teller(world), {}
    for event in events:
        if event.seq in wanted:
            told[event.seq] = teller.tell(event)
        apply(world.board, event)
        if flag is not None and event.seq in wanted:
            flags[event.seq] = flag(world.board, event)
    return told
