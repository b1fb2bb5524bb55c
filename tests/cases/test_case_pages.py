"""The case pages a facilitator uses: open, list, search and edit a team's cases."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from fttm.cases.models import Case
from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import field_error, post_form

NEW = "/cases/new"
TOMORROW = object()  # stands for "the day after today where the case is"


@pytest.fixture
def signed_in(auth, facilitator):
    """The facilitator, signed in through the login form."""
    auth.login(facilitator)
    return facilitator


def _today(jurisdiction: str = "miteam") -> date:
    """Today where the jurisdiction is."""
    return profile(jurisdiction).today()


def _form(facilitator, **overrides) -> dict:
    """The case form as a browser sends it for a MiTEAM case, with `overrides` typed in."""
    values = {
        "case_number": "MI-2024-0042",
        "family_name": "Rivera",
        "jurisdiction": "miteam",
        "substantiation_date": (_today() - timedelta(days=5)).isoformat(),
        "placement_date": "",
        "permanency_goal": "reunification",
        "facilitator_id": str(facilitator.id),
        "tribe_contacted_on": "",
    }
    values.update(overrides)
    tomorrow = (
        _today(values["jurisdiction"]) + timedelta(days=1)
        if values["jurisdiction"] in ("miteam", "bicpm")
        else _today()
    )
    return {
        name: tomorrow.isoformat() if value is TOMORROW else value
        for name, value in values.items()
        if value is not None
    }


def _counts() -> tuple[int, int]:
    """How many cases and transcript events the database holds."""
    db.session.expire_all()
    return (
        db.session.scalar(sa.select(sa.func.count(Case.id))),
        db.session.scalar(sa.select(sa.func.count(TranscriptEvent.id))),
    )


def _families(page: str) -> list[str]:
    """The family names of the case list, top to bottom."""
    return re.findall(r'<th scope="row"[^>]*><a href="/cases/\d+">([^<]+)</a>', page)


def _row(page: str, family: str) -> str:
    """The case list's row for one family."""
    rows = [row for row in re.findall(r"<tr\b.*?</tr>", page, re.S) if f">{family}</a>" in row]
    assert len(rows) == 1, f"{family} appears in {len(rows)} rows"
    return rows[0]


def _not_weekend(due: date) -> date:
    """A BICPM due date: a Saturday or Sunday moves back to the Friday before."""
    return due - timedelta(days=max(0, due.weekday() - 4))


def _case_with_number(number: str) -> Case | None:
    """The case with this number, read fresh."""
    db.session.expire_all()
    return db.session.scalar(sa.select(Case).where(Case.case_number == number))


@pytest.mark.parametrize(
    ("jurisdiction", "goal", "goal_label"),
    [
        ("miteam", "reunification", "Reunification"),
        ("bicpm", "family_reunification", "Family reunification"),
    ],
)
def test_opening_a_case_leads_to_its_page(client, signed_in, jurisdiction, goal, goal_label):
    """The facilitator opens a case and lands on its page with what they typed."""
    response = post_form(
        client,
        NEW,
        _form(signed_in, jurisdiction=jurisdiction, permanency_goal=goal, family_name="  Rivera  "),
    )
    case = _case_with_number("MI-2024-0042")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert (case.family_name, case.jurisdiction, case.team_id) == (
        "Rivera",
        jurisdiction,
        signed_in.team_id,
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Case MI-2024-0042 opened." in page
    assert "Rivera family" in page
    assert "MI-2024-0042" in page
    assert goal_label in page
    assert "Fran Facilitator" in page


def test_case_list_shows_next_due_date_and_flags_overdue_cases(client, signed_in):
    """An overdue case is flagged in the list; a fresh one shows its due date without a flag."""
    late_start = _today("bicpm") - timedelta(days=40)
    factories.make_case(
        signed_in,
        family_name="Latecase",
        jurisdiction="bicpm",
        permanency_goal="family_reunification",
        substantiation_date=late_start,
    )
    fresh_start = _today() - timedelta(days=1)
    factories.make_case(signed_in, family_name="Freshcase", substantiation_date=fresh_start)

    page = client.get("/cases/").get_data(as_text=True)

    late, fresh = _row(page, "Latecase"), _row(page, "Freshcase")
    assert "Overdue" in late
    assert f'datetime="{_not_weekend(late_start + timedelta(days=21)).isoformat()}"' in late
    assert "Overdue" not in fresh
    assert f'datetime="{(fresh_start + timedelta(days=30)).isoformat()}"' in fresh
    assert "Case plan" in fresh


def test_case_list_puts_the_most_urgent_case_first(client, signed_in):
    """Cases are listed by their next due date, not by name."""
    today = _today()
    factories.make_case(signed_in, family_name="Adams", substantiation_date=today)
    factories.make_case(
        signed_in, family_name="Baker", substantiation_date=today - timedelta(days=25)
    )
    factories.make_case(
        signed_in,
        family_name="Young",
        jurisdiction="bicpm",
        permanency_goal="adoption",
        substantiation_date=_today("bicpm") - timedelta(days=40),
    )

    page = client.get("/cases/").get_data(as_text=True)

    assert _families(page) == ["Young", "Baker", "Adams"]


def test_case_list_shows_only_the_team_s_cases(client, signed_in):
    """Another team's cases never appear in the list."""
    factories.make_case(signed_in, family_name="Ours")
    other = factories.make_user(team=factories.make_team("South Team"))
    factories.make_case(other, family_name="Theirs")

    page = client.get("/cases/").get_data(as_text=True)

    assert _families(page) == ["Ours"]


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("rIVe", "Rivera"),
        ("OKAFOR", "Okafor"),
        ("2002", "Okafor"),
        ("mi-10", "Rivera"),
    ],
)
def test_search_finds_by_part_of_family_name_or_case_number(client, signed_in, term, found):
    """Searching matches part of the family name or case number, whatever the letter case."""
    factories.make_case(signed_in, family_name="Rivera", case_number="MI-1001")
    factories.make_case(signed_in, family_name="Okafor", case_number="MI-2002")

    page = client.get("/cases/", query_string={"q": term}).get_data(as_text=True)

    assert _families(page) == [found]


