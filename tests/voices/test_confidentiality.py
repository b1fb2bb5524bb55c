"""A voice the person did not agree to show the family never reaches a family device or the wall:
not a page, a fragment, a push, a catch-up, the picture route, nor the family's copy. A shared
one does, live; staff see every one."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from fttm.core.registry import board_sections
from fttm.extensions import db
from fttm.meetings.commands import end_meeting
from fttm.voices.models import AbsentVoice
from tests.helpers import latest_id
from tests.voices import samples
from tests.voices.helpers import post_voice

SECRET = "Dad shouted at the school gate"
SHARED = "I like my three houses"
EVERY_SECTION = ("status", *board_sections())


def _everything_seen_by(phone) -> str:
    """The whole board as a phone can fetch it: the page and every section fragment."""
    pages = [phone.board().get_data(as_text=True)]
    pages += [phone.section(name).get_data(as_text=True) for name in EVERY_SECTION]
    return "\n".join(pages)


def _add(live, *, shareable: bool, words: str, picture=True) -> int:
    response = post_voice(
        live.staff,
        live.id,
        samples.drawing_png_with_gps() if picture else None,
        words=words,
        shareable="1" if shareable else "",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return latest_id(AbsentVoice)


def _held_everything(socket, live) -> dict:
    seq = live.seq()
    return {"since": seq, "sections": dict.fromkeys(EVERY_SECTION, seq), "items": {}}


def _picture(who, meeting_id, voice_id, **query):
    return who.browser.get(f"/meetings/{meeting_id}/voices/{voice_id}/picture", query_string=query)


def test_a_voice_kept_from_the_family_never_reaches_their_screens(live, maria, nan):
    phones = [live.socket(maria), live.socket(nan)]
    staff_socket = live.socket(live.staff)
    held = {id(s): _held_everything(s, live) for s in phones}
    live.drain()

    voice_id = _add(live, shareable=False, words=SECRET)

    [staff_update] = staff_socket.updates()
    assert SECRET in staff_update["sections"]["strengths"]
    assert (
        "did not agree to this being shown to the family" in staff_update["sections"]["strengths"]
    )
    for socket in phones:
        assert socket.received() == []  # not even told that something changed
        ack = socket.emit("board:sync", held[id(socket)], callback=True)
        assert ack["ok"] is True
        caught_up = json.dumps(socket.received())
        assert SECRET not in caught_up and f"voice-{voice_id}" not in caught_up
        assert "strengths" not in caught_up  # a catch-up tells no more than the pushes did
        full = socket.emit("board:sync", {"since": 0}, callback=True)
        assert full["ok"] is True
        assert SECRET not in json.dumps(socket.received())
    for phone in (maria, nan):
        seen = _everything_seen_by(phone)
        assert SECRET not in seen and f"voices/{voice_id}/picture" not in seen
        refused = _picture(phone, live.id, voice_id)
        assert refused.status_code == 404 and samples.CAMERA not in refused.get_data(as_text=True)
    assert SECRET in _everything_seen_by(live.staff)
    assert _picture(live.staff, live.id, voice_id).status_code == 200
    # The wall is staff's own session asking as the room: refused the same way.
    assert _picture(live.staff, live.id, voice_id, screen="room").status_code == 404
    wall = live.staff.browser.get(f"/meetings/{live.id}/wall/").get_data(as_text=True)
    assert SECRET not in wall


def test_a_shared_voice_reaches_phones_and_the_wall_live(live, maria):
    maria_socket = live.socket(maria)
    live.drain()

    voice_id = _add(live, shareable=True, words=SHARED)

    [update] = maria_socket.updates()
    assert SHARED in update["sections"]["strengths"]
    assert f"/voices/{voice_id}/picture?screen=room" in update["sections"]["strengths"]
    assert "Leo, through Ms Park (teacher)" in update["sections"]["strengths"]
    picture = _picture(maria, live.id, voice_id, screen="room")
    assert picture.status_code == 200
    assert picture.headers["Content-Type"] == "image/png"
    assert picture.headers["X-Content-Type-Options"] == "nosniff"
    assert picture.headers["Content-Disposition"].startswith("inline")
    assert "private" in picture.headers["Cache-Control"]
    assert samples.metadata_of(picture.data)["gps"] == {}
    assert samples.CAMERA.encode() not in picture.data
    wall = live.staff.browser.get(f"/meetings/{live.id}/wall/").get_data(as_text=True)
    assert SHARED in wall


def test_a_voice_made_staff_only_or_removed_leaves_the_family_screens(live, maria):
    voice_id = _add(live, shareable=True, words=SHARED)
    maria_socket = live.socket(maria)
    live.drain()
    voice = db.session.get(AbsentVoice, voice_id)
    edit_page = f"/meetings/{live.id}/voices/{voice_id}/edit"
    form = {
        "source": "child",
        "from_name": "Leo",
        "through_name": "Ms Park",
        "given_on": voice.given_at.date().isoformat(),
        "section": "strengths",
        "words": SHARED,
        "picture_description": "Three houses",
        "base_version": str(voice.version),
    }
    answer = live.staff.browser.post(edit_page, data=form, headers={"X-CSRFToken": live.staff.csrf})
    assert answer.status_code == 302

    [update] = maria_socket.updates()
    assert SHARED not in update["sections"]["strengths"]
    assert _picture(maria, live.id, voice_id, screen="room").status_code == 404
    # Removed (even once shared again), it is gone from the room too.
    db.session.expire_all()
    form.update(shareable="1", base_version=str(db.session.get(AbsentVoice, voice_id).version))
    assert (
        live.staff.browser.post(
            edit_page, data=form, headers={"X-CSRFToken": live.staff.csrf}
        ).status_code
        == 302
    )
    assert _picture(maria, live.id, voice_id, screen="room").status_code == 200
    removed = live.staff.browser.post(
        f"/meetings/{live.id}/voices/{voice_id}/remove", headers={"X-CSRFToken": live.staff.csrf}
    )
    assert removed.status_code == 302
    assert _picture(maria, live.id, voice_id, screen="room").status_code == 404
    assert SHARED not in _everything_seen_by(maria)


def test_nobody_outside_the_case_gets_a_picture(live, app):
    voice_id = _add(live, shareable=True, words=SHARED)
    stranger = app.test_client()
    assert stranger.get(f"/meetings/{live.id}/voices/{voice_id}/picture").status_code == 404
    assert _picture(live.staff, live.id, 999999).status_code == 404


def _pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _pdf_images(body: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(body)).pages)


def test_the_familys_copy_holds_shared_voices_with_their_picture_and_no_others(live, maria):
    _add(live, shareable=True, words=SHARED)
    _add(live, shareable=False, words=SECRET, picture=False)
    end_meeting(live.facilitator, live.meeting)

    version = live.staff.browser.get(f"/meetings/{live.id}/plan").get_data(as_text=True)
    assert SHARED in version and SECRET in version and "Staff only" in version
    page = maria.browser.get(f"/meetings/{live.id}/plan/family")
    assert page.status_code == 200
    assert SHARED in page.get_data(as_text=True) and SECRET not in page.get_data(as_text=True)
    pdf = maria.browser.get(f"/meetings/{live.id}/plan/family.pdf")
    assert pdf.status_code == 200
    text = " ".join(_pdf_text(pdf.data).split())
    assert "three houses" in text and "Ms Park" in text
    assert "school gate" not in text
    assert _pdf_images(pdf.data) >= 1
