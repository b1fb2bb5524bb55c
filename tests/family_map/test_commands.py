"""The family map's commands on their own: impossible families refused with a clear message and
nothing saved, relationships chosen from either side, taking someone off the map with their lines
and bringing them back, who may do what, confidential people, conflicts, retries, locks and the
end of the meeting.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import partial

import pytest
import sqlalchemy as sa

from fttm.core.recorder import last_seq
from fttm.core.viewers import FAMILY, STAFF, Viewer
from fttm.errors import Conflict, Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.family_map.lines import (
    add_connection,
    add_relationship,
    edit_connection,
    edit_relationship,
    remove_line,
    restore_line,
)
from fttm.family_map.loading import load_map
from fttm.family_map.models import (
    EcomapConnection,
    Household,
    Person,
    Relationship,
    RelationshipKind,
)
from fttm.family_map.people import (
    add_household,
    add_person,
    delete_person,
    edit_person,
    nudge_person,
    restore_person,
    set_person_confidential,
)
from fttm.idempotency import KeyReused
from fttm.jurisdictions import profile
from fttm.meetings.commands import end_meeting, lock_section
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import count, fresh, transcript_events

OWN_PARENT = "A person can't be their own parent."
BOTH_ON_MAP = "Both people must be on this family's map."
HOW_RELATED = "Choose how they are related."


# ---- who is asking ----


@pytest.fixture
def mum(staff) -> Viewer:
    """Maria, the mother, on her phone."""
    return factories.make_phone(staff, "Maria", "parent")


@pytest.fixture
def aunt(staff) -> Viewer:
    """Rosa, an aunt, on her phone."""
    return factories.make_phone(staff, "Rosa", "relative")


# ---- a family already on the map ----


@dataclass
class Family:
    """Gran, her daughter Maria and Maria's husband Tom, and their son Leo (the focus child)."""

    gran: Person
    maria: Person
    tom: Person
    leo: Person


@pytest.fixture
def family(staff) -> Family:
    """Three generations drawn by the facilitator, with birth years."""
    gran = add_person(staff, {"name": "Gran", "sex": "female", "born": "1950"})
    maria = add_person(
        staff,
        {"name": "Maria", "sex": "female", "born": "1985", "relation": "child:biological"}
        | {"other": str(gran.id)},
    )
    tom = add_person(
        staff,
        {"name": "Tom", "sex": "male", "born": "1983", "relation": "partner:married"}
        | {"other": str(maria.id)},
    )
    leo = add_person(
        staff,
        {"name": "Leo", "sex": "male", "born": "2015", "is_focus_child": "1"}
        | {"relation": "child:biological", "other": str(maria.id)},
    )
    _relate(staff, tom, "parent:biological", leo)
    return Family(gran, maria, tom, leo)


def _relate(viewer: Viewer, person: Person, relation: str, other: Person, *, key=None, **fields):
    """Draw a line from `person`'s side: "<person> <relation> <other>"."""
    form = {"person": str(person.id), "relation": relation, "other": str(other.id), **fields}
    return add_relationship(viewer, form, key=key)


def _connect(
    viewer: Viewer, person: Person | None, system: str, *, key=None, **fields
) -> EcomapConnection:
    """An ecomap connection of one person (or of the household, with None)."""
    form = {
        "person_id": str(person.id) if person else "",
        "category": "school",
        "system_name": system,
        "strength": "strong",
        **fields,
    }
    return add_connection(viewer, form, key=key)


def _footprint(case_id: int) -> tuple:
    """Everything a family map command could write: its rows, the case's events, the sequence."""
    rows = tuple(count(model) for model in (Person, Relationship, EcomapConnection, Household))
    return rows, count(TranscriptEvent, case_id=case_id), last_seq(case_id)


def _refused(case_id: int, attempt, error=Invalid) -> dict[str, str] | str:
    """Run a command that must be refused; nothing may be saved. Its messages, by field."""
    before = _footprint(case_id)
    with pytest.raises(error) as refused:
        attempt()
    assert _footprint(case_id) == before
    return getattr(refused.value, "errors", str(refused.value))


def _lines(case_id: int) -> set[tuple[int, int, str]]:
    """The live relationships of a case as (from, to, kind)."""
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(Relationship).where(
            Relationship.case_id == case_id, Relationship.deleted_at.is_(None)
        )
    )
    return {(r.from_person_id, r.to_person_id, r.kind.value) for r in rows}


def _latest(model) -> int:
    """The id of the newest row of `model`."""
    return db.session.scalar(sa.select(sa.func.max(model.id)))


def _this_year(case) -> int:
    return profile(case.jurisdiction).today().year


# ---- impossible families are refused, with nothing saved ----


def test_a_person_cannot_be_their_own_parent_or_partner(case, staff, family):
    """Leo can't be drawn as his own parent (or child), nor Maria as married to herself."""
    for relation in ("parent:biological", "parent:adopted", "child:foster"):
        line = partial(_relate, staff, family.leo, relation, family.leo)
        assert _refused(case.id, line) == {"other": OWN_PARENT}, relation
    for relation in ("partner:married", "partner:cohabiting"):
        line = partial(_relate, staff, family.maria, relation, family.maria)
        assert _refused(case.id, line) == {"other": "A person can't be their own partner."}


def test_a_parentage_cycle_is_refused(case, staff):
    """Nobody can end up their own ancestor (no birth years, so only the cycle rule applies)."""
    gran = add_person(staff, {"name": "Gran"})
    maria = add_person(
        staff, {"name": "Maria", "relation": "child:biological", "other": str(gran.id)}
    )
    leo = add_person(staff, {"name": "Leo", "relation": "child:biological", "other": str(maria.id)})

    for one, relation, two, message in (
        # the grandchild as the grandmother's parent, chosen from either side
        (leo, "parent:adopted", gran, "That would make Leo their own ancestor."),
        (gran, "child:foster", leo, "That would make Leo their own ancestor."),
        # Maria as her own son's child
        (maria, "child:adopted", leo, "These two are already drawn as parent and child"),
    ):
        errors = _refused(case.id, partial(_relate, staff, one, relation, two))
        assert set(errors) == {"other"}
        assert errors["other"].startswith(message)


