"""Staff add, change, remove and restore the voices of people not in the room, each with its
transcript event; family members cannot, and bad input saves nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fttm.errors import Conflict, Invalid, NotAllowed, NotFound
from fttm.meetings.commands import end_meeting
from fttm.voices import commands
from fttm.voices.models import AbsentVoice
from tests import factories
from tests.helpers import count, transcript_events
from tests.voices import samples
from tests.voices.helpers import voice_form


def test_staff_add_a_childs_drawing_through_a_teacher(app, facilitator, meeting, published):
    with app.test_request_context():
        voice = commands.add_voice(
            facilitator, meeting, voice_form(shareable="1"), samples.drawing_png_with_gps()
        )
    assert voice.source.value == "child" and voice.through_name == "Ms Park"
    assert voice.shareable and not voice.confidential and voice.meeting_id == meeting.id
    assert voice.picture_type == "image/png" and samples.metadata_of(voice.picture)["gps"] == {}
    (event,) = published[-1]
    assert event.kind == "voice.added" and event.section == "strengths"
    assert event.after["from_name"] == "Leo" and "picture" not in event.after


def test_a_voice_not_agreed_to_is_confidential(app, facilitator, meeting):
    with app.test_request_context():
        voice = commands.add_voice(facilitator, meeting, voice_form())
    assert not voice.shareable and voice.confidential


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"through_name": ""}, "through_name", "through someone they trust"),
        ({"source": "neighbour"}, "source", "a child, a relative or a provider"),
        ({"from_name": " "}, "from_name", "whose voice"),
        ({"section": "notes"}, "section", "part of the board"),
        ({"words": ""}, "words", "or add a picture"),
        ({"given_on": "yesterday"}, "given_on", "2026-12-31"),
        ({"given_on": (date.today() + timedelta(days=3)).isoformat()}, "given_on", "not come"),
        ({"from_name": "x" * 121}, "from_name", "at most 120"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_saves_nothing(
    app, facilitator, meeting, changes, field, words
):
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        commands.add_voice(facilitator, meeting, voice_form(**changes))
    assert words in refused.value.errors[field]
    assert count(AbsentVoice) == 0


def test_a_relatives_words_need_no_one_in_between(app, facilitator, meeting):
    with app.test_request_context():
        voice = commands.add_voice(
            facilitator, meeting, voice_form(source="relative", through_name="", from_name="Gran")
        )
    assert voice.through_name is None


def test_a_picture_needs_words_for_those_who_cannot_see_it(app, facilitator, meeting):
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        commands.add_voice(
            facilitator, meeting, voice_form(picture_description=""), samples.drawing_png_with_gps()
        )
    assert "Describe the picture" in refused.value.errors["picture_description"]


def test_a_bad_picture_and_a_bad_field_are_both_told(app, facilitator, meeting):
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        commands.add_voice(facilitator, meeting, voice_form(through_name=""), samples.gif())
    assert set(refused.value.errors) == {"picture", "through_name"}
    assert count(AbsentVoice) == 0


def test_only_staff_of_the_team_add_voices(app, meeting):
    stranger = factories.make_user(team=factories.make_team(), name="Otto Other")
    with app.test_request_context(), pytest.raises(NotFound):
        commands.add_voice(stranger, meeting, voice_form())
    admin = factories.make_user(team=None, role="admin", name="Ada")
    with app.test_request_context(), pytest.raises(NotAllowed):
        commands.add_voice(admin, meeting, voice_form())
    assert count(AbsentVoice) == 0


def test_voices_are_added_before_the_meeting_not_after(app, facilitator, case):
    scheduled = factories.make_meeting(facilitator, case)
    with app.test_request_context():
        assert commands.add_voice(facilitator, scheduled, voice_form()).meeting_id == scheduled.id
    from fttm.meetings.commands import open_meeting, start_meeting

    open_meeting(facilitator, scheduled)
    start_meeting(facilitator, scheduled)
    end_meeting(facilitator, scheduled)
    with app.test_request_context(), pytest.raises(NotAllowed):
        commands.add_voice(facilitator, scheduled, voice_form())
    assert count(AbsentVoice) == 1


def test_edit_remove_and_restore_are_recorded(app, facilitator, meeting):
    with app.test_request_context():
        voice = commands.add_voice(facilitator, meeting, voice_form())
        form = voice_form(shareable="1", section="worries", base_version=str(voice.version))
        commands.edit_voice(facilitator, meeting, voice.id, form)
        assert voice.shareable and not voice.confidential and voice.section == "worries"
        with pytest.raises(Conflict):  # an edit from a version someone changed since
            commands.edit_voice(facilitator, meeting, voice.id, {**form, "words": "other"})
        commands.remove_voice(facilitator, meeting, voice.id)
        assert voice.deleted_at is not None
        commands.restore_voice(facilitator, meeting, voice.id)
        assert voice.deleted_at is None
    kinds = [event.kind for event in transcript_events(meeting.case_id)]
    assert kinds[-5:] == [
        "voice.added",
        "voice.edited",
        "voice.moved",
        "voice.deleted",
        "voice.restored",
    ]


def test_the_transcript_tells_each_change_to_a_voice(app, facilitator, meeting):
    from fttm.transcript.sentences import sentence

    with app.test_request_context():
        voice = commands.add_voice(
            facilitator, meeting, voice_form(), samples.drawing_png_with_gps()
        )
        form = voice_form(shareable="1", section="worries", base_version=str(voice.version))
        commands.edit_voice(facilitator, meeting, voice.id, form)
        commands.remove_voice(facilitator, meeting, voice.id)
        commands.restore_voice(facilitator, meeting, voice.id)
        told = [sentence(event) for event in transcript_events(meeting.case_id)[-5:]]
    who = f"{facilitator.name} (Facilitator)"
    assert told[0] == (
        f"{who} added the voice of Leo, through Ms Park: “I like my three houses” "
        "(a picture: Three houses: mum's, nan's and school) "
        "(staff only: they did not agree to the family seeing it)"
    )
    assert told[1:] == [
        f"{who} changed the voice of Leo",
        f"{who} moved the voice of Leo to “What are we worried about”",
        f"{who} removed the voice of Leo",
        f"{who} brought back the voice of Leo",
    ]
