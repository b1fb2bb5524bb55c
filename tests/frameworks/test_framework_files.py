"""Practice frameworks are data (config/frameworks/*.toml): what each file says, and a broken one
refused with a message naming the file and what is wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import config
from fttm.core.registry import SECTIONS, board_sections, section_titles
from fttm.frameworks import (
    DEFAULT,
    EARLIER,
    FRAMEWORKS,
    FRAMEWORKS_DIR,
    FrameworkError,
    load_frameworks,
    parse_framework,
)
from fttm.jurisdictions import ProfileError, load_profiles, parse_profile

OLMSTED = FRAMEWORKS["olmsted"]
SIGNS = FRAMEWORKS["signs_of_safety"]


def test_signs_of_safety_is_the_default_and_keeps_its_three_columns():
    """Its two mapping sections, then the common ones: the board as it always was."""
    assert DEFAULT == "signs_of_safety"
    assert SIGNS.keys == ("strengths", "worries")
    assert board_sections() == (
        "strengths",
        "worries",
        EARLIER,
        "family_map",
        "plan",
        "safety_plan",
        "safety_scale",
        "notes",
        "participants",
    )
    assert list(section_titles())[:3] == ["strengths", "worries", "family_map"]
    assert section_titles()["plan"] == "What needs to happen"


def test_the_olmsted_framework_keeps_harm_danger_complications_strengths_safety_and_gaps_apart():
    """Past harm apart from feared danger, complicating factors from strengths and existing
    safety, and what is not known; safety goals and next steps are the plan, titled its way."""
    assert OLMSTED.keys == ("harm", "danger", "complicating", "strengths", "safety", "gaps")
    titles = {s.key: s.title("en") for s in OLMSTED.sections}
    assert titles == {
        "harm": "Harm statements",
        "danger": "Danger statements",
        "complicating": "Complicating factors",
        "strengths": "Existing strengths",
        "safety": "Existing safety",
        "gaps": "Gaps: what we don't know yet",
    }
    assert {s.key: s.holds for s in OLMSTED.sections} == {
        "harm": "worry",
        "danger": "worry",
        "complicating": "worry",
        "strengths": "strength",
        "safety": "strength",
        "gaps": "worry",
    }
    assert not OLMSTED.section("gaps").shows("need_domain")
    assert OLMSTED.section("danger").title("fr_CA") == "Énoncés de danger"
    assert all(s.question("en") and s.question("fr") for s in OLMSTED.sections)
    assert OLMSTED.titles("en")["plan"] == "Safety goals and next steps"
    assert OLMSTED.titles("fr_CA")["plan"] == "Objectifs de sécurité et prochaines étapes"
    assert set(OLMSTED.keys) <= set(SECTIONS)


def test_each_framework_cites_where_its_categories_are_published():
    """The Olmsted file cites Lohrbach and Sawyer, and the manuals whose wording it uses, and
    says plainly what was not found."""
    text = (FRAMEWORKS_DIR / "olmsted.toml").read_text(encoding="utf-8")
    sources = " ".join(OLMSTED.sources)
    assert "Lohrbach" in sources and "Sawyer" in sources
    assert "6.2.1 Harm Statements" in sources and "2.2.17" in sources
    assert "No published text setting out this framework under its own name was found" in text
    assert "fttm's own translations" in text
    assert "Turnell" in " ".join(SIGNS.sources)


def test_the_ontario_profile_uses_the_olmsted_framework_and_its_agenda_its_sections():
    profiles = load_profiles(config.JURISDICTIONS_DIR, SECTIONS)
    assert profiles["ontario"].framework == "olmsted"
    assert profiles["miteam"].framework == "signs_of_safety"
    sections = {phase.section for phase in profiles["ontario"].agenda} - {None}
    assert {"harm", "strengths", "complicating"} <= sections
    assert "worries" not in sections


def test_moving_items_between_frameworks_places_each_at_the_nearest_section():
    """Nothing is lost: every section of one framework has a place on the other's board."""
    assert OLMSTED.place("worries", "worry") == "danger"
    assert OLMSTED.place("strengths", "strength") == "strengths"
    assert SIGNS.place("safety", "strength") == "strengths"
    for key in ("harm", "danger", "complicating", "gaps"):
        assert SIGNS.place(key, "worry") == "worries"
    assert OLMSTED.place("somewhere_else", "worry") == EARLIER
    assert OLMSTED.place(None, "worry") == "harm"  # a new one: the first section holding it


def _framework(**changes) -> dict:
    data = tomllib.loads((FRAMEWORKS_DIR / "olmsted.toml").read_text(encoding="utf-8"))
    sections = data["sections"]
    for number, fields in changes.pop("sections", {}).items():
        sections[number] = {**sections[number], **fields}
        sections[number] = {k: v for k, v in sections[number].items() if v is not None}
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sections": {0: {"holds": "goal"}}}, "holds must be one of"),
        ({"sections": {0: {"fields": ["text", "who"]}}}, "fields must include text"),
        ({"sections": {5: {"fields": ["text", "need_domain"]}}}, None),  # gaps as a worry: fine
        ({"sections": {0: {"title_fr": None}}}, "title_fr must be a text"),
        ({"sections": {0: {"key": "plan"}}}, "key must be a new name"),
        ({"sections": {1: {"key": "harm"}}}, "two sections have the same key"),
        ({"copy_order": ["harm", "nowhere"]}, "copy_order names sections it does not have"),
        ({"sources": []}, "say where the framework is published"),
        ({"common": {"notes": {"title": "x", "title_fr": "y"}}}, "may be retitled"),
    ],
)
def test_a_broken_framework_is_refused_naming_the_file(changes, message):
    data = _framework(**changes)
    if message is None:
        parse_framework(data, "olmsted.toml")
        return
    with pytest.raises(FrameworkError, match=message) as refused:
        parse_framework(data, "olmsted.toml")
    assert str(refused.value).startswith("olmsted.toml")


def test_the_default_framework_must_be_there(tmp_path: Path):
    (tmp_path / "olmsted.toml").write_text(
        (FRAMEWORKS_DIR / "olmsted.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(FrameworkError, match="signs_of_safety"):
        load_frameworks(tmp_path)


def test_a_profile_naming_an_unknown_framework_or_another_frameworks_section_is_refused():
    text = (config.JURISDICTIONS_DIR / "miteam.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    with pytest.raises(ProfileError, match="unknown framework 'strengths_first'"):
        parse_profile({**data, "framework": "strengths_first"}, "miteam.toml", SECTIONS)
    harm_phase = {"key": "harm", "name": "Harm", "section": "harm", "minutes": 5}
    with pytest.raises(ProfileError, match="unknown section 'harm'"):
        parse_profile({**data, "agenda": [harm_phase]}, "miteam.toml", SECTIONS)
    olmsted = {**data, "framework": "olmsted", "agenda": [harm_phase]}
    assert parse_profile(olmsted, "miteam.toml", SECTIONS).agenda[0].section == "harm"