def test_a_third_biological_parent_is_refused(case, staff, mum, family):
    """Leo has Maria and Tom: nobody else can be his birth parent, from either side."""
    dan = add_person(mum, {"name": "Dan", "sex": "male", "born": "1980"})

    for attempt in (
        lambda: _relate(mum, dan, "parent:biological", family.leo),
        lambda: _relate(mum, family.leo, "child:biological", dan),
        lambda: add_person(
            mum, {"name": "Eve", "relation": "parent:biological", "other": str(family.leo.id)}
        ),
    ):
        errors = _refused(case.id, attempt)
        assert errors == {"other": "Leo already has two biological parents."}

    # A step-parent or foster carer is another kind of parent, and is welcome.
    _relate(mum, dan, "parent:foster", family.leo)
    assert (dan.id, family.leo.id, "foster") in _lines(case.id)


def test_a_refusal_does_not_reveal_a_hidden_parent(case, staff, mum, family):
    """Tom, Leo's father, is confidential: a phone adding another birth parent is refused
    without learning that Leo has a second parent on the map; staff get the plain reason.
    """
    set_person_confidential(staff, family.tom.id, True)
    dan = add_person(mum, {"name": "Dan", "sex": "male", "born": "1980"})

    errors = _refused(case.id, lambda: _relate(mum, dan, "parent:biological", family.leo))

    assert errors == {"other": "That line can't be drawn. Ask the facilitator."}
    errors = _refused(case.id, lambda: _relate(staff, dan, "parent:biological", family.leo))
    assert errors == {"other": "Leo already has two biological parents."}


def test_a_grandparent_can_adopt_their_grandchild(case, staff, family):
    """Kinship adoption: Gran is Leo's grandmother and becomes his adoptive parent too."""
    line = _relate(staff, family.gran, "parent:adopted", family.leo)

    line = fresh(Relationship, line.id)
    assert (line.from_person_id, line.to_person_id) == (family.gran.id, family.leo.id)
    assert line.kind == RelationshipKind.ADOPTED
    assert {
        (family.gran.id, family.maria.id, "biological"),
        (family.maria.id, family.leo.id, "biological"),
        (family.gran.id, family.leo.id, "adopted"),
    } <= _lines(case.id)


def test_people_of_another_family_cannot_be_related_to_this_one(facilitator, case, staff, family):
    """An id from another case's map is refused everywhere one can name a person."""
    other_case = factories.make_case(facilitator)
    stranger = Person(case_id=other_case.id, name="Someone Else")
    db.session.add(stranger)
    db.session.commit()
    theirs = str(stranger.id)

    assert _refused(case.id, lambda: _relate(staff, family.leo, "child:adopted", stranger)) == {
        "other": BOTH_ON_MAP
    }
    assert _refused(case.id, lambda: _relate(staff, stranger, "parent:adopted", family.leo)) == {
        "person": BOTH_ON_MAP
    }
    errors = _refused(
        case.id,
        lambda: add_person(staff, {"name": "Kim", "relation": "partner:married", "other": theirs}),
    )
    assert errors == {"other": BOTH_ON_MAP}
    assert "person_id" in _refused(case.id, lambda: _connect(staff, stranger, "Their school"))
    with pytest.raises(NotFound):
        edit_person(staff, stranger.id, {"name": "Mine now"}, base_version=1)
    assert fresh(Person, stranger.id).name == "Someone Else"


def test_a_death_before_the_birth_is_refused_on_add_and_on_edit(case, staff, family):
    """The year of death can't come before the year of birth."""
    message = {"death_year": "The year of death can't be before the year of birth."}

    assert (
        _refused(
            case.id,
            lambda: add_person(staff, {"name": "Grandad", "born": "1948", "death_year": "1940"}),
        )
        == message
    )
    assert (
        _refused(
            case.id,
            lambda: edit_person(
                staff, family.gran.id, {"deceased": "1", "death_year": "1949"}, base_version=1
            ),
        )
        == message
    )
    # Nor by moving the birth after a death already recorded.
    grandad = add_person(staff, {"name": "Grandad", "born": "1948", "death_year": "1990"})
    grandad = fresh(Person, grandad.id)
    assert (grandad.deceased, grandad.death_year, grandad.birth_year) == (True, 1990, 1948)
    assert (
        _refused(case.id, lambda: edit_person(staff, grandad.id, {"born": "1995"}, base_version=1))
        == message
    )


def test_a_year_in_the_future_is_refused(case, staff, family):
    """Births, deaths and the years of a line must have passed."""
    next_year = str(_this_year(case) + 1)
    passed = "Enter a year that has passed."

    errors = _refused(case.id, lambda: add_person(staff, {"name": "Baby", "born": next_year}))
    assert errors == {"born": passed}
    errors = _refused(
        case.id,
        lambda: edit_person(
            staff, family.gran.id, {"deceased": "1", "death_year": next_year}, base_version=1
        ),
    )
    assert errors == {"death_year": passed}
    errors = _refused(
        case.id,
        lambda: _relate(staff, family.gran, "feeling:close", family.leo, start_year=next_year),
    )
    assert errors == {"start_year": passed}
    married = db.session.scalar(
        sa.select(Relationship).where(Relationship.kind == RelationshipKind.MARRIED)
    )
    errors = _refused(
        case.id,
        lambda: edit_relationship(staff, married.id, {"end_year": next_year}, base_version=1),
    )
    assert errors == {"end_year": passed}


NONSENSE_YEARS = [
    ("abcd", "Enter a year like 1984."),
    ("19x4", "Enter a year like 1984."),
    ("1e3", "Enter a year like 1984."),
    ("1984.0", "Enter a year like 1984."),
    ("19 84", "Enter a year like 1984."),
    ("²", "Enter a year like 1984."),
    ("\uff11\uff19\uff18\uff14", "Enter a year like 1984."),  # full-width 1984
    ("12345", "Enter a year like 1984."),
    ("-1984", "Enter a year like 1984."),
    ("0984", "Enter a year after 1850."),
    ("1849", "Enter a year after 1850."),
]


