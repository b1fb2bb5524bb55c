"""Each family member's copy in their own language: a phone gets its participant's, staff record
the language a copy was given in (by default the member's in the meeting, else their own) and
download that very copy in it; dates are written in that language, the PDF declares it.
"""

from __future__ import annotations

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext

from fttm.errors import Invalid
from fttm.extensions import db
from fttm.meetings.models import Participant
from fttm.plans.copies import record_copy
from fttm.plans.family_copy import WRITTEN_DATE, local_day
from fttm.plans.models import FamilyCopy
from tests.helpers import count, expect_tagged_pdf
from tests.plans import test_family_copy
from tests.plans.test_copies import copies_path, staff_csrf, today

Planned, planned = test_family_copy.Planned, test_family_copy.planned
pdf_text, squashed = test_family_copy.pdf_text, test_family_copy.squashed
HEADING = "What's going well for your family"
# Its French, from the framework's file (config/frameworks/signs_of_safety.toml).
HEADING_FR = "Ce qui va bien pour votre famille"


def french(msgid: str) -> str:
    """`msgid` as the French catalogue has it (English until the catalogue is in)."""
    with force_locale("fr_CA"):
        return gettext(msgid)


def taken_on(planned: Planned, language: str) -> str:
    """The day the plan was made, written out in `language`."""
    from fttm.jurisdictions import profile

    day = local_day(planned.version.created_at, profile(planned.meeting.case.jurisdiction).zone)
    return format_date(day, format=WRITTEN_DATE, locale=language)


def speaks(planned: Planned, language: str | None, person: str | None = "maria") -> None:
    """Maria's phone in the meeting speaks `language`, and is her on the family map."""
    participant = db.session.get(Participant, planned.maria.participant_id)
    participant.language = language
    participant.person_id = planned.people[person] if person else None
    db.session.commit()


def test_a_french_phone_downloads_its_copy_in_french(planned: Planned):
    speaks(planned, "fr_CA")

    response = planned.maria.browser.get(f"/meetings/{planned.meeting.id}/plan/family.pdf")

    text = squashed(pdf_text(response))
    assert taken_on(planned, "fr_CA") in text  # « 4 décembre 2026 »
    assert taken_on(planned, "en") not in text
    assert HEADING_FR in text
    expect_tagged_pdf(response.data, "fr-CA")  # <html lang="fr-CA">: read with a French voice


def test_an_english_phone_and_staff_keep_english(client, planned: Planned):
    speaks(planned, "en")
    for browser in (client, planned.maria.browser):
        response = browser.get(f"/meetings/{planned.meeting.id}/plan/family.pdf")

        text = squashed(pdf_text(response))
        assert HEADING in text and taken_on(planned, "en") in text
        assert taken_on(planned, "fr_CA") not in text
        expect_tagged_pdf(response.data, "en")


def test_a_phone_gets_its_own_language_whatever_it_asks(planned: Planned):
    speaks(planned, "en")

    response = planned.maria.browser.get(
        f"/meetings/{planned.meeting.id}/plan/family.pdf?language=fr_CA&copy=999"
    )

    assert taken_on(planned, "en") in squashed(pdf_text(response))


def test_a_copy_takes_the_members_language_in_the_meeting(planned: Planned, facilitator):
    speaks(planned, "fr_CA")

    copy = record_copy(
        facilitator,
        planned.version,
        person_id=planned.people["maria"],
        method="in_person",
        given_on=today(),
    )

    assert copy.language == "fr_CA"


def test_else_the_staff_members_language(planned: Planned, facilitator):
    speaks(planned, "fr_CA", person=None)  # her phone is not her on the map: unknown
    facilitator.language = "en"
    db.session.commit()

    copy = record_copy(
        facilitator,
        planned.version,
        person_id=planned.people["tom"],
        method="post",
        given_on=today(),
    )
    assert copy.language == "en"

    facilitator.language = "fr_CA"
    db.session.commit()
    copy = record_copy(
        facilitator, planned.version, recipient_name="Nan", method="post", given_on=today()
    )
    assert copy.language == "fr_CA"


def test_a_chosen_language_wins_and_is_in_the_transcript(planned: Planned, facilitator):
    speaks(planned, "en")

    copy = record_copy(
        facilitator,
        planned.version,
        person_id=planned.people["maria"],
        method="post",
        given_on=today(),
        language="fr_CA",
    )

    assert copy.language == "fr_CA"
    from tests.plans.test_copies import TranscriptEvent, sa

    event = db.session.scalar(
        sa.select(TranscriptEvent).where(TranscriptEvent.kind == "family_copy.recorded")
    )
    assert event.after["language"] == "fr_CA"


def test_an_unknown_language_is_refused_and_nothing_saved(planned: Planned, facilitator):
    with pytest.raises(Invalid) as refused:
        record_copy(
            facilitator,
            planned.version,
            recipient_name="Nan",
            method="post",
            given_on=today(),
            language="de",
        )

    assert "Choose a language from the list." in refused.value.errors["language"]
    assert count(FamilyCopy) == 0


def test_the_form_records_the_language_and_the_list_shows_it(client, planned: Planned):
    token = staff_csrf(client, planned)
    page = client.get(f"/meetings/{planned.meeting.id}/plan/family").get_data(as_text=True)
    assert 'id="copy-language"' in page and ">Français</option>" in page

    response = client.post(
        copies_path(planned),
        data={
            "recipient": str(planned.people["tom"]),
            "method": "post",
            "given_on": today().isoformat(),
            "language": "fr-CA",
        },
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )

    panel = response.get_data(as_text=True)
    assert response.status_code == 200
    copy = db.session.scalar(db.select(FamilyCopy))
    assert copy.language == "fr_CA"
    assert '<span lang="fr-CA">Français</span>' in panel
    assert f"plan/family.pdf?copy={copy.id}" in panel


def test_the_form_refuses_an_unknown_language(client, planned: Planned):
    token = staff_csrf(client, planned)
    response = client.post(
        copies_path(planned),
        data={"recipient": "other", "recipient_name": "Nan", "method": "post"}
        | {"given_on": today().isoformat(), "language": "klingon"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )

    assert response.status_code == 400
    assert "Choose a language from the list." in response.get_data(as_text=True)
    assert count(FamilyCopy) == 0


def test_staff_download_the_copy_given_in_its_language(client, planned: Planned, facilitator):
    copy = record_copy(
        facilitator,
        planned.version,
        person_id=planned.people["tom"],
        method="post",
        given_on=today(),
        language="fr_CA",
    )
    base = f"/meetings/{planned.meeting.id}/plan/family.pdf"

    response = client.get(f"{base}?copy={copy.id}")

    text = squashed(pdf_text(response))
    assert taken_on(planned, "fr_CA") in text and HEADING_FR in text
    expect_tagged_pdf(response.data, "fr-CA")
    # The staff member's own pages stay in their language.
    page = client.get(f"/meetings/{planned.meeting.id}/plan/family").get_data(as_text=True)
    assert '<html lang="en"' in page and taken_on(planned, "en") in page


def test_staff_choose_a_language_and_bad_choices_are_answered(client, planned: Planned):
    base = f"/meetings/{planned.meeting.id}/plan/family.pdf"

    french_copy = client.get(f"{base}?language=fr_CA")
    assert taken_on(planned, "fr_CA") in squashed(pdf_text(french_copy))

    unknown = client.get(f"{base}?language=xx")
    assert unknown.status_code == 400
    assert "Choose a language from the list." in unknown.get_data(as_text=True)
    assert client.get(f"{base}?copy=999999").status_code == 404
    assert client.get(f"{base}?copy=abc").status_code == 404
