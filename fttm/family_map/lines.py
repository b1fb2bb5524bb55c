"""The family map's lines: relationships between two people, and ecomap connections from the
household or a person to a system outside the family. Drawing them, changing them, removing
them and bringing them back.

A line the family could not have is refused before anything is saved (the rules are in
`family_rules.py`). Each change is one transaction with its transcript events, like every other
change to the board.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.core.recorder import Change, snapshot
from fttm.core.registry import LINE_MODELS
from fttm.core.rows import live_row, may_write, own_or_staff, replayed, set_fields, viewer_change
from fttm.core.viewers import Viewer
from fttm.errors import Conflict, Invalid
from fttm.extensions import db
from fttm.family_map.family_rules import check_relationship
from fttm.family_map.fields import (
    SECTION,
    Found,
    chosen_relation,
    connection_values,
    current_year,
    person_of_case,
    text_of,
    year_of,
)
from fttm.family_map.models import (
    EMOTIONAL_KINDS,
    PARENTAGE_KINDS,
    UNION_KINDS,
    EcomapConnection,
    Person,
    Relationship,
    RelationshipKind,
)
from fttm.languages import gettext as _
from fttm.timestamps import utcnow

RELATIONSHIP_FIELDS = ("kind", "from_person_id", "to_person_id", "start_year", "end_year", "note")
CONNECTION_FIELDS = ("person_id", "category", "system_name", "strength", "flow", "note")


# -- relationships ----------------------------------------------------------------------------


def add_relationship(viewer: Viewer, raw: dict, *, key: str | None = None) -> Relationship:
    """Draw a line between two people, chosen from either one's side."""
    may_write(viewer, SECTION)
    if (done := replayed(viewer, Relationship, key)) is not None:
        return done
    found = Found({})
    person = person_of_case(viewer, raw.get("person"), "person", found)
    other = person_of_case(viewer, raw.get("other"), "other", found)
    if person is None or other is None:
        chosen_relation(raw.get("relation") or "", found)
        found.raise_any()
    with viewer_change(viewer, key) as current:
        relationship = new_relationship(
            viewer, person, raw.get("relation") or "", other, raw, found
        )
        found.raise_any()
        record_relationship_added(current, relationship)
    return relationship


def new_relationship(
    viewer: Viewer, person: Person, choice: str, other: Person, raw: dict, found: Found
) -> Relationship | None:
    """A checked relationship between `person` and `other`, from `person`'s side, added to the
    session; None (with messages in `found`) if the family could not be like that.
    """
    chosen = chosen_relation(choice, found)
    if chosen is None:
        return None
    how, relation = chosen
    # Parentage runs from parent to child; violence from the person who harms.
    one, two = (other, person) if how in ("child", "harmed_by") else (person, other)
    this_year = current_year(viewer)
    start = year_of(raw, "start_year", this_year, found)
    end = year_of(raw, "end_year", this_year, found)
    if start is not None and end is not None and end < start:
        found.add("end_year", _("The end can't be before the start."))
    note = text_of(raw, "note", 500, found)
    check_relationship(relation, one, two, found, staff=viewer.is_staff)
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


def record_relationship_added(current: Change, relationship: Relationship) -> None:
    """Record the event of a relationship just drawn (by itself, or with a new person)."""
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
    found = Found({})
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
                    check_relationship(
                        relation, one, two, found, ignore=relationship.id, staff=viewer.is_staff
                    )
    this_year = current_year(viewer)
    for name in ("start_year", "end_year"):
        if name in raw:
            values[name] = year_of(raw, name, this_year, found)
    if "note" in raw:
        values["note"] = text_of(raw, "note", 500, found)
    start = values.get("start_year", relationship.start_year)
    end = values.get("end_year", relationship.end_year)
    if start is not None and end is not None and end < start:
        found.add("end_year", _("The end can't be before the start."))
    found.raise_any()
    return _save_edit(viewer, relationship, values, base_version, key, "relationship.edited")


# -- ecomap -----------------------------------------------------------------------------------


def add_connection(viewer: Viewer, raw: dict, *, key: str | None = None) -> EcomapConnection:
    """Connect the household, or one person, to a system outside the family."""
    may_write(viewer, SECTION)
    if (done := replayed(viewer, EcomapConnection, key)) is not None:
        return done
    found = Found({})
    values = connection_values(viewer, raw, found, new=True)
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
    found = Found({})
    values = connection_values(viewer, raw, found, new=False)
    found.raise_any()
    return _save_edit(viewer, connection, values, base_version, key, "ecomap_connection.edited")


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
        found = Found({})
        check_relationship(
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


def connections_of(person_id: int, *, taken_with_someone: bool = False) -> list[EcomapConnection]:
    """A person's own ecomap connections: the live ones, or those that went away with them."""
    query = sa.select(EcomapConnection).where(EcomapConnection.person_id == person_id)
    query = query.where(
        EcomapConnection.deleted_with_person_id.is_not(None)
        if taken_with_someone
        else EcomapConnection.deleted_at.is_(None)
    )
    return db.session.scalars(query.order_by(EcomapConnection.id)).all()
