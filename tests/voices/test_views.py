"""Adding a voice through the real form: each bad upload is refused with its message on the page
and nothing saved; a family phone cannot add one; the meeting page and console offer the form."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fttm.transcript.models import TranscriptEvent
from fttm.voices.models import AbsentVoice
from tests.helpers import count
from tests.voices import samples
from tests.voices.helpers import post_voice, voice_form


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (samples.gif(), "drawing.gif", "Pictures must be PNG or JPEG"),
        (samples.PDF, "report.pdf", "Pictures must be PNG or JPEG"),
        (samples.NOT_AN_IMAGE, "drawing.png", "not a picture fttm can read"),
        (samples.SCRIPT, "drawing.jpg", "holds text or a script"),
        (samples.too_large(), "drawing.png", "larger than 5 MB"),
    ],
    ids=["wrong-type", "pdf", "not-an-image", "script", "too-large"],
)
def test_a_refused_upload_says_why_and_saves_nothing(live, data, name, words):
    events = count(TranscriptEvent)
    answer = post_voice(live.staff, live.id, data, name=name)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert words in page and "The voice was not saved" in page
    assert 'value="Ms Park"' in page  # what was typed is kept for the next try
    assert count(AbsentVoice) == 0 and count(TranscriptEvent) == events


def test_an_upload_far_past_the_limit_is_refused_before_it_is_read(live):
    huge = b"\x89PNG\r\n\x1a\n" + b"0" * (9 * 1024 * 1024)
    # Encoded in memory (the test client would spool it to a file the refusal never reads).
    boundary, body = encode_multipart(
        {**voice_form(), "picture": FileStorage(io.BytesIO(huge), "a.png")}
    )
    answer = live.staff.browser.post(
        f"/meetings/{live.id}/voices/",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"X-CSRFToken": live.staff.csrf},
    )
    assert answer.status_code == 413
    assert "larger than 5 MB" in answer.get_data(as_text=True)
    assert count(AbsentVoice) == 0


def test_a_family_phone_cannot_add_a_voice(live, maria):
    answer = post_voice(maria, live.id, samples.drawing_png_with_gps(), shareable="1")
    assert answer.status_code in (302, 403, 404)
    assert "/login" in answer.headers.get("Location", "/login")
    assert count(AbsentVoice) == 0


def test_a_form_without_its_csrf_token_saves_nothing(live):
    live.staff.csrf = "forged"
    assert post_voice(live.staff, live.id, samples.drawing_png_with_gps()).status_code == 400
    assert count(AbsentVoice) == 0


def test_the_meeting_page_and_the_console_offer_the_form(live):
    meeting_page = live.staff.browser.get(f"/meetings/{live.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in meeting_page and "Add a voice" in meeting_page
    board = live.staff.board().get_data(as_text=True)
    assert "Add a voice not in the room" in board and 'name="back" value="board"' in board


def test_added_from_the_console_it_goes_back_to_the_board(live):
    answer = post_voice(live.staff, live.id, samples.drawing_png_with_gps(), back="board")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/board/#console")
    assert count(AbsentVoice) == 1
