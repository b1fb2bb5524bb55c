"""Settings from the environment, and the jurisdiction profiles operators write as TOML."""

from __future__ import annotations

from datetime import date

import pytest

import config
from fttm.jurisdictions import ProfileError, load_profiles

PROFILES = load_profiles(config.JURISDICTIONS_DIR)
VALID_PROFILE = """
id = "testland"
name = "Testland"
timezone = "Europe/Paris"
weekend = "keep"
permanency_goals = [{ key = "remain_home", label = "Remain at home" }]
participant_roles = [{ key = "parent", label = "Parent", family = true }]
need_domains = [{ key = "safety", label = "Safety" }]
services = [{ key = "parent_education", label = "Parent education" }]
ecomap_categories = [{ key = "school", label = "School" }]

[timeframes]
plan_due = { days = 21, from = ["substantiation"] }
endorsement_due = { days = 14, from = ["plan"] }
copy_to_family_due = { days = 14, from = ["plan"] }
review_every_days = 90
"""


def _keys(profile_id: str, vocabulary: str) -> set[str]:
    """The keys of one vocabulary of a shipped profile."""
    return {option.key for option in PROFILES[profile_id].options(vocabulary)}


def _labels(profile_id: str, vocabulary: str) -> set[str]:
    """The labels of one vocabulary of a shipped profile."""
    return {option.label for option in PROFILES[profile_id].options(vocabulary)}


def test_boolean_settings_read_the_usual_spellings():
    """Operators can write yes/true/1/on for true and anything else for false."""
    for raw in ("1", "true", "TRUE", "yes", "on", " Yes "):
        settings = config.settings_for("testing", {"FTTM_SESSION_COOKIE_SECURE": raw})
        assert settings["SESSION_COOKIE_SECURE"] is True, raw
    for raw in ("0", "false", "no", "off", ""):
        settings = config.settings_for(
            "production", {"FTTM_SECRET_KEY": "s" * 40, "FTTM_SESSION_COOKIE_SECURE": raw}
        )
        assert settings["SESSION_COOKIE_SECURE"] is False, raw


def test_number_settings_become_numbers():
    """A number from the environment is an int, not a string that compares wrongly."""
    settings = config.settings_for(
        "testing", {"FTTM_SQLITE_BUSY_TIMEOUT_MS": "250", "FTTM_LOGIN_FAILURES_PER_ACCOUNT": "8"}
    )
    assert settings["SQLITE_BUSY_TIMEOUT_MS"] == 250
    assert settings["LOGIN_FAILURES_PER_ACCOUNT"] == 8


