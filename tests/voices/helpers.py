"""Adding a voice as staff do, through the real form."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

VOICE = {
    "source": "child",
    "from_name": "Leo",
    "through_name": "Ms Park",
    "through_role": "teacher",
    "section": "strengths",
    "words": "I like my three houses",
    "picture_description": "Three houses: mum's, nan's and school",
}


def a_day_come_everywhere() -> date:
    """A day that has come wherever a case is: today "anywhere on Earth" (UTC-12). The machine's
    date will not do: at 02:00 UTC it is still yesterday in Michigan, and the app refuses a voice
    given on a day that has not come where the case is."""
    return datetime.now(ZoneInfo("Etc/GMT+12")).date()


def voice_form(**changes) -> dict:
    """A child's voice, given today, as the form sends it."""
    return {**VOICE, "given_on": a_day_come_everywhere().isoformat(), **changes}


def post_voice(screen, meeting_id: int, picture: bytes | None = None, name="drawing.png", **form):
    """Staff send the add form (with a picture, if any) from their browser."""
    data = voice_form(**form)
    if picture is not None:
        data["picture"] = FileStorage(io.BytesIO(picture), name)
    # Encoded in memory: the test client would spool a large body to a file that a refused
    # request never reads to its end (and so never closes).
    boundary, body = encode_multipart(data)
    return screen.browser.post(
        f"/meetings/{meeting_id}/voices/",
        data=body,
        headers={"X-CSRFToken": screen.csrf},
        content_type=f"multipart/form-data; boundary={boundary}",
    )
