"""The family map's "Change" forms come when opened, not with the page: the board carries a fold
per person and line, and its form is fetched then, rendered for the asker's audience. A family
phone asking for a confidential person or line, or anything the map no longer shows, gets nothing
of it; a locked section or an ended meeting is refused; looking writes nothing.
"""

from __future__ import annotations

import html
import re

import pytest

from fttm.family_map.models import EcomapConnection, Person, Relationship
from fttm.meetings.commands import end_meeting, lock_section
from tests import factories
from tests.helpers import footprint, fresh, latest_id
from tests.live_meeting import Screen

HIDDEN = "Rayburn Hollister"
HIDDEN_SYSTEM = "Probation Office"


def _form_path(screen: Screen, rest: str) -> str:
    return f"{screen.base}/family-map/{rest}"


def _open(screen: Screen, rest: str):
    """Open a "Change" fold: the GET its htmx makes."""
    return screen.browser.get(_form_path(screen, rest), headers={"HX-Request": "true"})


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _values(page: str) -> dict[str, str]:
    """Each named field's value in a form's HTML (text inputs and hidden ones)."""
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"', page)
    }


@pytest.fixture
def family(live) -> dict[str, int]:
    """Leo and his mother Ana, shared; an uncle, confidential, with a line to Leo and an ecomap
    connection of his own; a household connection. Their ids.
    """
    staff = live.staff
    for form in (
        {"name": "Leo", "sex": "male", "born": "9", "is_focus_child": "1"},
        {"name": "Ana", "sex": "female", "born": "1990"},
    ):
        assert staff.post(_form_path(staff, "people"), form).status_code == 200
    leo, ana = (latest_id(Person) - 1, latest_id(Person))
    line = {"person": str(ana), "relation": "parent:biological", "other": str(leo)}
    assert staff.post(_form_path(staff, "relationships"), line).status_code == 200
    mother = latest_id(Relationship)
    uncle = {"name": HIDDEN, "sex": "male", "confidential": "1"}
    uncle |= {"relation": "harms:violence", "other": str(leo)}
    assert staff.post(_form_path(staff, "people"), uncle).status_code == 200
    uncle_id, hidden_line = latest_id(Person), latest_id(Relationship)
    connection = {"person_id": str(uncle_id), "category": "court", "system_name": HIDDEN_SYSTEM}
    assert staff.post(_form_path(staff, "connections"), connection | {"strength": "stressful"})
    hidden_connection = latest_id(EcomapConnection)
    school = {"person_id": "", "category": "school", "system_name": "Lincoln School"}
    assert staff.post(_form_path(staff, "connections"), school | {"strength": "strong"})
    return {
        "leo": leo,
        "ana": ana,
        "mother": mother,
        "uncle": uncle_id,
        "hidden_line": hidden_line,
        "hidden_connection": hidden_connection,
        "school": latest_id(EcomapConnection),
    }


def test_the_board_sends_folds_not_forms(live, maria, family):
    """The section offers "Change Leo" and each line's "Change", but none of their fields."""
    for screen in (live.staff, maria):
        page = screen.section("family_map").get_data(as_text=True)

        leo_form = _form_path(screen, f"people/{family['leo']}/form")
        assert f'hx-get="{leo_form}"' in page
        assert f"relationships/{family['mother']}/form/{family['leo']}" in page
        assert f"connections/{family['school']}/form/household" in page
        assert 'name="base_version"' not in page
        assert "edit-person-" not in page and "edit-relationship-" not in page


def test_opening_change_gives_the_form_as_it_is_now_and_it_saves(live, maria, family):
    """Leo's form, fetched on Maria's phone, holds his current values; sending it saves."""
    leo = family["leo"]
    assert (
        live.staff.post(
            _form_path(live.staff, f"people/{leo}"), {"name": "Leo R", "base_version": "1"}
        ).status_code
        == 200
    )

    response = _open(maria, f"people/{leo}/form")

    assert response.status_code == 200
    form = response.get_data(as_text=True)
    assert "<html" not in form and 'hx-target="#section-family_map"' in form
    values = _values(form)
    assert values["name"] == "Leo R"
    assert values["base_version"] == str(fresh(Person, leo).version)
    assert f'hx-post="{_form_path(maria, f"people/{leo}")}"' in form
    sent = {"name": "Leo Rivera", "born": values["born"], "base_version": values["base_version"]}
    assert maria.post(_form_path(maria, f"people/{leo}"), sent).status_code == 200
    assert fresh(Person, leo).name == "Leo Rivera"


