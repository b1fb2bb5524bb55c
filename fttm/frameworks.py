"""Practice frameworks: the mapping sections a board has, read from `config/frameworks/*.toml`.

A framework names the sections in which the team maps a family's situation (Signs of Safety's
"What's working well" and "What are we worried about"; the Olmsted consultation framework's harm,
danger statements, complicating factors, strengths, existing safety and gaps), their titles and
guiding questions in each language, the fields of their items, and where each lands in a plan
version and on the family's copy. The actions table, the safety plan, the safety scale and the
family map are common to every framework. A jurisdiction profile names its framework; a case may
move to another between meetings (fttm.cases.frameworks), and each item keeps the section it was
written in: the board shows it under the section of the case's framework nearest to it, or under
"From the earlier framework".

Each mapping section holds one of two shapes of item, the board's `strength` (words, about whom)
or `worry` (words, an area, about whom), and may show fewer of those fields.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask import g, has_request_context
from flask_babel import get_locale
from markupsafe import Markup

FRAMEWORKS_DIR = Path(__file__).resolve().parents[1] / "config" / "frameworks"
DEFAULT = "signs_of_safety"
# The section that shows items whose section the case's framework has nothing near to.
EARLIER = "earlier"
# The sections every framework has, in board order after its mapping sections.
COMMON = ("family_map", "plan", "safety_plan", "safety_scale", "notes")
# Common sections a framework may give its own title and question.
RETITLED = ("plan", "safety_scale")
# The shapes a mapping section's items take, and the fields each may show.
SHAPES = {"strength": ("text", "person_id"), "worry": ("text", "need_domain", "person_id")}
LANGUAGES = ("en", "fr")


class FrameworkError(ValueError):
    """A framework file is missing something or says something impossible."""


def _reader() -> str:
    """The language being rendered ("fr_CA" reads the French)."""
    return str(get_locale() or "en") if has_request_context() else "en"


def _texts(entry: dict, name: str, where: str, *, required: bool = True) -> dict[str, str]:
    """A text in each language: `name` is the English, `name_fr` the French."""
    texts = {"en": entry.get(name), "fr": entry.get(f"{name}_fr")}
    if not required and not any(texts.values()):
        return {}
    for language in LANGUAGES:
        if not isinstance(texts[language], str) or not texts[language].strip():
            suffix = "" if language == "en" else f"_{language}"
            raise FrameworkError(f"{where}: {name}{suffix} must be a text")
    return texts


def in_language(texts: dict[str, str], language: str | None = None) -> str:
    """One of `texts` in the reader's language ("fr_CA" reads "fr"), else the English."""
    wanted = (language or _reader()).split("_", 1)[0]
    return texts.get(wanted) or texts.get("en", "")


def also_in_second(texts: dict[str, str]) -> Markup:
    """On a bilingual screen, the text in the second language, set apart and marked with its
    language (as `fttm.languages.also` does for fttm's own words); nothing elsewhere."""
    second = g.get("fttm_also") if has_request_context() else None
    if not second or in_language(texts, second) == in_language(texts):
        return Markup("")
    return Markup(' <span class="also" lang="{}">{}</span>').format(
        second.replace("_", "-"), in_language(texts, second)
    )


@dataclass(frozen=True)
class MappingSection:
    """One mapping section of a framework's board."""

    key: str
    holds: str  # "strength" or "worry": the board item kind its items are
    fields: tuple[str, ...]
    titles: dict[str, str]
    questions: dict[str, str]
    add_labels: dict[str, str]
    empty: dict[str, str]
    copy_titles: dict[str, str]  # its heading on the family's copy ({}: left off the copy)
    # Sections of other frameworks whose items this one shows after a case moves framework.
    receives: tuple[str, ...] = ()

    def title(self, language: str | None = None) -> str:
        return in_language(self.titles, language)

    def question(self, language: str | None = None) -> str:
        return in_language(self.questions, language)

    def add_label(self) -> str:
        return in_language(self.add_labels)

    def empty_text(self) -> str:
        return in_language(self.empty)

    def copy_title(self) -> str:
        return in_language(self.copy_titles)

    def shows(self, field_name: str) -> bool:
        """Whether this section's items show and ask for the field."""
        return field_name in self.fields


