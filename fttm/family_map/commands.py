"""What people do to the family map in a meeting: add and change people, relationships,
households and ecomap connections; remove and restore them; nudge the genogram.

Every command checks who is asking and refuses impossible families (someone their own parent or
partner, a parentage cycle, a third biological parent, a death before the birth) with a message
for the person who asked, before anything is saved. Each change is one transaction with its
transcript events, like every other change to the board.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from fttm.core.recorder import snapshot
from fttm.core.registry import LINE_MODELS
from fttm.core.rows import live_row, may_write, own_or_staff, replayed, set_fields, viewer_change
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, Invalid, NotAllowed
from fttm.extensions import db
from fttm.family_map.models import (
    EMOTIONAL_KINDS,
    PARENTAGE_KINDS,
    UNION_KINDS,
    ConnectionStrength,
    EcomapConnection,
    EnergyFlow,
    Household,
    Person,
    Relationship,
    RelationshipKind,
    Sex,
)
from fttm.forms import whole_number
from fttm.jurisdictions import profile
from fttm.timestamps import utcnow

SECTION = "family_map"
EARLIEST_YEAR = 1850
NUDGE_STEP = 65.0
NUDGE_LIMIT = 1300.0
PERSON_FIELDS = (
    "name",
    "sex",
    "gender_identity",
    "birth_year",
    "deceased",
    "death_year",
    "is_focus_child",
    "is_pregnancy_loss",
    "household_id",
    "multiple_birth_group",
    "note",
)
RELATIONSHIP_FIELDS = ("kind", "from_person_id", "to_person_id", "start_year", "end_year", "note")
CONNECTION_FIELDS = ("person_id", "category", "system_name", "strength", "flow", "note")


@dataclass
class _Found:
    """Messages about a form, gathered so that every problem is shown at once."""

    errors: dict

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_any(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


def _this_year(viewer: Viewer) -> int:
    return profile(viewer.meeting.case.jurisdiction).today().year


def _text(raw: dict, name: str, limit: int, found: _Found, *, required: bool = False):
    value = (raw.get(name) or "").strip()
    if len(value) > limit:
        found.add(name, _("Use at most %(count)d characters.", count=limit))
        return None
    if required and not value:
        found.add(name, _("This can't be empty."))
    return value or None


def _year(raw: dict, name: str, this_year: int, found: _Found) -> int | None:
    """A four-digit year that has passed (or an empty field)."""
    text = (raw.get(name) or "").strip()
    if not text:
        return None
    year = whole_number(text, digits=4)
    if year is None or len(text) != 4:
        found.add(name, _("Enter a year like 1984."))
        return None
    if year > this_year:
        found.add(name, _("Enter a year that has passed."))
        return None
    if year < EARLIEST_YEAR:
        found.add(name, _("Enter a year after %(year)d.", year=EARLIEST_YEAR))
        return None
    return year


def _born(raw: dict, this_year: int, found: _Found) -> int | None:
    """The birth year, typed as a year (1984) or an age (42)."""
    text = (raw.get("born") or "").strip()
    if not text:
        return None
    value = whole_number(text, digits=4)
    if value is not None and len(text) <= 3 and 0 <= value <= 125:
        return this_year - value
    return _year({"born": text}, "born", this_year, found)


def _checked(raw: dict, name: str) -> bool:
    """Whether a checkbox of the form was ticked."""
    return raw.get(name) in ("1", "on", "true")


def _person_of_case(viewer: Viewer, raw_id, field: str, found: _Found) -> Person | None:
    """A live person of this case the viewer may see; a clear message otherwise."""
    person_id = whole_number(str(raw_id or "").strip(), digits=11)
    if person_id is None:
        found.add(field, _("Choose someone from the list."))
        return None
    person = db.session.get(Person, person_id)
    if (
        person is None
        or person.case_id != viewer.meeting.case_id
        or person.deleted_at is not None
        or (person.confidential and not viewer.is_staff)
    ):
        found.add(field, _("Both people must be on this family's map."))
        return None
    return person


def _household(viewer: Viewer, raw: dict, found: _Found) -> int | None:
    text = (raw.get("household_id") or "").strip()
    if not text:
        return None
    household_id = whole_number(text, digits=11)
    home = db.session.get(Household, household_id) if household_id else None
    if (
        home is None
        or home.case_id != viewer.meeting.case_id
        or home.deleted_at is not None
        or (home.confidential and not viewer.is_staff)
    ):
        found.add("household_id", _("Choose a household from the list."))
        return None
    return home.id


def _person_values(viewer: Viewer, raw: dict, found: _Found, *, current: Person | None) -> dict:
    """The typed values of a person's form (every field present in `raw`)."""
    this_year = _this_year(viewer)
    values: dict = {}
    if "name" in raw or current is None:
        values["name"] = _text(raw, "name", 120, found, required=True)
    if "sex" in raw or current is None:
        sex = raw.get("sex") or Sex.UNKNOWN.value
        if sex not in {s.value for s in Sex}:
            found.add("sex", _("Choose female, male, or other or unknown."))
        else:
            values["sex"] = Sex(sex)
    if "gender_identity" in raw:
        values["gender_identity"] = _text(raw, "gender_identity", 60, found)
    if "born" in raw:
        values["birth_year"] = _born(raw, this_year, found)
    if "death_year" in raw or "deceased" in raw or current is None:
        death_year = _year(raw, "death_year", this_year, found)
        values["death_year"] = death_year
        values["deceased"] = _checked(raw, "deceased") or death_year is not None
    if "is_pregnancy_loss" in raw or current is None:
        values["is_pregnancy_loss"] = _checked(raw, "is_pregnancy_loss")
    if "household_id" in raw:
        values["household_id"] = _household(viewer, raw, found)
    if "note" in raw:
        values["note"] = _text(raw, "note", 500, found)
    if "is_focus_child" in raw or (current is None and viewer.is_staff):
        focus = _checked(raw, "is_focus_child")
        if focus != (current.is_focus_child if current else False) and not viewer.is_staff:
            found.add(
                "is_focus_child", _("Only the facilitator marks the child the plan is about.")
            )
        else:
            values["is_focus_child"] = focus
    born = values.get("birth_year", current.birth_year if current else None)
    died = values.get("death_year", current.death_year if current else None)
    if born is not None and died is not None and died < born:
        found.add("death_year", _("The year of death can't be before the year of birth."))
    return values