def test_nonsense_years_are_refused(case, staff, family):
    """As a birth, a death, or the years of a line; each with the message that helps."""
    for typed, message in [*NONSENSE_YEARS, ("200", "Enter a year like 1984.")]:
        born = {"name": "X", "born": typed}
        assert _refused(case.id, partial(add_person, staff, born)) == {"born": message}, typed
    for typed, message in NONSENSE_YEARS:
        death = {"name": "X", "deceased": "1", "death_year": typed}
        assert _refused(case.id, partial(add_person, staff, death)) == {"death_year": message}
        line = partial(_relate, staff, family.gran, "feeling:close", family.leo, end_year=typed)
        assert _refused(case.id, line) == {"end_year": message}, typed


def test_a_negative_age_is_refused(case, staff):
    """ "-5" is neither an age nor a year: it must not become a birth five years from now."""
    errors = _refused(case.id, lambda: add_person(staff, {"name": "Baby", "born": "-5"}))

    assert set(errors) == {"born"}


def test_an_unknown_relation_is_refused(case, staff, family):
    """Only the choices of the list are relations; the new person isn't saved without one."""
    for relation in (
        "cousin:biological",
        "parent:cousin",
        "partner:biological",
        "parent:married",
        "feeling:violence",
        "harms:close",
        "parent",
        ":biological",
        "PARENT:BIOLOGICAL",
    ):
        line = partial(_relate, staff, family.tom, relation, family.leo)
        assert _refused(case.id, line) == {"relation": HOW_RELATED}, relation
        form = {"name": "Kim", "relation": relation, "other": str(family.leo.id)}
        assert _refused(case.id, partial(add_person, staff, form)) == {"relation": HOW_RELATED}


def test_a_relationship_without_a_relation_is_refused(case, staff, family):
    """The "how" of the relationship form can't be left empty."""
    assert _refused(case.id, lambda: _relate(staff, family.tom, "", family.gran)) == {
        "relation": HOW_RELATED
    }


def test_an_unknown_ecomap_category_is_refused(case, staff, family):
    """Only the jurisdiction's kinds of system; " school " is forgiven its spaces."""
    for category in ("casino", "School", "", "extended family"):
        attempt = partial(_connect, staff, family.leo, "Hillside Primary", category=category)
        assert _refused(case.id, attempt) == {"category": "Choose a kind of system from the list."}

    connection = _connect(staff, family.leo, "Hillside Primary", category=" school ")
    assert fresh(EcomapConnection, connection.id).category == "school"


def test_a_connection_needs_a_system_name_and_a_strength(case, staff, family):
    """Every problem of the form is told at once."""
    errors = _refused(
        case.id, lambda: _connect(staff, family.leo, "   ", category="casino", strength="")
    )

    assert errors == {
        "category": "Choose a kind of system from the list.",
        "system_name": "This can't be empty.",
        "strength": "Choose strong, moderate, tenuous or stressful.",
    }


def test_a_second_union_between_the_same_pair_is_refused(case, staff, family):
    """Maria and Tom are married: change that line rather than draw another, from either side."""
    for one, relation, two in (
        (family.tom, "partner:divorced", family.maria),
        (family.maria, "partner:married", family.tom),
        (family.tom, "partner:cohabiting", family.maria),
    ):
        errors = _refused(case.id, partial(_relate, staff, one, relation, two))
        assert errors == {"other": "These two already have a union line: change that one instead."}


def test_a_parent_or_grandparent_and_their_child_cannot_be_partners(case, staff, family):
    """A union between someone and their descendant is refused, whichever side it is drawn from."""
    for one, two in (
        (family.maria, family.leo),
        (family.leo, family.maria),
        (family.gran, family.leo),
        (family.leo, family.gran),
    ):
        errors = _refused(case.id, partial(_relate, staff, one, "partner:married", two))
        assert errors == {"other": "A parent and their child can't be drawn as partners."}


def test_a_parent_born_after_their_child_is_refused(case, staff, family):
    """On a new line, on a new person with their relation, and on a changed birth year."""
    young = add_person(staff, {"name": "Young", "born": "2018"})
    message = {"other": "A parent can't be born after their child."}

    assert _refused(case.id, lambda: _relate(staff, young, "parent:foster", family.leo)) == message
    assert _refused(case.id, lambda: _relate(staff, family.leo, "child:foster", young)) == message
    form = {
        "name": "Kid",
        "born": "2019",
        "relation": "parent:adopted",
        "other": str(family.leo.id),
    }
    assert _refused(case.id, lambda: add_person(staff, form)) == message
    assert _refused(
        case.id, lambda: edit_person(staff, family.leo.id, {"born": "1980"}, base_version=1)
    ) == {"born": "A parent can't be born after their child."}


def test_changing_a_line_into_an_impossible_one_is_refused(case, staff, family):
    """A foster line can't become a third birth parent; a marriage can't become a feeling."""
    carer = add_person(staff, {"name": "Carer", "born": "1970"})
    foster = _relate(staff, carer, "parent:foster", family.leo)
    married = db.session.scalar(
        sa.select(Relationship).where(Relationship.kind == RelationshipKind.MARRIED)
    )

    assert _refused(
        case.id, lambda: edit_relationship(staff, foster.id, {"kind": "biological"}, base_version=1)
    ) == {"other": "Leo already has two biological parents."}
    for kind in ("close", "biological", "nonsense", ""):
        form = {"kind": kind}
        assert _refused(
            case.id, partial(edit_relationship, staff, married.id, form, base_version=1)
        ) == {"kind": "Choose a kind of line from the list."}
    # Within its sort a line changes freely: the foster carer adopts Leo, the couple divorce.
    edit_relationship(staff, foster.id, {"kind": "adopted"}, base_version=1)
    edit_relationship(staff, married.id, {"kind": "divorced", "end_year": "2022"}, base_version=1)
    assert {
        (carer.id, family.leo.id, "adopted"),
        (family.tom.id, family.maria.id, "divorced"),
    } <= _lines(case.id)


# ---- adding people ----


