"""The transcript's exports in the reading staff member's language: CSV column headers and the
PDF's words, dates and <html lang> follow their account; the CSV keeps ISO times for machines."""

from __future__ import annotations

import csv
import io

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader

from fttm.extensions import db
from tests.helpers import expect_tagged_pdf
from tests.transcript.scripted import run_meeting

HEADERS = ("Time", "Number", "Name", "Role", "Section", "Kind of change", "What happened")


@pytest.fixture
def script(facilitator, case):
    """The scripted meeting, held."""
    return run_meeting(facilitator, case)


def french(msgid: str) -> str:
    """`msgid` as the French catalogue has it (English until the catalogue is in)."""
    with force_locale("fr_CA"):
        return gettext(msgid)


def speaking(user, language: str) -> None:
    user.language = language
    db.session.commit()


def test_a_french_account_gets_french_csv_headers_and_iso_times(client, auth, supervisor, script):
    speaking(supervisor, "fr_CA")
    auth.login(supervisor)

    text = client.get(f"/meetings/{script.meeting.id}/transcript.csv").get_data(as_text=True)

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][: len(HEADERS)] == [french(header) for header in HEADERS]
    # Times stay ISO 8601 with their offset, whatever the reader's language: a machine reads them.
    assert all(row[0][:4].isdigit() and row[0][10] == "T" for row in rows[1:])
    assert all(row[0].endswith(("-05:00", "-04:00")) for row in rows[1:])


def test_an_english_account_keeps_english_headers(client, auth, supervisor, script):
    speaking(supervisor, "en")
    auth.login(supervisor)

    text = client.get(f"/meetings/{script.meeting.id}/transcript.csv").get_data(as_text=True)

    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[:2] == ["Time", "Number"]


def test_the_transcript_pdf_is_in_the_readers_language(client, auth, supervisor, script):
    speaking(supervisor, "fr_CA")
    auth.login(supervisor)

    answer = client.get(f"/meetings/{script.meeting.id}/transcript.pdf")

    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.data)).pages).split()
    )
    assert french("Transcript of the meeting") in text
    assert "heure de l\u2019Est" in text  # the case's zone, named in French (not "America/Detroit")
    assert "Eastern" not in text
    expect_tagged_pdf(answer.data, "fr-CA")


def test_the_transcript_page_names_the_zone_in_words(client, auth, supervisor, script):
    speaking(supervisor, "en")
    auth.login(supervisor)

    page = client.get(f"/meetings/{script.meeting.id}/transcript").get_data(as_text=True)

    assert "time zone (Eastern Time)" in page and "America/Detroit" not in page