# -- people ---------------------------------------------------------------------------------


def add_person(viewer: Viewer, raw: dict, *, key: str | None = None) -> Person:
    """Add someone to the family map, and at once how they are related to someone already on it
    ("relation" and "other"), if the form says.
    """
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Person, key)) is not None:
        return done
    found = _Found({})
    values = _person_values(viewer, raw, found, current=None)
    confidential = _checked(raw, "confidential")
    if confidential and not viewer.is_staff:
        raise NotAllowed(_("Only the facilitator can do this."))
    choice = (raw.get("relation") or "").strip()
    other = None
    if choice:
        other = _person_of_case(viewer, raw.get("other"), "other", found)
        _chosen_relation(choice, found)
    found.raise_any()
    with viewer_change(viewer, key) as current:
        person = Person(
            case_id=viewer.meeting.case_id,
            **values,
            confidential=confidential,
            created_by_participant_id=viewer.participant.id,
            created_by_user_id=viewer.participant.user_id,
        )
        db.session.add(person)
        db.session.flush()
        current.record(
            "person.added",
            person,
            after=snapshot(person, (*PERSON_FIELDS, "confidential")),
            section=SECTION,
        )
        if other is not None:
            relationship = _new_relationship(viewer, person, choice, other, {}, found)
            found.raise_any()  # rolls the whole change back: nothing half-saved
            _record_relationship(current, relationship)
    return person


