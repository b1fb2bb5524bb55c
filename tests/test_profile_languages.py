"""Jurisdiction profiles in English and French: vocabulary labels and agenda phase names given in
the profile file, shown in each reader's language; and the Ontario society's profile."""

from __future__ import annotations

import re

import pytest
from flask import g
from flask_babel import force_locale

import config
from fttm.core.registry import SECTIONS
from fttm.jurisdictions import (
    TIMEFRAMES,
    VOCABULARIES,
    Option,
    load_profiles,
    parse_profile,
    phase_name,
    phase_name_also,
)
from fttm.meetings import agenda
from tests import factories

PROFILES = load_profiles(config.JURISDICTIONS_DIR, SECTIONS)
SHIPPED = sorted(PROFILES)


@pytest.mark.parametrize("profile_id", SHIPPED)
def test_every_entry_and_phase_of_a_shipped_profile_has_its_french(profile_id):
    """Roles, need domains, services, ecomap categories, permanency goals and agenda phases all
    read in French for a fr_CA reader, and in English otherwise."""
    rules = PROFILES[profile_id]
    for vocabulary in VOCABULARIES:
        for option in rules.options(vocabulary):
            french = dict(option.labels).get("fr")
            assert french and french.strip(), (vocabulary, option.key)
            assert option.label_for("fr_CA") == french
            assert option.label_for("en") == option.label
    assert rules.agenda
    for phase in rules.agenda:
        entry = phase.as_agenda_entry()
        assert entry["names"].get("fr"), phase.key
        assert phase_name(entry, "fr_CA") == entry["names"]["fr"]
        assert phase_name(entry, "en") == phase.name


def test_a_french_reader_falls_back_from_fr_ca_to_fr_then_to_the_default():
    """The exact locale first, then its language, then the profile's own label."""
    option = Option("safety", "Safety", (("fr", "Sécurité"), ("fr_CA", "Sécurité (Canada)")))
    assert option.label_for("fr_CA") == "Sécurité (Canada)"
    assert option.label_for("fr_FR") == "Sécurité"
    assert option.label_for("en") == "Safety"
    assert Option("safety", "Safety").label_for("fr_CA") == "Safety"


def test_the_ontario_profile_loads_with_its_time_zone_goals_and_agenda():
    """Toronto time; Ontario's permanency goals (customary care, extended society care, legal
    custody...); an agenda whose sections the board has; timeframes flagged as unconfirmed."""
    rules = PROFILES["ontario"]
    assert rules.zone.key == "America/Toronto"
    goals = {option.key: option for option in rules.options("permanency_goals")}
    assert {"customary_care", "extended_society_care", "legal_custody", "adoption"} <= set(goals)
    assert "First Nations, Inuk or Métis" in goals["customary_care"].label
    assert goals["customary_care"].label_for("fr_CA").startswith("Soins conformes aux traditions")
    assert goals["extended_society_care"].label_for("fr_CA") == "Soins prolongés de la société"
    assert "francophone_community" in {o.key for o in rules.options("ecomap_categories")}
    assert [phase.key for phase in rules.agenda][:2] == ["welcome", "safety_check"]
    # No Ontario source was found for its day counts: each is left out, none invented.
    assert rules.left_out == TIMEFRAMES
    assert rules.plan_due is None and rules.endorsement_due is None
    assert rules.copy_to_family_due is None and rules.review_every_days is None
    assert rules.tribe_contact is None


def test_the_ontario_profile_cites_its_sources_and_says_what_it_left_out():
    """The seed, the Standards and the regulations searched are cited, and the profile says
    why its timeframes are left out; no day count is borrowed from another profile."""
    text = (config.JURISDICTIONS_DIR / "ontario.toml").read_text(encoding="utf-8")
    assert "seed 004" in text and "Ontario Child Protection Standards (2016)" in text
    assert "O. Reg. 156/18" in text and "O. Reg. 206/00" in text
    assert "LEFT OUT, FOR WANT OF AN ONTARIO SOURCE" in text
    assert "PLACEHOLDER" not in text
    settings = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in settings if "days =" in line or "review_every_days =" in line]