def test_born_is_typed_as_an_age_or_a_year(case, staff):
    """An age (up to 125) is counted back from this year where the family lives."""
    this_year = _this_year(case)
    for born, expected in (
        ("63", this_year - 63),
        (" 7 ", this_year - 7),
        ("0", this_year),
        ("125", this_year - 125),
        ("1961", 1961),
        ("", None),
    ):
        person = add_person(staff, {"name": "Nana", "born": born})

        assert fresh(Person, person.id).birth_year == expected, born
        assert transcript_events(case.id)[-1].after["birth_year"] == expected


def test_adding_a_person_with_their_relation_saves_both_in_one_change(
    case, meeting, staff, family, published
):
    """Grandad Joe and his line to Tom: two events, one sequence number each, one commit."""
    seq = last_seq(case.id)

    joe = add_person(
        staff,
        {"name": "Grandad Joe", "sex": "male", "born": "1955"}
        | {"relation": "parent:biological", "other": str(family.tom.id)},
    )

    [batch] = published
    assert [(e.kind, e.seq) for e in batch] == [
        ("person.added", seq + 1),
        ("relationship.added", seq + 2),
    ]
    assert last_seq(case.id) == seq + 2
    person_event, line_event = batch
    assert (person_event.target_id, person_event.after["name"]) == (joe.id, "Grandad Joe")
    line = fresh(Relationship, line_event.target_id)
    assert (line.from_person_id, line.to_person_id, line.kind) == (
        joe.id,
        family.tom.id,
        RelationshipKind.BIOLOGICAL,
    )
    assert line_event.after["from_person_id"] == joe.id
    assert {e.meeting_id for e in batch} == {meeting.id}
    assert [e.kind for e in transcript_events(case.id)][-2:] == [
        "person.added",
        "relationship.added",
    ]


def test_when_the_relation_is_refused_not_even_the_person_is_saved(case, mum, family, published):
    """Nothing half-saved: no person, no line, no event, no sequence number, nothing pushed."""
    leo = str(family.leo.id)
    younger = "A parent can't be born after their child."
    for form, errors in (
        ({"relation": "parent:biological", "other": leo}, {"other": "Leo already has two"}),
        ({"born": "2020", "relation": "parent:adopted", "other": leo}, {"other": younger}),
        ({"born": "2010", "relation": "child:biological", "other": leo}, {"other": younger}),
        ({"relation": "parent:biological", "other": ""}, {"other": "Choose someone from"}),
        ({"born": "1850x", "relation": "parent:foster", "other": leo}, {"born": "Enter a year"}),
    ):
        published.clear()

        refused = _refused(case.id, partial(add_person, mum, {"name": "Stranger", **form}))

        assert set(refused) == set(errors)
        for field, words in errors.items():
            assert refused[field].startswith(words)
        assert published == []
        assert count(Person, name="Stranger") == 0


def test_a_relationship_chosen_from_either_side_runs_from_parent_to_child(case, mum):
    """Choosing "Kai is the birth child of Kim" stores Kim → Kai; violence runs from who harms."""
    kim = add_person(mum, {"name": "Kim", "sex": "female"})
    kai = add_person(mum, {"name": "Kai"})
    ben = add_person(mum, {"name": "Ben", "sex": "male"})

    child = _relate(mum, kai, "child:biological", kim)
    harmed = _relate(mum, kim, "harmed_by:violence", ben)
    parent = _relate(mum, ben, "parent:foster", kai)

    stored = {
        line.id: (line.from_person_id, line.to_person_id, line.kind.value)
        for line in (fresh(Relationship, r.id) for r in (child, harmed, parent))
    }
    assert stored == {
        child.id: (kim.id, kai.id, "biological"),
        harmed.id: (ben.id, kim.id, "violence"),
        parent.id: (ben.id, kai.id, "foster"),
    }
    added = [e for e in transcript_events(case.id) if e.kind == "relationship.added"]
    assert [(e.after["from_person_id"], e.after["to_person_id"]) for e in added] == [
        (kim.id, kai.id),
        (ben.id, kim.id),
        (ben.id, kai.id),
    ]


# ---- taking someone off the map, and bringing them back ----


def _leo_s_lines(staff: Viewer, family: Family) -> dict:
    """Leo's lines and connections besides his parents, and some of others' that must stay."""
    return {
        "close": _relate(staff, family.leo, "feeling:close", family.gran),
        "school": _connect(staff, family.leo, "Hillside Primary"),
        "football": _connect(staff, family.leo, "Saturday football", category="recreation"),
        "household": _connect(staff, None, "Food bank", category="service_providers"),
        "gran_work": _connect(staff, family.gran, "Corner shop", category="work"),
    }


def _parent_lines(case_id: int, leo: Person) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Relationship.id)
            .where(Relationship.to_person_id == leo.id, Relationship.case_id == case_id)
            .where(Relationship.kind == RelationshipKind.BIOLOGICAL)
            .order_by(Relationship.id)
        )
    )


def test_taking_someone_off_the_map_takes_their_lines_in_the_same_change(
    case, staff, mum, family, published
):
    """Leo goes with his three lines and two connections: one event per row, one commit."""
    lines = _leo_s_lines(staff, family)
    parents = _parent_lines(case.id, family.leo)
    published.clear()

    delete_person(staff, family.leo.id)

    [batch] = published
    assert sorted((e.kind, e.target_id) for e in batch) == sorted(
        [
            ("person.deleted", family.leo.id),
            *(("relationship.deleted", line_id) for line_id in parents),
            ("relationship.deleted", lines["close"].id),
            ("ecomap_connection.deleted", lines["school"].id),
            ("ecomap_connection.deleted", lines["football"].id),
        ]
    )
    assert all(e.section == "family_map" and e.after["deleted_at"] for e in batch)
    assert len({e.seq for e in batch}) == len(batch)
    gone = [fresh(Relationship, i) for i in (*parents, lines["close"].id)]
    gone += [fresh(EcomapConnection, lines[name].id) for name in ("school", "football")]
    assert {row.deleted_at for row in gone} == {fresh(Person, family.leo.id).deleted_at}
    for name in ("household", "gran_work"):
        assert fresh(EcomapConnection, lines[name].id).deleted_at is None
    assert _lines(case.id) == {
        (family.gran.id, family.maria.id, "biological"),
        (family.tom.id, family.maria.id, "married"),
    }
    seen = load_map(case.id, FAMILY, profile(case.jurisdiction))
    assert "Leo" not in {p.name for p in seen.people}
    assert {c.system_name for c in seen.connections} == {"Food bank", "Corner shop"}


