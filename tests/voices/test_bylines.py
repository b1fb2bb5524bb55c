"""Each voice says who it is from, through whom, and when: a provider's report added through the
real form reads as one on the board, and the day a voice was given is written on the board, in
the plan version and in the family's copy (page and PDF), in the reader's language."""

from __future__ import annotations

import io
import re
from html import unescape

from pypdf import PdfReader

from fttm.extensions import db
from fttm.meetings.commands import end_meeting
from fttm.meetings.models import Participant
from fttm.transcript.reading import transcript
from fttm.voices.models import AbsentVoice, VoiceSource
from tests.helpers import latest_id, transcript_events
from tests.voices.helpers import post_voice

REPORT = "Ana has come to 6 of 8 sessions"
# A provider's report, passed on by the caseworker, written some time before the meeting.
PROVIDER = {
    "source": "provider",
    "from_name": "Dr. Lena Kim",
    "through_name": "Sam Rivera",
    "through_role": "caseworker",
    "section": "worries",
    "words": REPORT,
    "given_on": "2025-03-14",
    "shareable": "1",
}
SOURCE = "A provider's report · Dr. Lena Kim, through Sam Rivera (caseworker)"
GIVEN = "given on Mar 14, 2025"
GIVEN_FR = "recueillie le 14 mars 2025"
BYLINE = re.compile(r'<p class="[^"]*\bvoice-by\b[^"]*">(.*?)</p>', re.DOTALL)


def _bylines(html: str) -> list[str]:
    """Each voice's "who, through whom, when" line as a reader sees it."""
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", line)).split()) for line in BYLINE.findall(html)
    ]


def _said(text: str) -> str:
    return " ".join(text.split())


def _add_report(live) -> AbsentVoice:
    answer = post_voice(live.staff, live.id, **PROVIDER)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return db.session.get(AbsentVoice, latest_id(AbsentVoice))


def test_a_providers_report_added_through_the_form_says_whose_it_is(live, maria):
    """Staff add a provider's report with the add form: it is saved as a provider's, the
    transcript tells whose it is, and the board, on the console and on a phone, says it is a
    provider's report, from whom and through whom."""
    voice = _add_report(live)

    assert voice.source == VoiceSource.PROVIDER
    assert (voice.from_name, voice.through_name, voice.through_role) == (
        "Dr. Lena Kim",
        "Sam Rivera",
        "caseworker",
    )
    [added] = transcript_events(live.case.id, kind="voice.added")
    assert added.after["source"] == "provider"
    told = [line.sentence for line in transcript(live.meeting) if line.event.id == added.id]
    assert told == [
        "Fran Facilitator (Facilitator) added the voice of Dr. Lena Kim, through Sam Rivera: "
        f"“{REPORT}”"
    ]
    for screen in (live.staff, maria):
        section = screen.section("worries").get_data(as_text=True)
        card = section[section.index(f'id="voice-{voice.id}"') :]
        assert _bylines(card)[0] == f"{SOURCE} · {GIVEN}", screen.name
        assert REPORT in card


def test_the_day_a_voice_was_given_is_on_the_board_the_plan_and_the_familys_copy(live, maria):
    """ "Given on" the day staff typed, not the day it was added: on the board, in the plan
    version, and in the family's copy as a page and as a PDF, in English and in French."""
    _add_report(live)

    for screen in (live.staff, maria):
        assert f"{SOURCE} · {GIVEN}" in _bylines(screen.board().get_data(as_text=True))
    wall = live.staff.browser.get(f"/meetings/{live.id}/wall/").get_data(as_text=True)
    assert f"{SOURCE} · {GIVEN}" in _bylines(wall)
    end_meeting(live.facilitator, live.meeting)

    version = live.staff.browser.get(f"/meetings/{live.id}/plan").get_data(as_text=True)
    assert f"{SOURCE} · {GIVEN} · What are we worried about" in _bylines(version)
    assert '<time datetime="2025-03-14">' in version
    family = maria.browser.get(f"/meetings/{live.id}/plan/family").get_data(as_text=True)
    assert f"{SOURCE} · {GIVEN}" in _bylines(family)
    pdf = maria.browser.get(f"/meetings/{live.id}/plan/family.pdf")
    assert pdf.status_code == 200
    text = _said(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages))
    assert f"Dr. Lena Kim, through Sam Rivera (caseworker) · {GIVEN}" in text

    participant = db.session.get(Participant, maria.participant_id)
    participant.language = "fr_CA"
    db.session.commit()
    french = maria.browser.get(f"/meetings/{live.id}/plan/family").get_data(as_text=True)
    assert any(line.endswith(GIVEN_FR) for line in _bylines(french)), _bylines(french)
