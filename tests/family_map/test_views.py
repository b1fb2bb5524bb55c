"""The family map over HTTP and Socket.IO: adding people answered with the fresh section (picture
and words), refusals explained to the sender, confidential people kept off family screens and
files, the genogram and ecomap downloads, and pushes to everyone in the meeting.
"""

from __future__ import annotations

import html
import re
import struct
import xml.etree.ElementTree as ET

import pytest

from fttm.family_map.models import EcomapConnection, Person, Relationship
from fttm.transcript.models import TranscriptEvent
from tests.helpers import count, fresh, latest_id
from tests.live_meeting import Screen, outsider

SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Names that appear nowhere else on a board, so that finding them anywhere is a leak.
HIDDEN = "Rayburn Hollister"
LATER_HIDDEN = "Thaddeus Quill"


def _text(response) -> str:
    """A response's body with HTML entities decoded, for reading names and messages."""
    return html.unescape(response.get_data(as_text=True))


def _map_path(screen: Screen, rest: str) -> str:
    return f"{screen.base}/family-map/{rest}"


def _add_person(screen: Screen, form: dict, **kwargs):
    return screen.post(_map_path(screen, "people"), form, **kwargs)


def _footprint(case_id: int) -> tuple[int, ...]:
    """The family map's rows and the case's transcript events."""
    return (
        count(Person),
        count(Relationship),
        count(EcomapConnection),
        count(TranscriptEvent, case_id=case_id),
    )


def _drawn(page: str, name: str) -> bool:
    """Whether someone is drawn as a person symbol with their name as its tooltip."""
    titles = re.findall(r'<g class="person"[^>]*><title>(.*?)</title>', page, re.S)
    return name in {html.unescape(title) for title in titles}


def _listed(page: str, name: str) -> bool:
    """Whether someone is in "the family map in words"."""
    words = re.search(r'<ul class="family-people".*?</ul>\s*(?:<h4|</details>)', page, re.S)
    names = re.findall(r"<strong>(.*?)</strong>", words.group(0), re.S) if words else []
    return name in {html.unescape(listed) for listed in names}


@pytest.fixture
def leo(live) -> int:
    """Leo, the focus child, added by the facilitator; his id."""
    form = {"name": "Leo", "sex": "male", "born": "9", "is_focus_child": "1"}
    assert _add_person(live.staff, form).status_code == 200
    return latest_id(Person)


@pytest.fixture
def kept_apart(live, leo) -> dict[str, int]:
    """A confidential uncle (with a line to Leo and an ecomap connection) and a grandfather made
    confidential after a strength about him was written; their ids.
    """
    staff = live.staff
    uncle = {"name": HIDDEN, "sex": "male", "confidential": "1"}
    uncle |= {"relation": "harms:violence", "other": str(leo)}
    assert _add_person(staff, uncle).status_code == 200
    uncle_id = latest_id(Person)
    connection = {"person_id": str(uncle_id), "category": "court", "system_name": "Probation"}
    connection["strength"] = "stressful"
    assert staff.post(_map_path(staff, "connections"), connection).status_code == 200
    grandad = {"name": LATER_HIDDEN, "sex": "male", "relation": "parent:adopted"}
    assert _add_person(staff, grandad | {"other": str(leo)}).status_code == 200
    grandad_id = latest_id(Person)
    about = {"text": "He drives Leo to football", "person_id": str(grandad_id)}
    assert staff.add("strength", about).status_code == 200
    assert staff.post(_map_path(staff, f"people/{grandad_id}/confidential")).status_code == 200
    return {"uncle": uncle_id, "grandad": grandad_id}


# ---- adding people ----


def test_adding_a_person_answers_with_them_in_the_picture_and_in_words(live, maria, leo):
    """The answer is the fresh section: the new person drawn on the genogram and listed, with
    how they are related to Leo; from the projector as from a phone.
    """
    for screen, name, sex, words in (
        (live.staff, "Tomás Ruiz", "male", ("Father of Leo", "Son of Tomás Ruiz")),
        (maria, "Maria López", "female", ("Mother of Leo", "Son of Maria López")),
    ):
        form = {"name": name, "sex": sex, "born": "1988"}
        form |= {"relation": "parent:biological", "other": str(leo)}

        response = _add_person(screen, form)

        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'id="section-family_map"' in page and "<html" not in page
        assert _drawn(page, name) and _drawn(page, "Leo")
        assert _listed(page, name) and _listed(page, "Leo")
        assert all(told in _text(response) for told in words)
        assert response.headers["X-Board-Seq"] == str(live.seq())
        row = fresh(Person, latest_id(Person))
        assert (row.name, row.birth_year) == (name, 1988)
        assert row.created_by_participant_id == screen.participant_id


