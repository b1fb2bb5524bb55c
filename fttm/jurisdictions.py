"""Jurisdiction profiles: each agency's timeframes and vocabularies, from `config/jurisdictions`."""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, g, has_request_context
from flask_babel import get_locale
from markupsafe import Markup

from fttm.frameworks import DEFAULT as DEFAULT_FRAMEWORK
from fttm.frameworks import EARLIER, FRAMEWORKS, MAPPING_KEYS
from fttm.timestamps import utcnow

# The timeframes a profile gives, or names in `timeframes.left_out` (never leaves out silently).
TIMEFRAMES = (
    "plan_due",
    "endorsement_due",
    "copy_to_family_due",
    "review_every_days",
    "tribe_contact",
)
ANCHORS = frozenset({"substantiation", "placement", "plan"})
WEEKEND_RULES = frozenset({"keep", "previous_business_day", "next_business_day"})
VOCABULARIES = (
    "permanency_goals",
    "participant_roles",
    "need_domains",
    "services",
    "ecomap_categories",
)


class ProfileError(ValueError):
    """A jurisdiction profile file is missing something or says something impossible."""


@dataclass(frozen=True)
class Option:
    """One entry of a profile vocabulary (a permanency goal, a role, a need domain...)."""

    key: str
    label: str
    labels: tuple[tuple[str, str], ...] = ()
    family: bool = False

    def label_for(self, locale: str) -> str:
        """The label in `locale` where the profile has one ("fr_CA" falls back to `label_fr`),
        else its default label."""
        return in_locale(dict(self.labels), locale, self.label)


def in_locale(texts: dict[str, str], locale: str | None, default: str) -> str:
    """The text for `locale` in `texts` (by locale, "fr_CA" then its language "fr"), else
    `default` (the profile's English)."""
    locale = str(locale or "")
    for wanted in (locale, locale.split("_", 1)[0]):
        if wanted and texts.get(wanted):
            return texts[wanted]
    return default


@dataclass(frozen=True)
class Timeframe:
    """A deadline N days after the first of its anchor dates that the case has."""

    days: int
    anchors: tuple[str, ...]


@dataclass(frozen=True)
class Phase:
    """One phase of a meeting's default agenda: what it is called, the board section it is about
    (None: no section), how many minutes it is given, and whether the family plans alone in it."""

    key: str
    name: str
    section: str | None
    minutes: int
    family_time: bool = False
    # The name in other languages, from `name_<locale>` keys (`name_fr`), by locale.
    names: tuple[tuple[str, str], ...] = ()

    def as_agenda_entry(self) -> dict:
        """The phase as a meeting keeps it in `Meeting.agenda` (with its names in other
        languages, so the meeting shows it in each reader's language)."""
        entry: dict = {"key": self.key, "name": self.name}
        if self.names:
            entry["names"] = dict(self.names)
        return entry | {
            "section": self.section,
            "minutes": self.minutes,
            "family_time": self.family_time,
            "skipped": False,
        }