def test_restoring_someone_brings_back_exactly_what_went_with_them(case, staff, family, published):
    """Leo's parents' lines and his connections come back; a line removed earlier on its own
    stays removed.
    """
    lines = _leo_s_lines(staff, family)
    remove_line(staff, "relationship", lines["close"].id)
    remove_line(staff, "ecomap_connection", lines["football"].id)
    delete_person(staff, family.leo.id)
    parents = _parent_lines(case.id, family.leo)
    published.clear()

    restore_person(staff, family.leo.id)

    [batch] = published
    assert sorted((e.kind, e.target_id) for e in batch) == sorted(
        [
            ("person.restored", family.leo.id),
            *(("relationship.restored", line_id) for line_id in parents),
            ("ecomap_connection.restored", lines["school"].id),
        ]
    )
    assert all(e.after["deleted_at"] is None for e in batch)
    assert fresh(Person, family.leo.id).deleted_at is None
    assert fresh(Relationship, lines["close"].id).deleted_at is not None
    assert fresh(EcomapConnection, lines["football"].id).deleted_at is not None
    assert fresh(EcomapConnection, lines["school"].id).deleted_at is None
    assert (family.maria.id, family.leo.id, "biological") in _lines(case.id)
    assert (family.tom.id, family.leo.id, "biological") in _lines(case.id)


def test_a_line_to_someone_still_off_the_map_stays_removed(case, staff, family):
    """Bringing Leo back while Tom is still off the map does not draw a line to nobody."""
    delete_person(staff, family.tom.id)
    delete_person(staff, family.leo.id)

    restore_person(staff, family.leo.id)

    assert _lines(case.id) == {
        (family.gran.id, family.maria.id, "biological"),
        (family.maria.id, family.leo.id, "biological"),
    }
    with pytest.raises(Invalid) as refused:
        restore_line(staff, "relationship", _parent_lines(case.id, family.leo)[-1])
    assert refused.value.errors == {"restore": "Bring the person back first."}


def test_bringing_back_two_people_brings_back_the_line_between_them(case, staff, family):
    """Leo then Maria taken off; both brought back: mother and son are linked again."""
    before = _lines(case.id)
    delete_person(staff, family.leo.id)
    delete_person(staff, family.maria.id)

    restore_person(staff, family.leo.id)
    restore_person(staff, family.maria.id)

    assert _lines(case.id) == before


def test_bringing_lines_back_cannot_make_an_impossible_family(case, staff, family):
    """What is refused when drawn is refused (or left removed) when brought back."""
    married = db.session.scalar(
        sa.select(Relationship).where(Relationship.kind == RelationshipKind.MARRIED)
    )
    remove_line(staff, "relationship", married.id)
    _relate(staff, family.tom, "partner:divorced", family.maria)
    with pytest.raises(Invalid):
        restore_line(staff, "relationship", married.id)
    assert fresh(Relationship, married.id).deleted_at is not None

    delete_person(staff, family.tom.id)
    form = {"name": "Dan", "relation": "parent:biological", "other": str(family.leo.id)}
    dan = add_person(staff, form)
    with contextlib.suppress(Invalid):
        restore_person(staff, family.tom.id)
    lines = _lines(case.id)
    birth_parents = {
        one for one, two, kind in lines if (two, kind) == (family.leo.id, "biological")
    }
    assert len(birth_parents) <= 2, birth_parents
    assert dan.id in birth_parents


def test_only_the_facilitator_brings_people_and_lines_back(case, staff, mum, family):
    """Maria can take off what she added, but not bring it back."""
    kim = add_person(mum, {"name": "Kim"})
    line = _relate(mum, kim, "feeling:close", family.leo)
    delete_person(mum, kim.id)
    friend = _connect(mum, family.leo, "Best friend Sam", category="friends")
    remove_line(mum, "ecomap_connection", friend.id)

    for attempt in (
        lambda: restore_person(mum, kim.id),
        lambda: restore_line(mum, "relationship", line.id),
        lambda: restore_line(mum, "ecomap_connection", friend.id),
    ):
        assert _refused(case.id, attempt, NotAllowed) == "Only the facilitator writes here."

    restore_person(staff, kim.id)
    restore_line(staff, "ecomap_connection", friend.id)
    assert fresh(Person, kim.id).deleted_at is None
    assert fresh(Relationship, line.id).deleted_at is None
    assert fresh(EcomapConnection, friend.id).deleted_at is None


# ---- who may do what ----


def test_family_members_edit_anyone_on_the_map(case, staff, mum, aunt, family):
    """The family draws the map together: Rosa corrects people Maria and the facilitator added."""
    kim = add_person(mum, {"name": "Kim"})

    edit_person(aunt, kim.id, {"name": "Kimberly", "born": "1990"}, base_version=1)
    edit_person(aunt, family.leo.id, {"note": "Loves drawing"}, base_version=1)
    line = _relate(mum, kim, "feeling:close", family.maria)
    edit_relationship(aunt, line.id, {"kind": "very_close"}, base_version=1)

    assert (fresh(Person, kim.id).name, fresh(Person, kim.id).birth_year) == ("Kimberly", 1990)
    assert fresh(Person, family.leo.id).note == "Loves drawing"
    assert fresh(Relationship, line.id).kind == RelationshipKind.VERY_CLOSE
    edits = [e for e in transcript_events(case.id) if e.kind.endswith(".edited")]
    assert [(e.actor_participant_id, e.before, e.after) for e in edits] == [
        (
            aunt.participant.id,
            {"name": "Kim", "birth_year": None},
            {"name": "Kimberly"} | {"birth_year": 1990},
        ),
        (aunt.participant.id, {"note": None}, {"note": "Loves drawing"}),
        (aunt.participant.id, {"kind": "close"}, {"kind": "very_close"}),
    ]