def test_names_are_escaped_in_the_picture_and_the_list(live, maria):
    """Markup typed as a name is shown as text, never run."""
    name = '<script>alert(1)</script> & "Jo"'

    response = _add_person(maria, {"name": name})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert _drawn(page, name) and _listed(page, name)


REFUSED = [
    ("people", {"name": "Baby", "born": "2999"}, "Enter a year that has passed."),
    ("people", {"name": "  ", "born": "1990"}, "This can't be empty."),
    (
        "people",
        {"name": "Maria", "relation": "parent:biological", "other": "LEO", "born": "2020"},
        "A parent can't be born after their child.",
    ),
    (
        "relationships",
        {"person": "LEO", "relation": "parent:biological", "other": "LEO"},
        "A person can't be their own parent.",
    ),
    (
        "connections",
        {"person_id": "LEO", "category": "casino", "system_name": "x", "strength": "strong"},
        "Choose a kind of system from the list.",
    ),
]


def test_a_refused_form_is_explained_to_its_sender_and_saves_nothing(live, maria, leo):
    """400, the message shown above the section (the form keeps what was typed), nothing saved."""
    for path, form, message in REFUSED:
        sent = {name: str(leo) if value == "LEO" else value for name, value in form.items()}
        before = _footprint(live.case.id)

        response = maria.post(_map_path(maria, path), sent)

        assert response.status_code == 400, message
        assert message in _text(response)
        assert response.headers["HX-Retarget"] == "#message-family_map"
        assert 'id="section-family_map"' not in response.get_data(as_text=True)
        assert _footprint(live.case.id) == before


def test_refusals_of_rights_and_of_stale_edits_are_told_apart(live, maria, leo):
    """A phone can't restore or nudge (403); an edit from an old version is a conflict (409);
    an edit that doesn't say its version is refused (400). Nothing is saved.
    """
    assert _add_person(maria, {"name": "Kim"}).status_code == 200
    kim = latest_id(Person)
    assert maria.post(_map_path(maria, f"people/{kim}/delete")).status_code == 200
    assert (
        live.staff.post(
            _map_path(live.staff, f"people/{leo}"), {"name": "Leon"} | {"base_version": "1"}
        ).status_code
        == 200
    )
    before = _footprint(live.case.id)

    restore = maria.post(_map_path(maria, f"people/{kim}/restore"))
    nudge = maria.post(_map_path(maria, f"people/{leo}/left"))
    stale = maria.post(_map_path(maria, f"people/{leo}"), {"name": "Leo J", "base_version": "1"})
    blind = maria.post(_map_path(maria, f"people/{leo}"), {"name": "Leo J"})

    assert (restore.status_code, nudge.status_code) == (403, 403)
    assert "Only the facilitator writes here." in _text(restore)
    assert stale.status_code == 409 and 'id="section-family_map"' in stale.get_data(as_text=True)
    assert blind.status_code == 400 and "Reload the page and try again." in _text(blind)
    assert _footprint(live.case.id) == before
    assert fresh(Person, leo).name == "Leon"


def test_a_retried_add_is_saved_once(live, maria):
    """The same Idempotency-Key twice: one person, and both answers show them once."""
    first = _add_person(maria, {"name": "Kimberly"}, key="family-map-key-01")
    again = _add_person(maria, {"name": "Kimberly"}, key="family-map-key-01")

    assert (first.status_code, again.status_code) == (200, 200)
    assert count(Person, name="Kimberly") == 1
    assert again.get_data(as_text=True).count("<strong>Kimberly</strong>") == 1


# ---- confidential people ----


def test_a_family_phone_never_sees_a_confidential_person(live, maria, kept_apart):
    """Not on the board page, not in any section, not in the picture, nor in "About …"."""
    pages = [maria.board(), maria.section("family_map"), maria.section("strengths")]

    for response in pages:
        assert response.status_code == 200
        text = _text(response)
        assert HIDDEN not in text and LATER_HIDDEN not in text
        assert "Rayburn" not in text and "Thaddeus" not in text
        assert "Probation" not in text
    family_map = pages[1].get_data(as_text=True)
    assert _drawn(family_map, "Leo") and _listed(family_map, "Leo")
    assert "He drives Leo to football" in _text(pages[2])


def test_the_facilitator_sees_confidential_people(live, kept_apart):
    """The projector draws and lists them, marked as confidential."""
    page = live.staff.board()

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for name in (HIDDEN, LATER_HIDDEN):
        assert _drawn(text, name) and _listed(text, name)
    assert "Probation" in text
    assert "Share with everyone" in text


# ---- downloads ----