def edit_person(
    viewer: Viewer, person_id: int, raw: dict, *, base_version: int, key: str | None = None
) -> Person:
    """Change someone's details; anyone in the meeting may, as the family draws the map together."""
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Person, key)) is not None:
        return done
    person = live_row(viewer, Person, person_id)
    found = _Found({})
    values = _person_values(viewer, raw, found, current=person)
    twin = None
    if (raw.get("twin_of") or "").strip():
        twin = _person_of_case(viewer, raw.get("twin_of"), "twin_of", found)
        if twin is not None and twin.id == person.id:
            found.add("twin_of", _("Choose someone else: a twin is another person."))
    if "birth_year" in values:
        _check_ages(person, values["birth_year"], found)
    found.raise_any()
    changed = {name: value for name, value in values.items() if getattr(person, name) != value}
    if twin is not None and person.multiple_birth_group != (twin.multiple_birth_group or twin.id):
        changed["multiple_birth_group"] = twin.multiple_birth_group or twin.id
    if not changed:
        return person
    if base_version != person.version:
        field = next(iter(changed))
        raise Conflict(person, field, getattr(person, field))
    with viewer_change(viewer, key) as current:
        set_fields(current, person, changed, "person.edited", section=SECTION, seen=base_version)
        if twin is not None and twin.multiple_birth_group is None:
            set_fields(
                current, twin, {"multiple_birth_group": twin.id}, "person.edited", section=SECTION
            )
    return person


def _check_ages(person: Person, born: int | None, found: _Found) -> None:
    """A new birth year must keep parents older than their children."""
    if born is None:
        return
    for relationship in _relationships_of(person.id):
        if relationship.kind not in PARENTAGE_KINDS:
            continue
        parent = db.session.get(Person, relationship.from_person_id)
        child = db.session.get(Person, relationship.to_person_id)
        parent_born = born if parent.id == person.id else parent.birth_year
        child_born = born if child.id == person.id else child.birth_year
        if parent_born is not None and child_born is not None and parent_born > child_born:
            found.add("born", _("A parent can't be born after their child."))


def nudge_person(viewer: Viewer, person_id: int, where: str, *, key: str | None = None) -> Person:
    """The facilitator moves someone (and whoever stands with them) left or right on the
    genogram, or back where the automatic layout puts them. The nudge is kept.
    """
    may_write(viewer, SECTION, staff_only=True)
    if (done := replayed(viewer, Person, key)) is not None:
        return done
    person = live_row(viewer, Person, person_id)
    now = person.nudge_x or 0.0
    moved = {"left": now - NUDGE_STEP, "right": now + NUDGE_STEP, "back": 0.0}.get(where)
    if moved is None:
        raise Invalid({"where": _("Choose left, right or back.")})
    moved = max(-NUDGE_LIMIT, min(NUDGE_LIMIT, moved))
    if moved == now:
        return person
    with viewer_change(viewer, key) as current:
        set_fields(current, person, {"nudge_x": moved or None}, "person.nudged", section=SECTION)
    return person


def delete_person(viewer: Viewer, person_id: int, *, key: str | None = None) -> Person:
    """Take someone off the map with their relationships and connections (softly: the
    facilitator can bring them all back, and the transcript keeps everything).
    """
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Person, key)) is not None:
        return done
    person = live_row(viewer, Person, person_id)
    own_or_staff(viewer, person, removing=True)
    now = utcnow()
    with viewer_change(viewer, key) as current:
        set_fields(current, person, {"deleted_at": now}, "person.deleted", section=SECTION)
        taken = {"deleted_at": now, "deleted_with_person_id": person.id}
        for relationship in _relationships_of(person.id):
            set_fields(current, relationship, taken, "relationship.deleted", section=SECTION)
        for connection in _connections_of(person.id):
            set_fields(current, connection, taken, "ecomap_connection.deleted", section=SECTION)
    return person


def restore_person(viewer: Viewer, person_id: int, *, key: str | None = None) -> Person:
    """Bring someone back, with the relationships and connections removed along with them."""
    may_write(viewer, SECTION, staff_only=True)
    if (done := replayed(viewer, Person, key)) is not None:
        return done
    person = live_row(viewer, Person, person_id, deleted=True)
    back = {"deleted_at": None, "deleted_with_person_id": None}
    with viewer_change(viewer, key) as current:
        set_fields(current, person, {"deleted_at": None}, "person.restored", section=SECTION)
        # Lines that went away with a person (this one or another) come back once both people
        # are back, unless the family has since drawn something that rules them out.
        for relationship in _relationships_of(person.id, taken_with_someone=True):
            if _may_come_back(relationship):
                set_fields(current, relationship, back, "relationship.restored", section=SECTION)
        for connection in _connections_of(person.id, taken_with_someone=True):
            set_fields(current, connection, back, "ecomap_connection.restored", section=SECTION)
    return person