def test_list_settings_are_comma_separated():
    """A list is written with commas; spaces and empty parts are ignored."""
    settings = config.settings_for(
        "testing",
        {
            "FTTM_ALLOWED_ORIGINS": " https://a.example , https://b.example,, ",
            "FTTM_LANGUAGES": "en",
        },
    )
    assert settings["ALLOWED_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert settings["LANGUAGES"] == ["en"]


def test_text_settings_are_taken_as_written():
    """Addresses and secrets keep their exact text."""
    settings = config.settings_for(
        "testing",
        {
            "FTTM_DATABASE_URL": "postgresql+psycopg://fttm@db/fttm",
            "FTTM_MESSAGE_QUEUE": "redis://queue:6379/0",
            "FTTM_SECRET_KEY": "  spaces matter  ",
        },
    )
    assert settings["DATABASE_URL"] == "postgresql+psycopg://fttm@db/fttm"
    assert settings["MESSAGE_QUEUE"] == "redis://queue:6379/0"
    assert settings["SECRET_KEY"] == "  spaces matter  "


def test_environment_is_chosen_by_fttm_env():
    """FTTM_ENV picks the settings class; without it fttm runs as development."""
    assert config.settings_for(environ={})["ENV_NAME"] == "development"
    testing = config.settings_for(environ={"FTTM_ENV": "testing"})
    assert testing["ENV_NAME"] == "testing" and testing["TESTING"] is True


def test_the_server_runs_under_eventlet_unless_told_otherwise():
    """The product brief fixes eventlet; only the test suite switches to threads."""
    assert config.settings_for("development", {})["ASYNC_MODE"] == "eventlet"
    assert config.settings_for("testing", {})["ASYNC_MODE"] == "threading"


def test_unknown_environment_is_refused():
    """A typo in FTTM_ENV stops the start with a message listing the valid names."""
    with pytest.raises(RuntimeError, match="staging") as refused:
        config.settings_for(environ={"FTTM_ENV": "staging"})
    assert "production" in str(refused.value) and "development" in str(refused.value)


def test_both_shipped_profiles_load():
    """The jurisdictions the seeds describe are available."""
    assert set(PROFILES) == {"bicpm", "miteam", "ontario"}
    assert PROFILES["bicpm"].plan_due.days == 21
    assert PROFILES["miteam"].plan_due.days == 30
    assert PROFILES["miteam"].review_every_days == 90


@pytest.mark.parametrize("profile_id", ["bicpm", "miteam"])
def test_profiles_offer_the_permanency_goals_of_the_practice_model(profile_id):
    """Staying at home, going home, adoption and a relative's care are all choices."""
    labels = " ".join(_labels(profile_id, "permanency_goals")).lower()
    for words in ("home", "reunification", "adoption"):
        assert words in labels, words
    assert "relative" in labels or "kin" in labels


@pytest.mark.parametrize("profile_id", ["bicpm", "miteam"])
def test_profiles_name_everyone_who_takes_part_in_a_meeting(profile_id):
    """Parent, young person, relative, friend, provider, tribal or cultural rep, other."""
    roles = PROFILES[profile_id].options("participant_roles")
    keys = {role.key for role in roles}
    assert {"parent", "young_person", "relative", "friend", "service_provider", "other"} <= keys
    assert any("tribal" in role.label.lower() or "cultural" in role.label.lower() for role in roles)
    family = {role.key for role in roles if role.family}
    assert {"parent", "young_person", "relative", "friend"} <= family
    assert "service_provider" not in family


@pytest.mark.parametrize("profile_id", ["bicpm", "miteam"])
def test_profiles_have_need_domains_with_safety_first(profile_id):
    """Worries are sorted into domains; safety is always one of them."""
    keys = _keys(profile_id, "need_domains")
    assert "safety" in keys and "substance_use" in keys and len(keys) >= 6


@pytest.mark.parametrize("profile_id", ["bicpm", "miteam"])
def test_profiles_carry_the_service_catalogue_of_seed_001(profile_id):
    """The services seed 001 lists are offered as plan services."""
    labels = _labels(profile_id, "services")
    for service in (
        "Casework support",
        "Crisis intervention",
        "Parent education",
        "Protective day care",
        "Case management",
        "Casework monitoring",
    ):
        assert service in labels, service
    assert any(label.startswith("Counsel") for label in labels)


@pytest.mark.parametrize("profile_id", ["bicpm", "miteam"])
def test_profiles_have_the_ecomap_categories(profile_id):
    """The family's connections to school, health, faith, work, court and more can be drawn."""
    assert {"school", "health", "faith", "work", "court", "friends", "extended_family"} <= _keys(
        profile_id, "ecomap_categories"
    )


def test_bicpm_moves_a_weekend_deadline_to_the_friday_before():
    """A deadline is never missed because it fell on a Saturday or Sunday."""
    bicpm = PROFILES["bicpm"]
    wednesday = date(2025, 1, 1)
    assert bicpm.deadline(wednesday, 3) == date(2025, 1, 3)  # Saturday → Friday
    assert bicpm.deadline(wednesday, 4) == date(2025, 1, 3)  # Sunday → Friday
    assert bicpm.deadline(wednesday, 2) == date(2025, 1, 3)  # Friday stays
    assert bicpm.deadline(wednesday, 5) == date(2025, 1, 6)  # Monday stays
    assert bicpm.deadline(date(2025, 1, 4), 21) == date(2025, 1, 24)


def test_miteam_keeps_a_weekend_deadline():
    """MiTEAM counts calendar days and does not move a deadline off a weekend."""
    miteam = PROFILES["miteam"]
    assert miteam.deadline(date(2025, 1, 1), 3) == date(2025, 1, 4)
    assert miteam.deadline(date(2025, 1, 1), 4) == date(2025, 1, 5)


def test_a_valid_profile_file_loads(tmp_path):
    """The template used by the broken-file tests is itself valid."""
    (tmp_path / "testland.toml").write_text(VALID_PROFILE, encoding="utf-8")
    assert set(load_profiles(tmp_path)) == {"testland"}


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        (
            VALID_PROFILE.replace(
                'services = [{ key = "parent_education", label = "Parent education" }]', ""
            ),
            "services",
        ),
        (VALID_PROFILE.replace('id = "testland"', ""), "needs an id"),
        (VALID_PROFILE.replace("review_every_days = 90", ""), "review_every_days"),
        (
            VALID_PROFILE.replace(
                'need_domains = [{ key = "safety", label = "Safety" }]',
                'need_domains = [{ key = "safety", label = "Safety" }, '
                '{ key = "safety", label = "Safety again" }]',
            ),
            "repeats the key",
        ),
        (
            VALID_PROFILE.replace('{ key = "school", label = "School" }', '{ key = "school" }'),
            "needs a key and a label",
        ),
        (VALID_PROFILE.replace("Europe/Paris", "Mars/Olympus_Mons"), "Mars/Olympus_Mons"),
        (
            VALID_PROFILE.replace('from = ["plan"] }\ncopy', 'from = ["birthday"] }\ncopy'),
            "endorsement_due",
        ),
        (VALID_PROFILE.replace('weekend = "keep"', 'weekend = "sometimes"'), "weekend"),
        (VALID_PROFILE.replace("days = 21", "days = -1"), "plan_due"),
        (VALID_PROFILE.replace('name = "Testland"', 'name = "Testland'), "testland.toml"),
        (
            VALID_PROFILE.replace('copy_to_family_due = { days = 14, from = ["plan"] }\n', ""),
            "timeframes.copy_to_family_due is missing: give it, or name it in timeframes.left_out",
        ),
        (
            VALID_PROFILE.replace("[timeframes]", '[timeframes]\nleft_out = ["plan_due"]'),
            "timeframes.plan_due is both given and left out",
        ),
        (
            VALID_PROFILE.replace("[timeframes]", '[timeframes]\nleft_out = ["plan_deadline"]'),
            "left_out names 'plan_deadline'",
        ),
    ],
    ids=[
        "missing-vocabulary",
        "missing-id",
        "missing-review",
        "duplicate-key",
        "entry-no-label",
        "bad-timezone",
        "unknown-anchor",
        "bad-weekend-rule",
        "negative-days",
        "invalid-toml",
        "timeframe-missing-unsaid",
        "timeframe-given-and-left-out",
        "unknown-timeframe-left-out",
    ],
)
def test_a_broken_profile_is_refused_naming_the_file(tmp_path, broken, said):
    """The operator is told which file is wrong and what is wrong in it."""
    (tmp_path / "testland.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(ProfileError) as refused:
        load_profiles(tmp_path)
    message = str(refused.value)
    assert message.startswith("testland.toml")
    assert said in message


def test_a_profile_may_leave_out_timeframes_it_names(tmp_path):
    """A timeframe with no source is left out by name: the profile then counts no deadline for
    it, and keeps the ones it gives."""
    without = (
        VALID_PROFILE.replace('plan_due = { days = 21, from = ["substantiation"] }\n', "")
        .replace("review_every_days = 90\n", "")
        .replace("[timeframes]", '[timeframes]\nleft_out = ["review_every_days", "plan_due"]')
    )
    (tmp_path / "testland.toml").write_text(without, encoding="utf-8")
    rules = load_profiles(tmp_path)["testland"]
    assert rules.plan_due is None and rules.review_every_days is None
    assert rules.left_out == ("plan_due", "review_every_days")
    assert rules.endorsement_due.days == 14


def test_two_profiles_with_the_same_id_are_refused(tmp_path):
    """A copied file that kept its id does not silently replace the original."""
    (tmp_path / "a.toml").write_text(VALID_PROFILE, encoding="utf-8")
    (tmp_path / "b.toml").write_text(VALID_PROFILE, encoding="utf-8")
    with pytest.raises(ProfileError, match=r"^b\.toml: .*'testland'"):
        load_profiles(tmp_path)


def test_a_folder_without_profiles_is_refused(tmp_path):
    """fttm does not start without any jurisdiction to plan cases in."""
    with pytest.raises(ProfileError, match="no jurisdiction profiles"):
        load_profiles(tmp_path)