def _svg_names(body: bytes) -> set[str]:
    """The names of the people drawn in an SVG file, read as XML."""
    root = ET.fromstring(body)  # noqa: S314 - our own output
    assert root.tag == f"{SVG_NS}svg"
    return {
        group.find(f"{SVG_NS}title").text
        for group in root.iter(f"{SVG_NS}g")
        if group.get("class") == "person"
    }


def _download(screen: Screen, which: str, extension: str):
    return screen.browser.get(_map_path(screen, f"{which}.{extension}"))


def test_the_pictures_download_as_svg_files(live, kept_apart):
    """SVG documents, as attachments, with everyone the facilitator may see."""
    for which in ("genogram", "ecomap"):
        response = _download(live.staff, which, "svg")

        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{which}-meeting-{live.id}.svg"'
        )
        assert response.headers["Cache-Control"] == "no-store"
        names = _svg_names(response.data)
        if which == "genogram":
            assert names == {"Leo", HIDDEN, LATER_HIDDEN}
        else:
            assert HIDDEN in names  # he has a connection of his own
            assert "Probation" in response.get_data(as_text=True)


def test_the_pictures_download_as_png_files(live, maria, leo):
    """PNG images of a sensible size, for the facilitator and for a phone."""
    for which in ("genogram", "ecomap"):
        for screen in (live.staff, maria):
            response = _download(screen, which, "png")

            assert response.status_code == 200
            assert response.mimetype == "image/png"
            assert response.headers["Content-Disposition"] == (
                f'attachment; filename="{which}-meeting-{live.id}.png"'
            )
            body = response.data
            assert body.startswith(PNG_SIGNATURE)
            assert body[12:16] == b"IHDR"
            width, height = struct.unpack(">II", body[16:24])
            assert 200 <= width <= 8000 and 150 <= height <= 8000, (width, height)
            assert len(body) > 2000


def test_a_phone_s_download_leaves_out_confidential_people(live, maria, kept_apart):
    """Maria's files are drawn from what her phone may see."""
    genogram = _download(maria, "genogram", "svg")
    ecomap = _download(maria, "ecomap", "svg")

    assert _svg_names(genogram.data) == {"Leo"}
    assert HIDDEN not in _svg_names(ecomap.data)
    for response in (genogram, ecomap):
        text = _text(response)
        assert HIDDEN not in text and LATER_HIDDEN not in text and "Probation" not in text
    assert _download(maria, "genogram", "png").data.startswith(PNG_SIGNATURE)


def test_someone_outside_the_meeting_cannot_download(app, live, maria, leo):
    """Nobody outside the meeting learns the family's map, not even that it exists: not a
    stranger, a caseworker of another team, a phone still waiting, or a phone removed.
    """
    outsiders = [
        app.test_client(),
        outsider(app).browser,
        live.phone("Walter", "friend", admit=False).browser,
    ]
    assert live.remove(maria).status_code == 200
    outsiders.append(maria.browser)

    for browser in outsiders:
        for which in ("genogram", "ecomap"):
            for extension in ("svg", "png"):
                path = f"/meetings/{live.id}/board/family-map/{which}.{extension}"
                response = browser.get(path)
                assert response.status_code == 404
                assert b"Leo" not in response.data
    unknown = live.staff.browser.get("/meetings/987654/board/family-map/genogram.svg")
    assert unknown.status_code == 404


# ---- pushes ----


def test_a_person_added_on_a_phone_reaches_every_screen(live, maria, nan, leo):
    """Nan's phone and the projector are pushed the map and every section that offers people."""
    nan_socket, staff_socket = live.socket(nan), live.socket(live.staff)
    live.drain()

    response = _add_person(maria, {"name": "Auntie Rosa", "sex": "female", "born": "50"})

    assert response.status_code == 200
    for socket in (nan_socket, staff_socket):
        [update] = socket.updates()
        assert update["seq"] == live.seq() == int(response.headers["X-Board-Seq"])
        sections = update["sections"]
        assert {"family_map", "strengths", "worries", "plan", "safety_plan"} <= set(sections)
        assert _drawn(sections["family_map"], "Auntie Rosa")
        assert _listed(sections["family_map"], "Auntie Rosa")
        assert "Auntie Rosa" in sections["strengths"]  # now offered in "About"


def test_a_confidential_person_added_by_staff_is_pushed_to_staff_only(live, maria, leo):
    """The family's push has the map without them; the projector's has them."""
    maria_socket, staff_socket = live.socket(maria), live.socket(live.staff)
    live.drain()

    form = {"name": HIDDEN, "confidential": "1", "relation": "partner:divorced"}
    assert _add_person(live.staff, form | {"other": str(leo)}).status_code == 200

    [family] = maria_socket.updates()
    [staff] = staff_socket.updates()
    assert "family_map" in family["sections"]
    assert HIDDEN not in html.unescape(str(family))
    assert _drawn(staff["sections"]["family_map"], HIDDEN)