def _may_come_back(relationship: Relationship) -> bool:
    """Whether a removed line can be drawn again: both people on the map, and the family it
    would make still possible (no cycle, no third biological parent, no second union).
    """
    one = db.session.get(Person, relationship.from_person_id)
    two = db.session.get(Person, relationship.to_person_id)
    if one.deleted_at is not None or two.deleted_at is not None:
        return False
    found = _Found({})
    _check_relationship(relationship.kind, one, two, found, ignore=relationship.id)
    return not found.errors


def set_person_confidential(
    viewer: Viewer, person_id: int, confidential: bool, *, key: str | None = None
) -> Person:
    """Keep someone (and every line to them) off family screens, or show them again."""
    may_write(viewer, SECTION, staff_only=True)
    if (done := replayed(viewer, Person, key)) is not None:
        return done
    person = live_row(viewer, Person, person_id)
    if person.confidential == confidential:
        return person
    event_kind = "person.made_confidential" if confidential else "person.shared"
    with viewer_change(viewer, key) as current:
        set_fields(current, person, {"confidential": confidential}, event_kind, section=SECTION)
    return person


# -- relationships ----------------------------------------------------------------------------


def _chosen_relation(choice: str, found: _Found, field: str = "relation"):
    """(how, relation) from a choice like "parent:biological"; a message if it is not one."""
    how, _sep, relation_name = choice.partition(":")
    try:
        relation = RelationshipKind(relation_name)
    except ValueError:
        found.add(field, _("Choose how they are related."))
        return None
    groups = {
        "parent": PARENTAGE_KINDS,
        "child": PARENTAGE_KINDS,
        "partner": UNION_KINDS,
        "feeling": EMOTIONAL_KINDS - {RelationshipKind.VIOLENCE},
        "harms": {RelationshipKind.VIOLENCE},
        "harmed_by": {RelationshipKind.VIOLENCE},
    }
    if relation not in groups.get(how, ()):
        found.add(field, _("Choose how they are related."))
        return None
    return how, relation


def _new_relationship(
    viewer: Viewer, person: Person, choice: str, other: Person, raw: dict, found: _Found
) -> Relationship | None:
    """A checked relationship between `person` and `other`, from `person`'s side, added to the
    session; None (with messages in `found`) if the family could not be like that.
    """
    chosen = _chosen_relation(choice, found)
    if chosen is None:
        return None
    how, relation = chosen
    # Parentage runs from parent to child; violence from the person who harms.
    one, two = (other, person) if how in ("child", "harmed_by") else (person, other)
    this_year = _this_year(viewer)
    start = _year(raw, "start_year", this_year, found)
    end = _year(raw, "end_year", this_year, found)
    if start is not None and end is not None and end < start:
        found.add("end_year", _("The end can't be before the start."))
    note = _text(raw, "note", 500, found)
    _check_relationship(relation, one, two, found, staff=viewer.is_staff)
    if found.errors:
        return None
    relationship = Relationship(
        case_id=viewer.meeting.case_id,
        kind=relation,
        from_person_id=one.id,
        to_person_id=two.id,
        start_year=start,
        end_year=end,
        note=note,
        created_by_participant_id=viewer.participant.id,
        created_by_user_id=viewer.participant.user_id,
    )
    db.session.add(relationship)
    db.session.flush()
    return relationship