def test_family_members_remove_only_what_they_added(case, staff, mum, aunt, family):
    """Rosa can't take off Maria's people, lines or connections, nor the facilitator's."""
    kim = add_person(mum, {"name": "Kim"})
    line = _relate(mum, kim, "feeling:close", family.leo)
    connection = _connect(mum, kim, "Night school")
    message = "You can remove what you added; ask the facilitator about the rest."

    for attempt in (
        lambda: delete_person(aunt, kim.id),
        lambda: delete_person(aunt, family.leo.id),
        lambda: delete_person(mum, family.leo.id),
        lambda: remove_line(aunt, "relationship", line.id),
        lambda: remove_line(aunt, "ecomap_connection", connection.id),
        lambda: remove_line(mum, "relationship", _parent_lines(case.id, family.leo)[0]),
    ):
        assert _refused(case.id, attempt, NotAllowed) == message

    remove_line(mum, "ecomap_connection", connection.id)
    delete_person(mum, kim.id)
    assert fresh(Person, kim.id).deleted_at is not None
    assert fresh(Relationship, line.id).deleted_at is not None


def test_only_the_facilitator_marks_confidential_sets_the_focus_child_or_nudges(
    case, staff, mum, family
):
    """Maria's phone is refused each of these, and nothing is saved."""
    kim = add_person(mum, {"name": "Kim"})

    for attempt, error in (
        (lambda: set_person_confidential(mum, kim.id, True), NotAllowed),
        (lambda: add_person(mum, {"name": "Secret", "confidential": "1"}), NotAllowed),
        (lambda: nudge_person(mum, kim.id, "left"), NotAllowed),
        (lambda: add_person(mum, {"name": "Ana", "is_focus_child": "1"}), Invalid),
        (lambda: edit_person(mum, kim.id, {"is_focus_child": "1"}, base_version=1), Invalid),
        (lambda: edit_person(mum, family.leo.id, {"is_focus_child": "0"}, base_version=1), Invalid),
    ):
        refused = _refused(case.id, attempt, error)
        if error is Invalid:
            assert refused == {
                "is_focus_child": "Only the facilitator marks the child the plan is about."
            }

    # Saving Leo's form with the focus box as it was is no change, not a refusal.
    edit_person(mum, family.leo.id, {"is_focus_child": "1", "note": "Age 10"}, base_version=1)
    assert fresh(Person, family.leo.id).is_focus_child is True
    edit_person(staff, kim.id, {"is_focus_child": "1"}, base_version=1)
    set_person_confidential(staff, kim.id, True)
    kim = fresh(Person, kim.id)
    assert (kim.is_focus_child, kim.confidential) == (True, True)


def test_nudges_accumulate_and_back_clears_them(case, staff, family):
    """Left twice is two steps left; back returns Leo to where the layout puts him."""
    for where in ("left", "left"):
        nudge_person(staff, family.leo.id, where)
    assert fresh(Person, family.leo.id).nudge_x == -130

    nudge_person(staff, family.leo.id, "right")
    assert fresh(Person, family.leo.id).nudge_x == -65
    nudge_person(staff, family.leo.id, "back")
    assert fresh(Person, family.leo.id).nudge_x is None

    nudges = [e for e in transcript_events(case.id) if e.kind == "person.nudged"]
    assert [(e.before, e.after) for e in nudges] == [
        ({"nudge_x": None}, {"nudge_x": -65.0}),
        ({"nudge_x": -65.0}, {"nudge_x": -130.0}),
        ({"nudge_x": -130.0}, {"nudge_x": -65.0}),
        ({"nudge_x": -65.0}, {"nudge_x": None}),
    ]
    # Back when already there, or "up", change nothing.
    before = _footprint(case.id)
    nudge_person(staff, family.leo.id, "back")
    assert _footprint(case.id) == before
    assert _refused(case.id, lambda: nudge_person(staff, family.leo.id, "up")) == {
        "where": "Choose left, right or back."
    }


def test_every_change_is_recorded_in_the_family_map_section_by_its_author(
    case, meeting, staff, mum, family, published
):
    """Each command is one published change whose events name the section and who made it."""
    published.clear()
    steps = [
        (mum, lambda: add_household(mum, {"name": "Gran's flat"})),
        (mum, lambda: add_person(mum, {"name": "Kim", "born": "30"})),
        (mum, lambda: edit_person(mum, family.gran.id, {"note": "Cooks"}, base_version=1)),
        (mum, lambda: _relate(mum, family.leo, "feeling:close", family.gran)),
        (
            staff,
            lambda: edit_relationship(staff, _latest(Relationship), {"note": "x"}, base_version=1),
        ),
        (mum, lambda: _connect(mum, family.leo, "Hillside Primary")),
        (
            mum,
            lambda: edit_connection(
                mum, _latest(EcomapConnection), {"strength": "stressful"}, base_version=1
            ),
        ),
        (mum, lambda: remove_line(mum, "ecomap_connection", _latest(EcomapConnection))),
        (staff, lambda: restore_line(staff, "ecomap_connection", _latest(EcomapConnection))),
        (staff, lambda: nudge_person(staff, family.gran.id, "right")),
        (staff, lambda: set_person_confidential(staff, family.tom.id, True)),
        (staff, lambda: set_person_confidential(staff, family.tom.id, False)),
        (mum, lambda: delete_person(mum, _latest(Person))),
        (staff, lambda: restore_person(staff, _latest(Person))),
    ]

    for viewer, step in steps:
        step()
        batch = published.pop()
        assert published == []
        for event in batch:
            assert event.section == "family_map", event.kind
            assert event.meeting_id == meeting.id
            assert event.actor_participant_id == viewer.participant.id
            assert event.actor_user_id == viewer.participant.user_id
            assert event.actor_name == viewer.participant.display_name

    kinds = [e.kind for e in transcript_events(case.id)][-len(steps) :]
    assert kinds == [
        "household.added",
        "person.added",
        "person.edited",
        "relationship.added",
        "relationship.edited",
        "ecomap_connection.added",
        "ecomap_connection.edited",
        "ecomap_connection.deleted",
        "ecomap_connection.restored",
        "person.nudged",
        "person.made_confidential",
        "person.shared",
        "person.deleted",
        "person.restored",
    ]


