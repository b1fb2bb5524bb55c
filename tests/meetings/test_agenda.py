"""A meeting's agenda: the profiles' default agendas and their checks, a meeting's copy of it, and
the facilitator's edits before the meeting goes live, each recorded, bad input refused."""

from __future__ import annotations

import re

import pytest

import config
from fttm.core.registry import SECTIONS
from fttm.errors import Invalid, NotFound
from fttm.jurisdictions import ProfileError, load_profiles, parse_profile
from fttm.meetings import agenda
from fttm.meetings.commands import open_meeting, start_meeting
from fttm.meetings.models import MeetingStatus
from tests import factories
from tests.helpers import meeting_row, post_form, transcript_events

PROFILES = load_profiles(config.JURISDICTIONS_DIR, SECTIONS)


def test_miteam_follows_the_team_meeting_of_its_seed():
    """MiTEAM's agenda is the family team meeting, from welcome to plus/delta."""
    phases = PROFILES["miteam"].agenda
    assert [phase.name for phase in phases] == [
        "Welcome and purpose",
        "Ground rules",
        "What's working well",
        "What are we worried about",
        "Family map",
        "What needs to happen",
        "Safety plan",
        "Agreeing the plan and next steps",
        "Plus / delta",
    ]
    assert [phase.section for phase in phases][2:7] == [
        "strengths",
        "worries",
        "family_map",
        "plan",
        "safety_plan",
    ]
    assert not any(phase.family_time for phase in phases)


def test_best_interests_gives_the_family_private_time_to_plan():
    """The Best Interests planning meeting has Family-Led Decision-Making's private family time,
    about the plan, before the family presents it."""
    phases = PROFILES["bicpm"].agenda
    private = [phase for phase in phases if phase.family_time]
    assert [(phase.key, phase.section) for phase in private] == [("family_time", "plan")]
    keys = [phase.key for phase in phases]
    assert keys.index("family_time") + 1 == keys.index("family_plan")
    assert all(phase.minutes > 0 for phase in phases)


def _profile_with(agenda_toml: str) -> dict:
    """A valid profile's data with this agenda."""
    import tomllib

    base = (config.JURISDICTIONS_DIR / "miteam.toml").read_text(encoding="utf-8")
    base = base[: base.index("[[agenda]]")]
    return tomllib.loads(base + agenda_toml)


@pytest.mark.parametrize(
    ("agenda_toml", "said"),
    [
        (
            '[[agenda]]\nkey = "a"\nname = "A"\nsection = "payroll"\nminutes = 5\n',
            "unknown section",
        ),
        (
            '[[agenda]]\nkey = "a"\nname = "A"\nminutes = 5\n[[agenda]]\nkey = "a"\nname = "B"\n'
            "minutes = 5\n",
            "repeats the key 'a'",
        ),
        ('[[agenda]]\nkey = "a"\nname = "A"\nminutes = 0\n', "minutes must be a positive"),
        ('[[agenda]]\nkey = "a"\nname = "A"\nminutes = -3\n', "minutes must be a positive"),
        ('[[agenda]]\nkey = "a"\nname = "A"\nminutes = "ten"\n', "minutes must be a positive"),
        ('[[agenda]]\nkey = "a"\nname = "A"\n', "minutes must be a positive"),
        ('[[agenda]]\nkey = "a"\nminutes = 5\n', "needs a key and a name"),
        ('[[agenda]]\nkey = "a"\nname = "A"\nminutes = 5\nfamily_time = "yes"\n', "family_time"),
    ],
    ids=[
        "unknown-section",
        "duplicate-key",
        "zero",
        "negative",
        "words",
        "none",
        "no-name",
        "flag",
    ],
)
def test_a_bad_agenda_fails_at_load_naming_the_file(agenda_toml, said):
    """An operator's mistake in an agenda stops the app at start with a clear message."""
    with pytest.raises(ProfileError) as refused:
        parse_profile(_profile_with(agenda_toml), "miteam.toml", SECTIONS)
    assert str(refused.value).startswith("miteam.toml: ")
    assert said in str(refused.value)


def test_a_profile_without_an_agenda_loads_with_none():
    """An agenda is optional: meetings of such a profile simply have no phases."""
    assert parse_profile(_profile_with(""), "x.toml", SECTIONS).agenda == ()


def test_a_scheduled_meeting_gets_its_own_copy_of_the_profiles_agenda(facilitator, case):
    """Scheduling copies the agenda: later edits change this meeting only."""
    meeting = factories.make_meeting(facilitator, case)
    assert [entry["key"] for entry in meeting.agenda] == [p.key for p in PROFILES["miteam"].agenda]
    assert not any(entry["skipped"] for entry in meeting.agenda)
    agenda.skip(facilitator, meeting, "ground_rules", True)
    other = factories.make_meeting(facilitator, case, days_ahead=9)
    assert not any(entry["skipped"] for entry in other.agenda)


def test_a_meeting_from_before_agendas_follows_its_profiles(facilitator, case):
    """An old row with an empty agenda shows, edits and moves through the profile's default."""
    meeting = factories.make_meeting(facilitator, case)
    meeting.agenda = []
    from fttm.extensions import db

    db.session.commit()
    assert agenda.agenda_of(meeting)[0]["key"] == "welcome"
    agenda.set_minutes(facilitator, meeting, "welcome", "7")
    assert meeting_row(meeting.id).agenda[0]["minutes"] == 7