def _check_relationship(
    relation: RelationshipKind,
    one: Person,
    two: Person,
    found: _Found,
    *,
    ignore: int | None = None,
    staff: bool = True,
) -> None:
    """Refuse a line the family could not have: to oneself, a parentage cycle, a third
    biological parent, a second line of the same sort between two people. A refusal caused by
    someone kept from family screens does not say so to a family member (`staff` False).
    """
    field = "other"
    if one.id == two.id:
        if relation in PARENTAGE_KINDS:
            found.add(field, _("A person can't be their own parent."))
        elif relation in UNION_KINDS:
            found.add(field, _("A person can't be their own partner."))
        else:
            found.add(field, _("Choose two different people."))
        return
    existing = [r for r in _relationships_of(one.id) if r.id != ignore]
    between = [r for r in existing if {r.from_person_id, r.to_person_id} == {one.id, two.id}]
    if relation in PARENTAGE_KINDS:
        if any(r.kind in PARENTAGE_KINDS for r in between):
            found.add(
                field, _("These two are already drawn as parent and child: change that line.")
            )
            return
        # A grandparent may also adopt their grandchild; a descendant can't be a parent.
        if two.id in _ancestors(one.id):
            found.add(field, _("That would make %(name)s their own ancestor.", name=one.name))
            return
        if relation == RelationshipKind.BIOLOGICAL:
            parents = [
                r
                for r in _relationships_of(two.id)
                if r.kind == RelationshipKind.BIOLOGICAL
                and r.to_person_id == two.id
                and r.id != ignore
            ]
            if len(parents) >= 2:
                hidden = any(db.session.get(Person, r.from_person_id).confidential for r in parents)
                found.add(
                    field,
                    _("That line can't be drawn. Ask the facilitator.")
                    if hidden and not staff
                    else _("%(name)s already has two biological parents.", name=two.name),
                )
                return
        if one.birth_year and two.birth_year and one.birth_year > two.birth_year:
            found.add(field, _("A parent can't be born after their child."))
    elif relation in UNION_KINDS:
        if any(r.kind in UNION_KINDS for r in between):
            found.add(field, _("These two already have a union line: change that one instead."))
        elif one.id in _ancestors(two.id) or two.id in _ancestors(one.id):
            found.add(field, _("A parent and their child can't be drawn as partners."))
    elif any(r.kind == relation for r in between):
        found.add(field, _("That line is already drawn between these two."))


def _ancestors(person_id: int) -> set[int]:
    """Everyone above this person through live parentage lines."""
    seen: set[int] = set()
    frontier = [person_id]
    while frontier:
        parents = db.session.scalars(
            sa.select(Relationship.from_person_id).where(
                Relationship.to_person_id.in_(frontier),
                Relationship.kind.in_(list(PARENTAGE_KINDS)),
                Relationship.deleted_at.is_(None),
            )
        ).all()
        frontier = [p for p in parents if p not in seen]
        seen.update(frontier)
    return seen


def add_relationship(viewer: Viewer, raw: dict, *, key: str | None = None) -> Relationship:
    """Draw a line between two people, chosen from either one's side."""
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Relationship, key)) is not None:
        return done
    found = _Found({})
    person = _person_of_case(viewer, raw.get("person"), "person", found)
    other = _person_of_case(viewer, raw.get("other"), "other", found)
    if person is None or other is None:
        _chosen_relation(raw.get("relation") or "", found)
        found.raise_any()
    with viewer_change(viewer, key) as current:
        relationship = _new_relationship(
            viewer, person, raw.get("relation") or "", other, raw, found
        )
        found.raise_any()
        _record_relationship(current, relationship)
    return relationship


def _record_relationship(current, relationship: Relationship) -> None:
    current.record(
        "relationship.added",
        relationship,
        after=snapshot(relationship, (*RELATIONSHIP_FIELDS, "confidential")),
        section=SECTION,
    )