# ---- confidential people ----


@pytest.fixture
def kept_apart(staff, family) -> dict:
    """Uncle Ray, confidential from the start, with his lines; and Tom, made confidential after
    his lines were drawn.
    """
    ray = add_person(staff, {"name": "Uncle Ray", "sex": "male", "confidential": "1"})
    rows = {
        "ray": ray,
        "ray_leo": _relate(staff, ray, "harms:violence", family.leo),
        "ray_maria": _relate(staff, ray, "feeling:hostile", family.maria),
        "ray_court": _connect(staff, ray, "Probation office", category="court"),
        "tom_work": _connect(staff, family.tom, "Warehouse", category="work"),
        "leo_school": _connect(staff, family.leo, "Hillside Primary"),
    }
    set_person_confidential(staff, family.tom.id, True)
    return rows


def test_a_confidential_person_and_their_lines_are_never_loaded_for_the_family(
    case, staff, family, kept_apart
):
    """The family's map has neither Ray nor Tom, nor any line or connection touching them."""
    rules = profile(case.jurisdiction)
    hidden = {kept_apart["ray"].id, family.tom.id}

    seen = load_map(case.id, FAMILY, rules)

    assert {p.name for p in seen.people} == {"Gran", "Maria", "Leo"}
    for line in seen.relationships:
        assert not {line.from_person_id, line.to_person_id} & hidden
    assert {(r.from_person_id, r.to_person_id) for r in seen.relationships} == {
        (family.gran.id, family.maria.id),
        (family.maria.id, family.leo.id),
    }
    assert [c.system_name for c in seen.connections] == ["Hillside Primary"]
    assert {p.id for p in seen.family.people}.isdisjoint(hidden)
    everything = load_map(case.id, STAFF, rules)
    assert {p.name for p in everything.people} == {"Gran", "Maria", "Tom", "Leo", "Uncle Ray"}
    assert len(everything.relationships) == 6
    assert {c.system_name for c in everything.connections} == {
        "Probation office",
        "Warehouse",
        "Hillside Primary",
    }


def _cannot_name_or_change(case_id: int, viewer: Viewer, family: Family, hidden: Person) -> None:
    """`viewer` can neither name `hidden` in a form nor change or remove them."""
    assert _refused(case_id, partial(_relate, viewer, family.leo, "feeling:close", hidden)) == {
        "other": BOTH_ON_MAP
    }
    form = {"name": "Kim", "relation": "partner:married", "other": str(hidden.id)}
    assert _refused(case_id, partial(add_person, viewer, form)) == {"other": BOTH_ON_MAP}
    assert "person_id" in _refused(case_id, partial(_connect, viewer, hidden, "Gym"))
    rename = {"name": "Changed"}
    _refused(case_id, partial(edit_person, viewer, hidden.id, rename, base_version=1), NotFound)
    _refused(case_id, partial(delete_person, viewer, hidden.id), NotFound)


def test_the_family_cannot_reach_a_confidential_person(case, mum, family, kept_apart):
    """Not by naming them in a form, nor by changing or removing them or their lines."""
    for hidden in (kept_apart["ray"], family.tom):
        _cannot_name_or_change(case.id, mum, family, hidden)
    for attempt in (
        lambda: edit_relationship(mum, kept_apart["ray_leo"].id, {"note": "x"}, base_version=1),
        lambda: remove_line(mum, "relationship", kept_apart["ray_maria"].id),
        lambda: edit_connection(mum, kept_apart["ray_court"].id, {"note": "x"}, base_version=1),
    ):
        _refused(case.id, attempt, NotFound)


def test_the_family_cannot_change_lines_of_someone_made_confidential_later(
    case, staff, mum, family
):
    """Maria drew Tom's work and a feeling line; once Tom is confidential they are out of reach."""
    work = _connect(mum, family.tom, "Warehouse", category="work")
    feeling = _relate(mum, family.tom, "feeling:conflict", family.gran)
    set_person_confidential(staff, family.tom.id, True)
    parents = _parent_lines(case.id, family.leo)
    tom_to_leo = next(i for i in parents if fresh(Relationship, i).from_person_id == family.tom.id)

    for attempt in (
        lambda: edit_connection(mum, work.id, {"note": "Night shifts"}, base_version=1),
        lambda: remove_line(mum, "ecomap_connection", work.id),
        lambda: edit_relationship(mum, feeling.id, {"kind": "hostile"}, base_version=1),
        lambda: remove_line(mum, "relationship", feeling.id),
        lambda: edit_relationship(mum, tom_to_leo, {"note": "Left in 2020"}, base_version=1),
    ):
        _refused(case.id, attempt, NotFound)


def test_sharing_someone_again_shows_their_lines_to_the_family(case, staff, family, kept_apart):
    """The facilitator shares Ray after all: his lines and connection reach the family too."""
    set_person_confidential(staff, kept_apart["ray"].id, False)

    seen = load_map(case.id, FAMILY, profile(case.jurisdiction))

    assert "Uncle Ray" in {p.name for p in seen.people}
    assert {kept_apart["ray_leo"].id, kept_apart["ray_maria"].id} <= {
        r.id for r in seen.relationships
    }
    assert "Probation office" in {c.system_name for c in seen.connections}


def test_sharing_tom_again_brings_back_his_lines(case, staff, family, kept_apart):
    """Lines drawn before Tom was made confidential reach the family again once he is shared."""
    set_person_confidential(staff, family.tom.id, False)

    seen = load_map(case.id, FAMILY, profile(case.jurisdiction))

    assert "Tom" in {p.name for p in seen.people}
    assert (family.tom.id, family.leo.id) in {
        (r.from_person_id, r.to_person_id) for r in seen.relationships
    }
    assert "Warehouse" in {c.system_name for c in seen.connections}


# ---- conflicts and retries ----