def test_each_edit_is_recorded_with_the_agenda_before_and_after(facilitator, case):
    """Reorder, skip, bring back, change minutes and add: each one event, the agenda saved."""
    meeting = factories.make_meeting(facilitator, case)
    agenda.move(facilitator, meeting, "ground_rules", "up")
    agenda.skip(facilitator, meeting, "family_map", True)
    agenda.skip(facilitator, meeting, "family_map", False)
    agenda.set_minutes(facilitator, meeting, "safety_plan", "25")
    agenda.add(facilitator, meeting, "  Check-in with  Leo ", "", "5")
    keys = [entry["key"] for entry in meeting_row(meeting.id).agenda]
    assert keys[:2] == ["ground_rules", "welcome"]
    assert keys[-1] == "check_in_with_leo"
    saved = meeting_row(meeting.id).agenda
    assert saved[-1] | {} == {
        "key": "check_in_with_leo",
        "name": "Check-in with Leo",
        "section": None,
        "minutes": 5,
        "family_time": False,
        "skipped": False,
    }
    assert next(e for e in saved if e["key"] == "safety_plan")["minutes"] == 25
    events = transcript_events(case.id, kind="meeting.agenda_changed")
    assert [event.after["change"] for event in events] == [
        "moved",
        "skipped",
        "unskipped",
        "minutes",
        "added",
    ]
    assert events[0].before["agenda"][0]["key"] == "welcome"
    assert events[-1].after["agenda"] == saved


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (lambda a, f, m: a.move(f, m, "welcome", "up"), Invalid),
        (lambda a, f, m: a.move(f, m, "plus_delta", "down"), Invalid),
        (lambda a, f, m: a.move(f, m, "welcome", "sideways"), Invalid),
        (lambda a, f, m: a.move(f, m, "no_such_phase", "up"), NotFound),
        (lambda a, f, m: a.set_minutes(f, m, "welcome", "0"), Invalid),
        (lambda a, f, m: a.set_minutes(f, m, "welcome", "-5"), Invalid),
        (lambda a, f, m: a.set_minutes(f, m, "welcome", "ten"), Invalid),
        (lambda a, f, m: a.set_minutes(f, m, "welcome", "9999"), Invalid),
        (lambda a, f, m: a.add(f, m, "", "plan", "5"), Invalid),
        (lambda a, f, m: a.add(f, m, "Money", "payroll", "5"), Invalid),
        (lambda a, f, m: a.add(f, m, "Money", "plan", "1.5"), Invalid),
        (lambda a, f, m: a.add(f, m, "x" * 81, "plan", "5"), Invalid),
    ],
)
def test_bad_edits_are_refused_and_nothing_is_saved(facilitator, case, edit, error):
    """A forged or mistyped edit is refused with its reason; the agenda stays as it was."""
    meeting = factories.make_meeting(facilitator, case)
    before = list(meeting_row(meeting.id).agenda)
    with pytest.raises(error):
        edit(agenda, facilitator, meeting)
    assert meeting_row(meeting.id).agenda == before
    assert transcript_events(case.id, kind="meeting.agenda_changed") == []


def test_every_phase_cannot_be_skipped(facilitator, case):
    """A meeting keeps at least one phase."""
    meeting = factories.make_meeting(facilitator, case)
    keys = [entry["key"] for entry in meeting.agenda]
    for key in keys[:-1]:
        agenda.skip(facilitator, meeting, key, True)
    with pytest.raises(Invalid, match="at least one phase"):
        agenda.skip(facilitator, meeting, keys[-1], True)


def test_the_agenda_changes_until_the_meeting_goes_live(facilitator, case, team):
    """Open but not live: still editable. Live: refused. Another team: not found."""
    meeting = factories.make_meeting(facilitator, case)
    open_meeting(facilitator, meeting)
    agenda.set_minutes(facilitator, meeting, "welcome", "3")
    outsider = factories.make_user(team=factories.make_team("Elsewhere"))
    with pytest.raises(NotFound):
        agenda.set_minutes(outsider, meeting, "welcome", "4")
    start_meeting(facilitator, meeting)
    assert meeting.status == MeetingStatus.LIVE
    with pytest.raises(Invalid, match="only before the meeting starts"):
        agenda.set_minutes(facilitator, meeting, "welcome", "4")
    assert meeting_row(meeting.id).agenda[0]["minutes"] == 3


def _words(html: str) -> str:
    """A page's text as a screen reader names its controls: tags dropped (the phase a button
    is about is visually hidden but part of its name)."""
    return re.sub(r"<[^>]+>", "", html)


def test_the_meeting_page_edits_the_agenda_with_plain_forms(client, auth, facilitator, case):
    """Each form posts without scripts: saved and back to the agenda; refused: the page again
    with the reason and the typed words, nothing saved."""
    auth.login(facilitator)
    meeting = factories.make_meeting(facilitator, case)
    page = f"/meetings/{meeting.id}"
    html = _words(client.get(page).get_data(as_text=True))
    assert "Move down: Welcome and purpose" in html and "Skip: Ground rules" in html
    answer = post_form(client, f"{page}/agenda/ground_rules/skip", {"skipped": "1"}, form_page=page)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#agenda")
    assert meeting_row(meeting.id).agenda[1]["skipped"] is True
    assert "Bring back: Ground rules" in _words(client.get(page).get_data(as_text=True))
    answer = post_form(
        client,
        f"{page}/agenda",
        {"name": "Leo's wishes", "section": "payroll", "minutes": "0"},
        form_page=page,
    )
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "Choose a section of the board, or none." in html
    assert "whole number from 1 to 240" in html
    assert "Leo&#39;s wishes" in html or "Leo's wishes" in html
    assert len(meeting_row(meeting.id).agenda) == 9
    answer = post_form(client, f"{page}/agenda/nope/minutes", {"minutes": "5"}, form_page=page)
    assert answer.status_code == 404
    assert "This phase is not on the agenda." in answer.get_data(as_text=True)