def edit_relationship(
    viewer: Viewer, relationship_id: int, raw: dict, *, base_version: int, key: str | None = None
) -> Relationship:
    """Change a line's kind (within its sort: married to divorced, close to distant...), its
    years or its note.
    """
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Relationship, key)) is not None:
        return done
    relationship = live_row(viewer, Relationship, relationship_id)
    found = _Found({})
    values: dict = {}
    if "kind" in raw:
        try:
            relation = RelationshipKind(raw["kind"])
        except ValueError:
            relation = None
        same_sort = next(
            group
            for group in (UNION_KINDS, PARENTAGE_KINDS, EMOTIONAL_KINDS)
            if relationship.kind in group
        )
        if relation is None or relation not in same_sort:
            found.add("kind", _("Choose a kind of line from the list."))
        else:
            values["kind"] = relation
            if relation != relationship.kind:
                one = db.session.get(Person, relationship.from_person_id)
                two = db.session.get(Person, relationship.to_person_id)
                if relation == RelationshipKind.BIOLOGICAL or relation in EMOTIONAL_KINDS:
                    _check_relationship(
                        relation, one, two, found, ignore=relationship.id, staff=viewer.is_staff
                    )
    this_year = _this_year(viewer)
    for name in ("start_year", "end_year"):
        if name in raw:
            values[name] = _year(raw, name, this_year, found)
    if "note" in raw:
        values["note"] = _text(raw, "note", 500, found)
    start = values.get("start_year", relationship.start_year)
    end = values.get("end_year", relationship.end_year)
    if start is not None and end is not None and end < start:
        found.add("end_year", _("The end can't be before the start."))
    found.raise_any()
    return _save_edit(viewer, relationship, values, base_version, key, "relationship.edited")


# -- ecomap -----------------------------------------------------------------------------------


def _connection_values(viewer: Viewer, raw: dict, found: _Found, *, new: bool) -> dict:
    values: dict = {}
    if "person_id" in raw:
        text = (raw.get("person_id") or "").strip()
        if text:
            person = _person_of_case(viewer, text, "person_id", found)
            values["person_id"] = person.id if person else None
        else:
            values["person_id"] = None
    if "category" in raw or new:
        category = (raw.get("category") or "").strip()
        if not profile(viewer.meeting.case.jurisdiction).has("ecomap_categories", category):
            found.add("category", _("Choose a kind of system from the list."))
        else:
            values["category"] = category
    if "system_name" in raw or new:
        values["system_name"] = _text(raw, "system_name", 120, found, required=True)
    if "strength" in raw or new:
        try:
            values["strength"] = ConnectionStrength(raw.get("strength") or "")
        except ValueError:
            found.add("strength", _("Choose strong, moderate, tenuous or stressful."))
    if "flow" in raw or new:
        try:
            values["flow"] = EnergyFlow(raw.get("flow") or EnergyFlow.NONE.value)
        except ValueError:
            found.add("flow", _("Choose which way energy flows."))
    if "note" in raw:
        values["note"] = _text(raw, "note", 500, found)
    return values


def add_connection(viewer: Viewer, raw: dict, *, key: str | None = None) -> EcomapConnection:
    """Connect the household, or one person, to a system outside the family."""
    may_write(viewer, SECTION)
    if (done := replayed(viewer, EcomapConnection, key)) is not None:
        return done
    found = _Found({})
    values = _connection_values(viewer, raw, found, new=True)
    found.raise_any()
    with viewer_change(viewer, key) as current:
        connection = EcomapConnection(
            case_id=viewer.meeting.case_id,
            **values,
            created_by_participant_id=viewer.participant.id,
            created_by_user_id=viewer.participant.user_id,
        )
        db.session.add(connection)
        db.session.flush()
        current.record(
            "ecomap_connection.added",
            connection,
            after=snapshot(connection, (*CONNECTION_FIELDS, "confidential")),
            section=SECTION,
        )
    return connection


def edit_connection(
    viewer: Viewer, connection_id: int, raw: dict, *, base_version: int, key: str | None = None
) -> EcomapConnection:
    """Change a connection's strength, flow, system or note."""
    may_write(viewer, SECTION)
    if (done := replayed(viewer, EcomapConnection, key)) is not None:
        return done
    connection = live_row(viewer, EcomapConnection, connection_id)
    found = _Found({})
    values = _connection_values(viewer, raw, found, new=False)
    found.raise_any()
    return _save_edit(viewer, connection, values, base_version, key, "ecomap_connection.edited")


