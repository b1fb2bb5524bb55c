"""A phone's token: signed with its issue time, alive through the meeting and the profile's
family-access days after it, dead at once when its participant is removed."""

from __future__ import annotations

import time
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from itsdangerous import URLSafeSerializer

import config
from fttm.extensions import db
from fttm.joining import tokens
from fttm.joining.commands import admit, join_as_staff, join_meeting
from fttm.jurisdictions import ProfileError, parse_profile
from fttm.live.viewer import participant_from_cookie
from fttm.meetings.commands import end_meeting
from fttm.meetings.models import Participant
from tests.helpers import join_by_code

DAY = 24 * 60 * 60


@pytest.fixture
def maria(facilitator, meeting) -> Participant:
    """Maria, admitted to the live meeting."""
    participant = join_meeting(meeting, display_name="Maria", role="parent")
    return admit(join_as_staff(facilitator, meeting), participant)


def _opens(app, meeting, token: str) -> bool:
    """Whether a phone presenting `token` in its cookie is taken for its participant."""
    cookie = f"{tokens.cookie_name(meeting.id)}={token}"
    with app.test_request_context(headers={"Cookie": cookie}):
        return participant_from_cookie(meeting) is not None


def _days_ago(days: float) -> float:
    """A Unix time `days` days before now."""
    return time.time() - days * DAY


def test_a_token_carries_its_issue_time_signed(app, maria):
    """The token says when it was issued, under the signature with the rest."""
    data = URLSafeSerializer(app.config["SECRET_KEY"], salt=tokens.SALT).loads(tokens.issue(maria))

    assert set(data) == {"m", "p", "n", "t"}
    assert abs(data["t"] - time.time()) < 5


def test_a_token_without_an_issue_time_or_from_the_future_opens_nothing(app, meeting, maria):
    """A token of the old kind (no time) or dated ahead of the clock is refused."""
    sign = URLSafeSerializer(app.config["SECRET_KEY"], salt=tokens.SALT).dumps
    fields = {"m": meeting.id, "p": maria.id, "n": maria.token_nonce}

    assert _opens(app, meeting, sign({**fields, "t": int(time.time())}))
    for odd in ({}, {"t": "yesterday"}, {"t": True}, {"t": -5}, {"t": 10**20}):
        assert not _opens(app, meeting, sign({**fields, **odd})), odd
    assert not _opens(app, meeting, tokens.issue(maria, now=time.time() + 3600))


def test_while_the_meeting_runs_a_token_lives_the_family_access_days(app, meeting, maria):
    """A meeting left running does not keep a phone in for ever: 30 days from its token."""
    assert _opens(app, meeting, tokens.issue(maria, now=_days_ago(29)))
    assert not _opens(app, meeting, tokens.issue(maria, now=_days_ago(31)))


def test_after_the_meeting_a_token_lives_the_family_access_days(app, facilitator, meeting, maria):
    """Thirty days after the end (MiTEAM), not one more; a token that ran out while the meeting
    ran does not come back to life when it ends."""
    fresh_token = tokens.issue(maria)
    ran_out = tokens.issue(maria, now=_days_ago(31))
    end_meeting(facilitator, meeting)
    ended = meeting.ended_at

    assert _opens(app, meeting, fresh_token)
    assert not _opens(app, meeting, ran_out)
    meeting.ended_at = ended - timedelta(days=29, hours=23)
    db.session.commit()
    assert _opens(app, meeting, tokens.issue(maria, now=_days_ago(30)))
    meeting.ended_at = ended - timedelta(days=30, minutes=1)
    db.session.commit()
    assert not _opens(app, meeting, tokens.issue(maria, now=_days_ago(30.1)))


def test_the_phone_keeps_its_cookie_as_long_as_the_server_may_take_it(client, facilitator, meeting):
    """The browser is asked to keep the cookie the family-access days and a day for the meeting."""
    response, _token = join_by_code(client, meeting.join_code, "Maria", "parent")

    cookie = next(
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith(tokens.cookie_name(meeting.id) + "=")
    )
    assert f"Max-Age={31 * DAY}" in cookie


def _shipped(name: str) -> dict:
    """A shipped jurisdiction profile file, parsed."""
    path = Path(config.JURISDICTIONS_DIR) / f"{name}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["miteam", "bicpm"])
def test_the_shipped_profiles_give_families_thirty_days(name):
    """Both profiles say it in their files."""
    data = _shipped(name)

    assert data["timeframes"]["family_access_days_after_meeting"] == 30
    assert parse_profile(data, f"{name}.toml").family_access_days == 30


def test_a_profile_may_leave_out_the_family_access_days_or_set_them():
    """Left out, 30 days; set, as set."""
    data = _shipped("miteam")
    del data["timeframes"]["family_access_days_after_meeting"]
    assert parse_profile(data, "x.toml").family_access_days == 30

    data["timeframes"]["family_access_days_after_meeting"] = 45
    assert parse_profile(data, "x.toml").family_access_days == 45


@pytest.mark.parametrize("value", [0, -1, "30", True, 1.5])
def test_family_access_days_that_make_no_sense_are_refused(value):
    """Zero, negative, text, yes/no or a fraction: the profile is refused, naming the setting."""
    data = _shipped("miteam")
    data["timeframes"]["family_access_days_after_meeting"] = value

    with pytest.raises(ProfileError, match="family_access_days_after_meeting"):
        parse_profile(data, "x.toml")