def _profile(agenda_toml: str) -> dict:
    """A minimal profile with the given agenda."""
    import tomllib

    return tomllib.loads(
        """
id = "testland"
name = "Testland"
permanency_goals = [{ key = "home", label = "Home", label_fr = "Maison" }]
participant_roles = [{ key = "parent", label = "Parent", family = true }]
need_domains = [{ key = "safety", label = "Safety" }]
services = [{ key = "support", label = "Support" }]
ecomap_categories = [{ key = "school", label = "School" }]
[timeframes]
plan_due = { days = 30, from = ["placement"] }
endorsement_due = { days = 14, from = ["plan"] }
copy_to_family_due = { days = 14, from = ["plan"] }
review_every_days = 90
"""
        + agenda_toml
    )


def test_a_phase_takes_its_names_from_name_keys_and_a_typed_one_stays_as_typed(app):
    """`name_fr` (and any `name_<locale>`) is kept on the meeting's copy; a phase the
    facilitator typed has no other name and reads the same in every language."""
    rules = parse_profile(
        _profile(
            '[[agenda]]\nkey = "worries"\nname = "Worries"\nname_fr = "Inquiétudes"\n'
            'name_es = "Preocupaciones"\nsection = "worries"\nminutes = 5\n'
        ),
        "x.toml",
        SECTIONS,
    )
    entry = rules.agenda[0].as_agenda_entry()
    assert entry["names"] == {"fr": "Inquiétudes", "es": "Preocupaciones"}
    assert rules.options("permanency_goals")[0].label_for("fr_CA") == "Maison"
    typed = {"key": "leo", "name": "Les souhaits de Léo", "section": None}
    with app.test_request_context():
        with force_locale("fr_CA"):
            assert phase_name(entry) == "Inquiétudes"
            assert phase_name(typed) == "Les souhaits de Léo"
        with force_locale("en"):
            assert phase_name(entry) == "Worries"
            assert phase_name(typed) == "Les souhaits de Léo"


def test_a_bilingual_wall_shows_a_phase_in_its_second_language_too(app):
    """With a second language set (g.fttm_also), the other name comes beside, marked with its
    language; without one, or for a typed phase, nothing."""
    entry = {"key": "worries", "name": "Worries <b>", "names": {"fr": "Inquiétudes"}}
    with app.test_request_context():
        with force_locale("fr_CA"):
            assert phase_name_also(entry) == ""
            g.fttm_also = "en"
            assert (
                str(phase_name_also(entry))
                == ' <span class="also" lang="en">Worries &lt;b&gt;</span>'
            )
            assert phase_name_also({"key": "leo", "name": "Léo"}) == ""
        with force_locale("en"):
            g.fttm_also = "fr_CA"
            assert 'lang="fr-CA">Inquiétudes<' in str(phase_name_also(entry))


def _words(html: str) -> str:
    """A page's text as a screen reader names its controls."""
    return re.sub(r"<[^>]+>", "", html)


def test_the_meeting_page_names_the_phases_in_the_readers_language(client, auth, facilitator, case):
    """A French-speaking facilitator reads the agenda's phases in French; an added phase stays
    as it was typed; an English one reads them in English."""
    auth.login(facilitator)
    meeting = factories.make_meeting(facilitator, case)
    agenda.add(facilitator, meeting, "Les souhaits de Léo", "", "5")
    page = f"/meetings/{meeting.id}"
    french = _words(client.get(page, headers={"Accept-Language": "fr-CA"}).get_data(as_text=True))
    assert "Règles de base" in french and "Ce qui nous inquiète" in french
    assert "Ground rules" not in french
    assert "Les souhaits de Léo" in french
    english = _words(client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "Ground rules" in english and "Règles de base" not in english
    assert "Les souhaits de Léo" in english


def test_each_profile_is_named_in_the_readers_language(app):
    """A French reader picks and reads « Société d'aide à l'enfance de l'Ontario »; a profile
    without a French name keeps its own."""
    rules = PROFILES["ontario"]
    with app.test_request_context(), force_locale("fr_CA"):
        assert rules.title() == "Société d'aide à l'enfance de l'Ontario"
        assert PROFILES["miteam"].title().startswith("MiTEAM (plan en 30 jours")
        assert parse_profile(_profile(""), "t.toml").title() == "Testland"
    with app.test_request_context(), force_locale("en"):
        assert rules.title() == "Ontario children's aid society"