def test_an_edit_from_a_stale_version_is_a_conflict(case, staff, mum, aunt, family):
    """Rosa saves Leo's name from the version she loaded after Maria changed it: refused."""
    line = _relate(mum, family.leo, "feeling:close", family.gran)
    school = _connect(mum, family.leo, "Hillside Primary")
    edit_person(mum, family.leo.id, {"name": "Leon"}, base_version=1)
    edit_relationship(mum, line.id, {"note": "Sundays"}, base_version=1)
    edit_connection(mum, school.id, {"strength": "tenuous"}, base_version=1)

    for attempt, field, current in (
        (
            lambda: edit_person(aunt, family.leo.id, {"name": "Leo J"}, base_version=1),
            "name",
            "Leon",
        ),
        (
            lambda: edit_relationship(aunt, line.id, {"start_year": "2016"}, base_version=1),
            "start_year",
            None,
        ),
        (
            lambda: edit_connection(aunt, school.id, {"note": "Good"}, base_version=1),
            "note",
            None,
        ),
    ):
        before = _footprint(case.id)
        with pytest.raises(Conflict) as conflict:
            attempt()
        assert (conflict.value.field, conflict.value.current) == (field, current)
        assert _footprint(case.id) == before

    assert fresh(Person, family.leo.id).name == "Leon"
    edit_person(aunt, family.leo.id, {"name": "Leo J"}, base_version=2)
    assert fresh(Person, family.leo.id).name == "Leo J"


def test_a_retried_change_is_applied_once(case, staff, mum, family):
    """The same key again returns the row already saved, with no second event."""
    kim = add_person(
        mum,
        {"name": "Kim", "relation": "partner:cohabiting", "other": str(family.tom.id)},
        key="k1",
    )
    after_first = _footprint(case.id)

    again = add_person(
        mum,
        {"name": "Kim", "relation": "partner:cohabiting", "other": str(family.tom.id)},
        key="k1",
    )

    assert again.id == kim.id
    assert _footprint(case.id) == after_first
    line = _relate(mum, family.leo, "feeling:close", family.gran, key="k2")
    assert _relate(mum, family.leo, "feeling:close", family.gran, key="k2").id == line.id
    school = _connect(mum, family.leo, "Hillside Primary", key="k3")
    assert _connect(mum, family.leo, "Hillside Primary", key="k3").id == school.id
    for _ in range(2):  # the retry comes with the old base version: not a conflict
        edited = edit_person(mum, kim.id, {"name": "Kimberly"}, base_version=1, key="k4")
        assert edited.id == kim.id
        nudge_person(staff, family.leo.id, "left", key="k5")
        remove_line(mum, "relationship", line.id, key="k6")
    assert fresh(Person, family.leo.id).nudge_x == -65
    kinds = [e.kind for e in transcript_events(case.id)]
    assert kinds.count("person.added") == 5
    assert kinds.count("relationship.added") == 6
    assert kinds.count("person.edited") == 1
    assert kinds.count("person.nudged") == 1
    assert kinds.count("relationship.deleted") == 1
    assert kinds.count("ecomap_connection.added") == 1


def test_someone_else_s_key_is_not_their_change(case, mum, aunt):
    """A key that belongs to Maria's change does not hand Maria's row to Rosa."""
    add_person(mum, {"name": "Kim"}, key="shared-key")

    assert _refused(
        case.id, lambda: add_person(aunt, {"name": "Kim"}, key="shared-key"), KeyReused
    ).startswith("This change reused the key of a different change")


# ---- locks and the end of the meeting ----


def _every_family_write(viewer: Viewer, family: Family, own: dict) -> list:
    """One attempt at each family map command a phone may normally make."""
    return [
        lambda: add_person(viewer, {"name": "Late cousin"}),
        lambda: edit_person(viewer, family.leo.id, {"name": "Leon"}, base_version=1),
        lambda: _relate(viewer, family.leo, "feeling:close", family.gran),
        lambda: edit_relationship(viewer, own["line"].id, {"note": "x"}, base_version=1),
        lambda: _connect(viewer, family.leo, "Library"),
        lambda: edit_connection(viewer, own["school"].id, {"note": "x"}, base_version=1),
        lambda: add_household(viewer, {"name": "Gran's flat"}),
        lambda: delete_person(viewer, own["kim"].id),
        lambda: remove_line(viewer, "relationship", own["line"].id),
        lambda: remove_line(viewer, "ecomap_connection", own["school"].id),
    ]


def _own_rows(mum: Viewer, family: Family) -> dict:
    kim = add_person(mum, {"name": "Kim"})
    return {
        "kim": kim,
        "line": _relate(mum, kim, "feeling:close", family.maria),
        "school": _connect(mum, family.leo, "Hillside Primary"),
    }


def test_a_locked_family_map_refuses_family_writes(facilitator, case, meeting, staff, mum, family):
    """While the facilitator has locked the map, phones can't change it; staff still can."""
    own = _own_rows(mum, family)
    lock_section(facilitator, meeting, "family_map", True)

    for attempt in _every_family_write(mum, family, own):
        assert _refused(case.id, attempt, NotAllowed) == (
            "The facilitator has locked this section for now."
        )

    add_person(staff, {"name": "Staff can still add"})
    lock_section(facilitator, meeting, "family_map", False)
    add_person(mum, {"name": "Unlocked again"})
    assert count(Person, deleted_at=None) == 7


def test_after_the_meeting_ends_nobody_changes_the_family_map(
    facilitator, case, meeting, staff, mum, family
):
    """Every command is refused to the family and to the facilitator once the meeting ended."""
    own = _own_rows(mum, family)
    delete_person(staff, family.tom.id)
    end_meeting(facilitator, meeting)

    staff_only = [
        lambda: restore_person(staff, family.tom.id),
        lambda: nudge_person(staff, family.leo.id, "left"),
        lambda: set_person_confidential(staff, family.leo.id, True),
    ]
    for attempt in (
        *_every_family_write(mum, family, own),
        *_every_family_write(staff, family, own),
        *staff_only,
    ):
        assert _refused(case.id, attempt, NotAllowed).startswith("This meeting is not running")
