"""What people do to the people on the family map in a meeting: add and change someone, nudge
them on the genogram, take them off the map and bring them back (with the lines that went with
them), keep them off family screens; and name households.

Every command checks who is asking and refuses impossible families (a death before the birth, a
parent born after their child) with a message for the person who asked, before anything is
saved. Each change is one transaction with its transcript events, like every other change to the
board.
"""

from __future__ import annotations

from fttm.core.recorder import snapshot
from fttm.core.rows import live_row, may_write, own_or_staff, replayed, set_fields, viewer_change
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, Invalid, NotAllowed
from fttm.extensions import db
from fttm.family_map.family_rules import may_come_back, relationships_of
from fttm.family_map.fields import (
    SECTION,
    Found,
    checked,
    chosen_relation,
    person_of_case,
    person_values,
    text_of,
)
from fttm.family_map.lines import (
    connections_of,
    new_relationship,
    record_relationship_added,
)
from fttm.family_map.models import PARENTAGE_KINDS, Household, Person
from fttm.languages import gettext as _
from fttm.timestamps import utcnow

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


def add_person(viewer: Viewer, raw: dict, *, key: str | None = None) -> Person:
    """Add someone to the family map, and at once how they are related to someone already on it
    ("relation" and "other"), if the form says.
    """
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Person, key)) is not None:
        return done
    found = Found({})
    values = person_values(viewer, raw, found, current=None)
    confidential = checked(raw, "confidential")
    if confidential and not viewer.is_staff:
        raise NotAllowed(_("Only the facilitator can do this."))
    choice = (raw.get("relation") or "").strip()
    other = None
    if choice:
        other = person_of_case(viewer, raw.get("other"), "other", found)
        chosen_relation(choice, found)
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
            relationship = new_relationship(viewer, person, choice, other, {}, found)
            found.raise_any()  # rolls the whole change back: nothing half-saved
            record_relationship_added(current, relationship)
    return person


def edit_person(
    viewer: Viewer, person_id: int, raw: dict, *, base_version: int, key: str | None = None
) -> Person:
    """Change someone's details; anyone in the meeting may, as the family draws the map together."""
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Person, key)) is not None:
        return done
    person = live_row(viewer, Person, person_id)
    found = Found({})
    values = person_values(viewer, raw, found, current=person)
    twin = None
    if (raw.get("twin_of") or "").strip():
        twin = person_of_case(viewer, raw.get("twin_of"), "twin_of", found)
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


def _check_ages(person: Person, born: int | None, found: Found) -> None:
    """A new birth year must keep parents older than their children."""
    if born is None:
        return
    for relationship in relationships_of(person.id):
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
        for relationship in relationships_of(person.id):
            set_fields(current, relationship, taken, "relationship.deleted", section=SECTION)
        for connection in connections_of(person.id):
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
        for relationship in relationships_of(person.id, taken_with_someone=True):
            if may_come_back(relationship):
                set_fields(current, relationship, back, "relationship.restored", section=SECTION)
        for connection in connections_of(person.id, taken_with_someone=True):
            set_fields(current, connection, back, "ecomap_connection.restored", section=SECTION)
    return person


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


def add_household(viewer: Viewer, raw: dict, *, key: str | None = None) -> Household:
    """Name a household, so that people living together are drawn inside one boundary."""
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Household, key)) is not None:
        return done
    found = Found({})
    name = text_of(raw, "name", 120, found, required=True)
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