def add_household(viewer: Viewer, raw: dict, *, key: str | None = None) -> Household:
    """Name a household, so that people living together are drawn inside one boundary."""
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Household, key)) is not None:
        return done
    found = _Found({})
    name = _text(raw, "name", 120, found, required=True)
    found.raise_any()
    with viewer_change(viewer, key) as current:
        home = Household(
            case_id=viewer.meeting.case_id,
            name=name,
            created_by_participant_id=viewer.participant.id,
            created_by_user_id=viewer.participant.user_id,
        )
        db.session.add(home)
        db.session.flush()
        current.record("household.added", home, after={"name": name}, section=SECTION)
    return home


# -- removing and bringing back lines ---------------------------------------------------------


def remove_line(viewer: Viewer, kind_name: str, item_id: int, *, key: str | None = None):
    """Remove a relationship or an ecomap connection (softly; the facilitator can restore it)."""
    model = LINE_MODELS[kind_name]
    may_write(viewer, SECTION)
    if (done := replayed(viewer, model, key)) is not None:
        return done
    item = live_row(viewer, model, item_id)
    own_or_staff(viewer, item, removing=True)
    with viewer_change(viewer, key) as current:
        set_fields(current, item, {"deleted_at": utcnow()}, f"{kind_name}.deleted", section=SECTION)
    return item


def restore_line(viewer: Viewer, kind_name: str, item_id: int, *, key: str | None = None):
    """Bring back a removed relationship or connection, if the people it joins are on the map."""
    model = LINE_MODELS[kind_name]
    may_write(viewer, SECTION, staff_only=True)
    if (done := replayed(viewer, model, key)) is not None:
        return done
    item = live_row(viewer, model, item_id, deleted=True)
    people = (
        [item.from_person_id, item.to_person_id]
        if kind_name == "relationship"
        else [item.person_id]
    )
    for person_id in filter(None, people):
        if db.session.get(Person, person_id).deleted_at is not None:
            raise Invalid({"restore": _("Bring the person back first.")})
    if kind_name == "relationship":
        found = _Found({})
        _check_relationship(
            item.kind,
            db.session.get(Person, item.from_person_id),
            db.session.get(Person, item.to_person_id),
            found,
            ignore=item.id,
        )
        found.raise_any()
    with viewer_change(viewer, key) as current:
        set_fields(
            current,
            item,
            {"deleted_at": None, "deleted_with_person_id": None},
            f"{kind_name}.restored",
            section=SECTION,
        )
    return item


# -- shared pieces ----------------------------------------------------------------------------


def _save_edit(viewer: Viewer, item, values: dict, base_version: int, key, event_kind: str):
    """Save the fields that really change, unless someone changed the row since the editor
    loaded it (then Conflict, and nothing is overwritten).
    """
    changed = {name: value for name, value in values.items() if getattr(item, name) != value}
    if not changed:
        return item
    if base_version != item.version:
        field = next(iter(changed))
        raise Conflict(item, field, getattr(item, field))
    with viewer_change(viewer, key) as current:
        set_fields(current, item, changed, event_kind, section=SECTION, seen=base_version)
    return item


def _relationships_of(person_id: int, *, taken_with_someone: bool = False) -> list[Relationship]:
    """Lines touching a person: the live ones, or those that went away with a person."""
    query = sa.select(Relationship).where(
        sa.or_(Relationship.from_person_id == person_id, Relationship.to_person_id == person_id)
    )
    query = query.where(
        Relationship.deleted_with_person_id.is_not(None)
        if taken_with_someone
        else Relationship.deleted_at.is_(None)
    )
    return db.session.scalars(query.order_by(Relationship.id)).all()


def _connections_of(person_id: int, *, taken_with_someone: bool = False) -> list[EcomapConnection]:
    """A person's own ecomap connections: the live ones, or those that went away with them."""
    query = sa.select(EcomapConnection).where(EcomapConnection.person_id == person_id)
    query = query.where(
        EcomapConnection.deleted_with_person_id.is_not(None)
        if taken_with_someone
        else EcomapConnection.deleted_at.is_(None)
    )
    return db.session.scalars(query.order_by(EcomapConnection.id)).all()