def test_line_forms_have_ids_of_their_own_where_they_are_listed(live, maria, family):
    """The same line listed under both people: two forms whose fields never share an id."""
    mother = family["mother"]
    under_leo = _open(maria, f"relationships/{mother}/form/{family['leo']}").get_data(as_text=True)
    under_ana = _open(maria, f"relationships/{mother}/form/{family['ana']}").get_data(as_text=True)
    school = _open(maria, f"connections/{family['school']}/form/household")

    ids = set(re.findall(r'\bid="([^"]+)"', under_leo))
    assert ids and not ids & set(re.findall(r'\bid="([^"]+)"', under_ana))
    assert 'name="kind"' in under_leo and "is the birth parent of" not in under_leo
    assert school.status_code == 200 and 'name="strength"' in school.get_data(as_text=True)


def test_a_family_phone_never_gets_a_confidential_person_or_line(live, maria, family):
    """Asked directly, by id, for the uncle, his line or his connection: not found, and nothing
    of him in the answer; Leo's own form does not offer him as a twin either.
    """
    before = footprint(live.case.id)
    for rest in (
        f"people/{family['uncle']}/form",
        f"relationships/{family['hidden_line']}/form/{family['leo']}",
        f"relationships/{family['hidden_line']}/form/{family['uncle']}",
        f"connections/{family['hidden_connection']}/form/{family['uncle']}",
    ):
        response = _open(maria, rest)

        assert response.status_code == 404, rest
        text = _text(response)
        assert HIDDEN not in text and "Rayburn" not in text and HIDDEN_SYSTEM not in text

    leo = _text(_open(maria, f"people/{family['leo']}/form"))
    assert "Ana" in leo and HIDDEN not in leo
    assert footprint(live.case.id) == before


def test_the_facilitator_gets_confidential_forms(live, family):
    """Staff change the uncle and his lines, and see him among Leo's choices."""
    uncle = _open(live.staff, f"people/{family['uncle']}/form")
    line = _open(live.staff, f"relationships/{family['hidden_line']}/form/{family['leo']}")
    connection = _open(live.staff, f"connections/{family['hidden_connection']}/form/household")

    assert (uncle.status_code, line.status_code, connection.status_code) == (200, 200, 200)
    assert _values(uncle.get_data(as_text=True))["name"] == HIDDEN
    assert HIDDEN in _text(_open(live.staff, f"people/{family['leo']}/form"))
    assert 'name="is_focus_child"' in uncle.get_data(as_text=True)


def test_the_family_form_has_no_staff_fields(live, maria, family):
    """ "The child this plan is about" is the facilitator's to set."""
    form = _open(maria, f"people/{family['leo']}/form").get_data(as_text=True)

    assert 'name="is_focus_child"' not in form


def test_gone_or_foreign_rows_are_not_found(app, live, maria, family):
    """Taken off the map, or of another case: nobody gets a form for it."""
    assert (
        live.staff.post(_form_path(live.staff, f"people/{family['ana']}/delete")).status_code == 200
    )
    other_case = factories.make_case(live.facilitator, family_name="Other")
    stranger = factories.make_person(other_case.id, "Stranger Danger")

    for screen in (live.staff, maria):
        for rest in (
            f"people/{family['ana']}/form",
            f"relationships/{family['mother']}/form/{family['leo']}",
            f"people/{stranger.id}/form",
        ):
            response = _open(screen, rest)
            assert response.status_code == 404, (screen.name, rest)
            assert "Stranger" not in _text(response)


def test_a_locked_section_or_an_ended_meeting_gives_no_form(live, maria, family):
    """Locked: the facilitator still changes the map, a phone is told why it can't; ended:
    nobody gets a form.
    """
    lock_section(live.facilitator, live.meeting, "family_map", True)
    refused = _open(maria, f"people/{family['leo']}/form")

    assert refused.status_code == 403
    assert "The facilitator has locked this section for now." in _text(refused)
    assert _open(live.staff, f"people/{family['leo']}/form").status_code == 200

    end_meeting(live.facilitator, live.meeting)
    for screen in (live.staff, maria):
        assert _open(screen, f"people/{family['leo']}/form").status_code == 403


def test_someone_outside_the_meeting_gets_nothing(app, live, family):
    """No form for a browser that is not in the meeting."""
    browser = app.test_client()
    response = browser.get(f"/meetings/{live.id}/board/family-map/people/{family['leo']}/form")

    assert response.status_code == 404
    assert "Leo" not in _text(response)


def test_every_fold_on_the_page_loads_a_form(live, maria, family):
    """Each fold's URL on the phone's page answers with a form (none is broken or refused)."""
    page = maria.board().get_data(as_text=True)
    urls = re.findall(r'<details class="edit lazy-edit" hx-get="([^"]+)"', page)

    assert len(urls) == 5  # Leo, Ana, their line under each, the household's school
    for url in urls:
        response = maria.browser.get(html.unescape(url), headers={"HX-Request": "true"})
        assert response.status_code == 200, url
        assert "<form" in response.get_data(as_text=True)