def test_htmx_search_returns_only_the_rows(client, signed_in):
    """The search box's htmx request gets the rows fragment, not a whole page."""
    factories.make_case(signed_in, family_name="Rivera", case_number="MI-1001")
    factories.make_case(signed_in, family_name="Okafor", case_number="MI-2002")

    response = client.get("/cases/", query_string={"q": "riv"}, headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<html" not in fragment
    assert _families(fragment) == ["Rivera"]


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_search_without_a_match_says_so(client, signed_in, headers):
    """A search that finds nothing tells the facilitator so, with what they typed."""
    factories.make_case(signed_in, family_name="Rivera")

    page = client.get("/cases/", query_string={"q": "Zzyzx"}, headers=headers).get_data(
        as_text=True
    )

    assert "No case matches “Zzyzx”" in page
    assert _families(page) == []


@pytest.mark.parametrize(
    ("jurisdiction", "present", "absent"),
    [
        ("bicpm", ("family_reunification", "kinship_care", "permanent_care"), "guardianship"),
        ("miteam", ("remain_home", "guardianship", "appla"), "family_reunification"),
    ],
)
def test_permanency_goals_follow_the_chosen_jurisdiction(
    client, signed_in, jurisdiction, present, absent
):
    """Choosing a jurisdiction swaps in that profile's permanency goals."""
    response = client.get(
        "/cases/permanency-goals",
        query_string={"jurisdiction": jurisdiction},
        headers={"HX-Request": "true"},
    )
    fragment = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<html" not in fragment
    assert 'id="permanency_goal"' in fragment
    for goal in present:
        assert f'value="{goal}"' in fragment
    assert f'value="{absent}"' not in fragment


def test_editing_a_case_saves_the_new_details(client, signed_in):
    """The facilitator corrects a case; its page shows the new details."""
    case = factories.make_case(signed_in, family_name="Rivera", case_number="MI-1001")
    path = f"/cases/{case.id}/edit"
    placed = _today() - timedelta(days=2)

    response = post_form(
        client,
        path,
        _form(
            signed_in,
            case_number="MI-1001",
            family_name="Rivera-Lopez",
            substantiation_date=case.substantiation_date.isoformat(),
            placement_date=placed.isoformat(),
            permanency_goal="guardianship",
        ),
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Case details saved." in page
    assert "Rivera-Lopez family" in page
    assert "Legal guardianship" in page
    saved = _case_with_number("MI-1001")
    assert (saved.family_name, saved.placement_date) == ("Rivera-Lopez", placed)


BAD_INPUT = [
    ({"case_number": ""}, "case_number", "Enter the case number."),
    ({"case_number": "   "}, "case_number", "Enter the case number."),
    ({"family_name": ""}, "family_name", "Enter the family name."),
    ({"case_number": "A" * 41}, "case_number", "at most 40"),
    ({"family_name": "F" * 121}, "family_name", "at most 120"),
    ({"case_number": "MI<2024>"}, "case_number", "letters, digits"),
    ({"case_number": "-42"}, "case_number", "letters, digits"),
    ({"substantiation_date": ""}, "substantiation_date", "Enter the substantiation date."),
    ({"substantiation_date": TOMORROW}, "substantiation_date", "in the future"),
    ({"placement_date": TOMORROW}, "placement_date", "in the future"),
    ({"substantiation_date": "1899-12-31"}, "substantiation_date", "Check the year"),
    ({"substantiation_date": "last tuesday"}, "substantiation_date", "Not a valid date"),
    ({"placement_date": "2024-02-30"}, "placement_date", "Not a valid date"),
    ({"permanency_goal": "family_reunification"}, "permanency_goal", "Choose a permanency goal"),
    ({"permanency_goal": ""}, "permanency_goal", "Choose a permanency goal"),
    ({"jurisdiction": "narnia"}, "jurisdiction", "Choose a jurisdiction profile"),
    ({"facilitator_id": "not-a-number"}, "facilitator_id", "Choose a facilitator"),
    ({"facilitator_id": "999999"}, "facilitator_id", "Choose a facilitator"),
    ({"tribe_contacted_on": "2024-01-05"}, "tribe_contacted_on", "Only for an Indigenous child"),
    (
        {"indigenous_child": "y", "tribe_contacted_on": TOMORROW},
        "tribe_contacted_on",
        "in the future",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_explained_next_to_its_field_and_nothing_is_saved(
    client, signed_in, overrides, field, message
):
    """Each broken rule gets a message beside its field, and no case or event is written."""
    before = _counts()

    response = post_form(client, NEW, _form(signed_in, **overrides))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_error(page, field)
    assert 'class="error-summary"' in page
    assert _counts() == before


def test_facilitator_of_another_team_cannot_be_assigned(client, signed_in):
    """Only a facilitator of the case's own team can be chosen."""
    outsider = factories.make_user(team=factories.make_team("South Team"), name="Oscar Out")
    before = _counts()

    response = post_form(client, NEW, _form(signed_in, facilitator_id=str(outsider.id)))

    assert response.status_code == 400
    assert "Choose a facilitator from your team." in field_error(
        response.get_data(as_text=True), "facilitator_id"
    )
    assert _counts() == before


def test_a_case_number_is_unique_within_a_team_only(client, signed_in):
    """The team cannot open the same case number twice; another team may use it."""
    other = factories.make_user(team=factories.make_team("South Team"))
    factories.make_case(other, case_number="MI-2024-0042")

    first = post_form(client, NEW, _form(signed_in, family_name="Rivera"))
    before = _counts()
    second = post_form(client, NEW, _form(signed_in, family_name="Someone Else"))

    assert first.status_code == 302
    assert second.status_code == 400
    assert "already has a case with this number" in field_error(
        second.get_data(as_text=True), "case_number"
    )
    assert _counts() == before


def test_missing_csrf_token_saves_nothing(client, signed_in):
    """A form posted without its security token is refused and opens no case."""
    before = _counts()

    response = client.post(NEW, data=_form(signed_in))

    assert response.status_code == 400
    assert _counts() == before


def test_bad_edit_is_explained_and_changes_nothing(client, signed_in):
    """An edit that breaks a rule leaves the case and its transcript as they were."""
    case = factories.make_case(signed_in, family_name="Rivera", case_number="MI-1001")
    before = _counts()

    response = post_form(
        client,
        f"/cases/{case.id}/edit",
        _form(signed_in, case_number="MI-1001", family_name="", placement_date=TOMORROW),
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the family name." in field_error(page, "family_name")
    assert "in the future" in field_error(page, "placement_date")
    assert _counts() == before
    unchanged = _case_with_number("MI-1001")
    assert (unchanged.family_name, unchanged.placement_date) == ("Rivera", None)


@pytest.mark.parametrize("path", ["/cases/999999", "/cases/999999/edit"])
def test_unknown_case_is_not_found(client, signed_in, path):
    """A case id that does not exist gives a 404 page."""
    assert client.get(path).status_code == 404


def test_another_team_s_case_is_not_found(client, signed_in):
    """A case of another team looks exactly like one that does not exist."""
    other = factories.make_user(team=factories.make_team("South Team"))
    theirs = factories.make_case(other, family_name="Theirs")

    assert client.get(f"/cases/{theirs.id}").status_code == 404
    assert client.get(f"/cases/{theirs.id}/edit").status_code == 404


@pytest.mark.parametrize("term", ["%", "_", "\\"])
def test_search_treats_wildcard_characters_as_text(client, signed_in, term):
    """Typing % or _ looks for that character; it does not list every case."""
    factories.make_case(signed_in, family_name="Rivera", case_number="MI-1001")

    page = client.get("/cases/", query_string={"q": term}).get_data(as_text=True)

    assert _families(page) == []


def test_a_case_number_differing_only_in_letter_case_is_a_duplicate(client, signed_in):
    """A case number differing only in letter case is a duplicate: refused, nothing saved."""
    assert post_form(client, NEW, _form(signed_in)).status_code == 302
    before = _counts()

    again = post_form(client, NEW, _form(signed_in, case_number="mi-2024-0042"))

    assert again.status_code == 400
    assert "already has a case with this number" in field_error(
        again.get_data(as_text=True), "case_number"
    )
    assert _counts() == before


def test_every_problem_is_shown_at_once_even_with_an_unreadable_date(client, signed_in):
    """An unreadable date and an empty case number are both reported on the first try."""
    before = _counts()

    response = post_form(
        client, NEW, _form(signed_in, case_number="", substantiation_date="32/13/2026")
    )
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert field_error(page, "substantiation_date")
    assert "Enter the case number" in field_error(page, "case_number")
    assert _counts() == before