@dataclass(frozen=True)
class Framework:
    """A practice framework: its mapping sections, and the titles it gives common sections."""

    key: str
    names: dict[str, str]
    sources: tuple[str, ...]
    sections: tuple[MappingSection, ...]
    # Common sections it titles its own way ("plan": "Safety goals and next steps").
    retitled: dict[str, dict[str, str]] = field(default_factory=dict)
    retitled_questions: dict[str, dict[str, str]] = field(default_factory=dict)
    # The order the family's copy tells its mapping sections in.
    copy_order: tuple[str, ...] = ()

    def name(self, language: str | None = None) -> str:
        return in_language(self.names, language)

    @property
    def keys(self) -> tuple[str, ...]:
        """Its mapping sections' keys, in board order."""
        return tuple(section.key for section in self.sections)

    def section(self, key: str) -> MappingSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def holding(self, kind: str) -> tuple[MappingSection, ...]:
        """Its mapping sections whose items are of this board item kind."""
        return tuple(s for s in self.sections if s.holds == kind)

    def place(self, written_in: str | None, kind: str) -> str:
        """The section of this board that shows an item of `kind` written in section
        `written_in` (of this framework or another): that section, the one that receives it, or
        "From the earlier framework"."""
        if written_in is None:  # a new item not yet placed: the first section holding its kind
            return self.holding(kind)[0].key
        own = self.section(written_in)
        if own is not None and own.holds == kind:
            return own.key
        for section in self.sections:
            if written_in in section.receives and section.holds == kind:
                return section.key
        return EARLIER

    def nearest(self, key: str | None) -> str | None:
        """The section of this board nearest to section `key` of any framework (an agenda
        phase's, after the case moved framework): itself, the one receiving it, else None."""
        if key is None or key in self.board_sections():
            return key
        return next((s.key for s in self.sections if key in s.receives), None)

    def title_of(self, written_in: str | None, kind: str, language: str | None = None) -> str:
        """The title of the section showing an item of `kind` written in `written_in` ("" for
        "From the earlier framework": the caller says that in fttm's own words)."""
        shown = self.section(self.place(written_in, kind))
        return shown.title(language) if shown is not None else ""

    def part_title(self, kind: str, language: str | None = None) -> str:
        """What a plan version calls the part keeping this kind's items: its sections' titles."""
        return " · ".join(s.title(language) for s in self.holding(kind))

    def board_sections(self) -> tuple[str, ...]:
        """Every section of a board on this framework, in the order the board shows them."""
        return (*self.keys, EARLIER, *COMMON, "participants")

    def titles(self, language: str | None = None) -> dict[str, str]:
        """Its mapping sections' titles and its own titles of common sections."""
        titles = {s.key: s.title(language) for s in self.sections}
        titles |= {key: in_language(texts, language) for key, texts in self.retitled.items()}
        return titles

    def question_of(self, key: str) -> str:
        """The guiding question it asks the room in a common section ("" if it asks none)."""
        texts = self.retitled_questions.get(key)
        return in_language(texts) if texts else ""


def _section(entry: dict, where: str) -> MappingSection:
    key = entry.get("key")
    if not isinstance(key, str) or not key.isidentifier() or key in (*COMMON, EARLIER):
        raise FrameworkError(f"{where}: key must be a new name in lower case, not {key!r}")
    where = f"{where} ({key!r})"
    holds = entry.get("holds")
    if holds not in SHAPES:
        raise FrameworkError(f"{where}: holds must be one of {sorted(SHAPES)}")
    fields = tuple(entry.get("fields") or ("text",))
    unknown = [name for name in fields if name not in SHAPES[holds]]
    if unknown or "text" not in fields:
        raise FrameworkError(
            f"{where}: fields must include text and be among {list(SHAPES[holds])}, "
            f"not {unknown or list(fields)}"
        )
    receives = entry.get("receives", [])
    if not isinstance(receives, list) or not all(isinstance(k, str) for k in receives):
        raise FrameworkError(f"{where}: receives must be a list of section keys")
    return MappingSection(
        key=key,
        holds=holds,
        fields=fields,
        titles=_texts(entry, "title", where),
        questions=_texts(entry, "question", where),
        add_labels=_texts(entry, "add_label", where),
        empty=_texts(entry, "empty", where),
        copy_titles=_texts(entry, "copy_title", where, required=False),
        receives=tuple(receives),
    )


def parse_framework(data: dict, source: str) -> Framework:
    """Build a Framework from one parsed file, or say precisely what is wrong."""
    key = data.get("key")
    if not isinstance(key, str) or not key:
        raise FrameworkError(f"{source}: a framework needs a key")
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise FrameworkError(f"{source}: a framework needs [[sections]]")
    sections = tuple(
        _section(entry, f"{source}: section {number}")
        for number, entry in enumerate(raw_sections, start=1)
    )
    keys = [section.key for section in sections]
    if len(set(keys)) != len(keys):
        raise FrameworkError(f"{source}: two sections have the same key")
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        raise FrameworkError(f"{source}: say where the framework is published (sources)")
    retitled, questions = {}, {}
    for name, entry in (data.get("common") or {}).items():
        if name not in RETITLED:
            raise FrameworkError(f"{source}: common.{name}: only {list(RETITLED)} may be retitled")
        retitled[name] = _texts(entry, "title", f"{source}: common.{name}")
        questions[name] = _texts(entry, "question", f"{source}: common.{name}", required=False)
    copy_order = tuple(data.get("copy_order") or keys)
    if set(copy_order) - set(keys):
        raise FrameworkError(f"{source}: copy_order names sections it does not have")
    return Framework(
        key=key,
        names=_texts(data, "name", source),
        sources=tuple(str(s) for s in sources),
        sections=sections,
        retitled=retitled,
        retitled_questions={k: v for k, v in questions.items() if v},
        copy_order=copy_order,
    )


def load_frameworks(directory: Path = FRAMEWORKS_DIR) -> dict[str, Framework]:
    """Every framework in `directory`, by key."""
    found: dict[str, Framework] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise FrameworkError(f"{path.name}: {error}") from error
        framework = parse_framework(data, path.name)
        if framework.key in found:
            raise FrameworkError(f"{path.name}: another framework has the key {framework.key!r}")
        found[framework.key] = framework
    if DEFAULT not in found:
        raise FrameworkError(f"{directory}: the default framework {DEFAULT!r} is missing")
    return found


FRAMEWORKS: dict[str, Framework] = load_frameworks()
# Every mapping section key of every framework, in the order first met.
MAPPING_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(key for framework in FRAMEWORKS.values() for key in framework.keys)
)


def framework_named(key: str | None) -> Framework:
    """The framework called `key` (None, or one no longer configured: the default)."""
    return FRAMEWORKS.get(key or DEFAULT) or FRAMEWORKS[DEFAULT]


def framework_of_case(case) -> Framework:
    """The framework a case's board is on: its own choice, else its profile's."""
    if case.framework:
        return framework_named(case.framework)
    from fttm.jurisdictions import profile

    return framework_named(profile(case.jurisdiction).framework)