@dataclass(frozen=True)
class Profile:
    """A jurisdiction's rules for case planning."""

    id: str
    name: str
    zone: ZoneInfo
    weekend: str
    # A timeframe is None where the profile leaves it out (`timeframes.left_out`) for want of a
    # source: no deadline is then counted for it, and the case page says so.
    plan_due: Timeframe | None
    endorsement_due: Timeframe | None
    copy_to_family_due: Timeframe | None
    review_every_days: int | None
    tribe_contact: Timeframe | None
    vocabularies: dict[str, tuple[Option, ...]]
    # Days after a meeting ends that its family phones may still answer the plan and open
    # their copy; past them a phone's token opens nothing (fttm/joining/tokens.py).
    family_access_days: int = 30
    # The meeting's default agenda, copied into each meeting when it is scheduled.
    agenda: tuple[Phase, ...] = ()
    # The timeframes the profile leaves out, by name, in the order of TIMEFRAMES.
    left_out: tuple[str, ...] = ()
    # The practice framework its boards map a family's situation in (fttm.frameworks).
    framework: str = "signs_of_safety"
    # The profile's name in other languages, from its `name_<locale>` keys: (locale, name).
    names: tuple[tuple[str, str], ...] = ()
    # (vocabulary, locale) -> its (key, label) pairs: a push asks for them in every rendering.
    _choices: dict[tuple[str, str], list[tuple[str, str]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def title(self) -> str:
        """The profile's name in the reader's language (its `name_fr`...), else its `name`."""
        return in_locale(dict(self.names), str(get_locale() or "en"), self.name)

    def options(self, vocabulary: str) -> tuple[Option, ...]:
        """The entries of one vocabulary, in the profile's order."""
        return self.vocabularies[vocabulary]

    def choices(self, vocabulary: str) -> list[tuple[str, str]]:
        """(key, label) pairs for a select field, labels in the reader's language."""
        locale = str(get_locale() or "en")
        found = self._choices.get((vocabulary, locale))
        if found is None:
            found = [(option.key, option.label_for(locale)) for option in self.options(vocabulary)]
            self._choices[vocabulary, locale] = found
        return list(found)

    def label(self, vocabulary: str, key: str | None) -> str:
        """The label of `key` in a vocabulary; the key itself if the profile no longer has it."""
        locale = str(get_locale() or "en")
        for option in self.options(vocabulary):
            if option.key == key:
                return option.label_for(locale)
        return key or ""

    def has(self, vocabulary: str, key: str | None) -> bool:
        """Whether `key` is an entry of the vocabulary."""
        return any(option.key == key for option in self.options(vocabulary))

    def today(self) -> date:
        """Today's date where the jurisdiction is (by `utcnow`, so `clock_at` moves it too)."""
        return utcnow().astimezone(self.zone).date()

    def deadline(self, start: date, days: int) -> date:
        """`days` after `start`, moved off a weekend as the profile says."""
        due = start + timedelta(days=days)
        if self.weekend == "keep" or due.weekday() < 5:
            return due
        if self.weekend == "previous_business_day":
            return due - timedelta(days=due.weekday() - 4)
        return due + timedelta(days=7 - due.weekday())


def _left_out(frames: dict, source: str) -> tuple[str, ...]:
    """The timeframes a profile names in `timeframes.left_out` (for want of a source, said in a
    comment beside it), checked: each a known timeframe the profile does not also give."""
    named = frames.get("left_out", [])
    if not isinstance(named, list) or not all(isinstance(name, str) for name in named):
        raise ProfileError(f"{source}: timeframes.left_out must be a list of timeframe names")
    for name in named:
        if name not in TIMEFRAMES:
            raise ProfileError(
                f"{source}: timeframes.left_out names {name!r}, which is not one of {TIMEFRAMES}"
            )
        if name in frames:
            raise ProfileError(f"{source}: timeframes.{name} is both given and left out")
    return tuple(name for name in TIMEFRAMES if name in named)


def _given_timeframe(frames: dict, name: str, left_out: tuple[str, ...]) -> Timeframe | None:
    """A required timeframe, or None when the profile names it in `left_out`."""
    if name in left_out:
        return None
    if name not in frames:
        raise ProfileError(
            f"timeframes.{name} is missing: give it, or name it in timeframes.left_out and say "
            "why in a comment"
        )
    return _timeframe(frames[name], f"timeframes.{name}")


def _timeframe(raw: object, where: str) -> Timeframe:
    """Read `{ days = N, from = [...] }`."""
    if not isinstance(raw, dict) or not isinstance(raw.get("days"), int) or raw["days"] < 0:
        raise ProfileError(f"{where} needs a whole number of days: {{ days = 21, from = [...] }}")
    anchors = tuple(raw.get("from", ()))
    if not anchors or not set(anchors) <= ANCHORS:
        raise ProfileError(f"{where}.from must list some of {sorted(ANCHORS)}")
    return Timeframe(days=raw["days"], anchors=anchors)


def _vocabulary(raw: object, where: str) -> tuple[Option, ...]:
    """Read a list of `{ key, label, [label_fr], [family] }` entries with unique keys."""
    if not isinstance(raw, list) or not raw:
        raise ProfileError(f"{where} must be a non-empty list")
    options, seen = [], set()
    for entry in raw:
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("label"):
            raise ProfileError(f"every entry of {where} needs a key and a label")
        if entry["key"] in seen:
            raise ProfileError(f"{where} repeats the key {entry['key']!r}")
        seen.add(entry["key"])
        labels = tuple(
            (name.removeprefix("label_"), text)
            for name, text in entry.items()
            if name.startswith("label_")
        )
        options.append(Option(entry["key"], entry["label"], labels, bool(entry.get("family"))))
    return tuple(options)


def _agenda(raw: object, sections: Collection[str] | None) -> tuple[Phase, ...]:
    """Read `[[agenda]]` phases: `{ key, name, [name_fr], section, minutes, [family_time] }`,
    keys unique,
    each section one of the board's (or left out), minutes a positive whole number."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ProfileError("agenda must be a list of phases ([[agenda]] tables)")
    phases, seen = [], set()
    for number, entry in enumerate(raw, start=1):
        where = f"agenda phase {number}"
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("name"):
            raise ProfileError(f"{where} needs a key and a name")
        key, section, minutes = entry["key"], entry.get("section"), entry.get("minutes")
        if key in seen:
            raise ProfileError(f"agenda repeats the key {key!r}")
        seen.add(key)
        if section is not None and (sections is not None and section not in sections):
            raise ProfileError(
                f"{where} ({key!r}): unknown section {section!r}; use one of {sorted(sections)}"
            )
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
            raise ProfileError(f"{where} ({key!r}): minutes must be a positive whole number")
        family_time = entry.get("family_time", False)
        if not isinstance(family_time, bool):
            raise ProfileError(f"{where} ({key!r}): family_time must be true or false")
        names = tuple(
            (name.removeprefix("name_"), str(text))
            for name, text in entry.items()
            if name.startswith("name_") and text
        )
        phases.append(Phase(str(key), str(entry["name"]), section, minutes, family_time, names))
    return tuple(phases)


def parse_profile(data: dict, source: str, sections: Collection[str] | None = None) -> Profile:
    """Build a Profile from the parsed TOML of one file, or say precisely what is wrong; an
    agenda phase's section must be one of `sections` (the board's) when they are given."""
    try:
        zone = ZoneInfo(data.get("timezone", "UTC"))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ProfileError(f"{source}: unknown timezone {data.get('timezone')!r}") from error
    if not data.get("id") or not data.get("name"):
        raise ProfileError(f"{source}: a profile needs an id and a name")
    weekend = data.get("weekend", "keep")
    if weekend not in WEEKEND_RULES:
        raise ProfileError(f"{source}: weekend must be one of {sorted(WEEKEND_RULES)}")
    framework = data.get("framework", DEFAULT_FRAMEWORK)
    if framework not in FRAMEWORKS:
        raise ProfileError(
            f"{source}: unknown framework {framework!r}; use one of {sorted(FRAMEWORKS)}"
        )
    if sections is not None:  # its agenda may be about its own framework's sections
        sections = {*sections, *FRAMEWORKS[framework].board_sections()} - {EARLIER}
        sections -= set(MAPPING_KEYS) - set(FRAMEWORKS[framework].keys)
    frames = data.get("timeframes", {})
    left_out = _left_out(frames, source)
    review = frames.get("review_every_days")
    if "review_every_days" not in left_out and (
        not isinstance(review, int) or isinstance(review, bool) or review <= 0
    ):
        raise ProfileError(f"{source}: timeframes.review_every_days must be a positive number")
    tribe = frames.get("tribe_contact")
    access = frames.get("family_access_days_after_meeting", Profile.family_access_days)
    if not isinstance(access, int) or isinstance(access, bool) or access < 1:
        raise ProfileError(
            f"{source}: timeframes.family_access_days_after_meeting must be a positive number"
        )
    try:
        return Profile(
            id=data["id"],
            name=data["name"],
            zone=zone,
            weekend=weekend,
            plan_due=_given_timeframe(frames, "plan_due", left_out),
            endorsement_due=_given_timeframe(frames, "endorsement_due", left_out),
            copy_to_family_due=_given_timeframe(frames, "copy_to_family_due", left_out),
            review_every_days=None if "review_every_days" in left_out else review,
            tribe_contact=_timeframe(tribe, "timeframes.tribe_contact") if tribe else None,
            left_out=left_out,
            names=tuple(
                (key.removeprefix("name_"), str(text))
                for key, text in data.items()
                if key.startswith("name_") and text
            ),
            family_access_days=access,
            vocabularies={name: _vocabulary(data.get(name), name) for name in VOCABULARIES},
            agenda=_agenda(data.get("agenda"), sections),
            framework=framework,
        )
    except ProfileError as error:
        raise ProfileError(f"{source}: {error}") from error


def load_profiles(
    directory: str | Path, sections: Collection[str] | None = None
) -> dict[str, Profile]:
    """Every `*.toml` profile in `directory`, by id (agenda sections checked against `sections`)."""
    profiles: dict[str, Profile] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ProfileError(f"{path.name}: {error}") from error
        profile = parse_profile(data, path.name, sections)
        if profile.id in profiles:
            raise ProfileError(f"{path.name}: another profile already has the id {profile.id!r}")
        profiles[profile.id] = profile
    if not profiles:
        raise ProfileError(f"no jurisdiction profiles (*.toml) in {directory}")
    return profiles


def all_profiles() -> dict[str, Profile]:
    """The running app's profiles."""
    return current_app.extensions["fttm.jurisdictions"]


def profile(profile_id: str) -> Profile:
    """One of the running app's profiles, by id."""
    return all_profiles()[profile_id]


def phase_name(entry, locale: str | None = None) -> str:
    """A phase's name (an agenda entry, a phase move's event data, or a timeline row) in `locale`
    (default: the reader's), from the profile's `name_<locale>`, else as stored: a phase the
    facilitator typed stays as typed."""
    if not isinstance(entry, dict):
        entry = {"name": getattr(entry, "name", ""), "names": getattr(entry, "names", None)}
    if locale is None:
        locale = str(get_locale() or "en")
    names = entry.get("names")
    return in_locale(names if isinstance(names, dict) else {}, locale, entry.get("name") or "")


def phase_name_also(entry) -> Markup:
    """On a bilingual screen (`g.fttm_also`), a profile phase's name in the second language, set
    apart and marked with its language; nothing elsewhere, for a phase the facilitator typed
    (it has no other name), or when both languages name it alike."""
    second = g.get("fttm_also") if has_request_context() else None
    if not second or not isinstance(entry, dict) or not entry.get("names"):
        return Markup("")
    text = phase_name(entry, second)
    if text == phase_name(entry):
        return Markup("")
    return Markup(' <span class="also" lang="{}">{}</span>').format(second.replace("_", "-"), text)
