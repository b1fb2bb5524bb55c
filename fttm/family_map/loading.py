"""The family map of a case as one audience may see it, ready to lay out, draw and describe."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from fttm.core.viewers import STAFF
from fttm.extensions import db
from fttm.family_map.ecomap import Connection
from fttm.family_map.layout import Family, Link, PersonNode
from fttm.family_map.models import (
    EMOTIONAL_KINDS,
    PARENTAGE_KINDS,
    UNION_KINDS,
    EcomapConnection,
    Household,
    Person,
    Relationship,
)
from fttm.jurisdictions import Profile


def link_group(kind: str) -> str:
    """union, parentage or emotional."""
    if kind in UNION_KINDS:
        return "union"
    if kind in PARENTAGE_KINDS:
        return "parentage"
    if kind in EMOTIONAL_KINDS:
        return "emotional"
    raise ValueError(kind)


@dataclass
class FamilyMap:
    """A case's people, relationships, households and ecomap connections, for one audience."""

    people: list[Person]
    relationships: list[Relationship]
    households: list[Household]
    connections: list[EcomapConnection]
    profile: Profile

    @property
    def family(self) -> Family:
        """The genogram's data, as the layout takes it."""
        return Family(
            tuple(node(person) for person in self.people),
            tuple(
                Link(
                    r.id,
                    link_group(r.kind),
                    r.kind.value,
                    r.from_person_id,
                    r.to_person_id,
                    r.start_year,
                    r.end_year,
                )
                for r in self.relationships
            ),
            tuple((h.id, h.name) for h in self.households),
        )

    @property
    def ecomap_connections(self) -> tuple[Connection, ...]:
        return tuple(
            Connection(
                c.id,
                c.person_id,
                c.category,
                self.profile.label("ecomap_categories", c.category),
                c.system_name,
                c.strength.value,
                c.flow.value,
                c.note,
            )
            for c in self.connections
        )

    @property
    def by_id(self) -> dict[int, Person]:
        return {person.id: person for person in self.people}


def node(person: Person) -> PersonNode:
    """A person as the layout and the drawings take them."""
    return PersonNode(
        id=person.id,
        name=person.name,
        sex=person.sex.value,
        birth_year=person.birth_year,
        death_year=person.death_year,
        deceased=person.deceased,
        focus=person.is_focus_child,
        pregnancy_loss=person.is_pregnancy_loss,
        household_id=person.household_id,
        twin_group=person.multiple_birth_group,
        nudge_x=person.nudge_x or 0.0,
    )


def _live(model, case_id: int, audience: str, *, deleted: bool = False):
    query = sa.select(model).where(model.case_id == case_id)
    query = query.where(model.deleted_at.is_not(None) if deleted else model.deleted_at.is_(None))
    if audience != STAFF:
        query = query.where(model.confidential.is_(False))
    return query.order_by(model.id)


def load_map(case_id: int, audience: str, profile: Profile) -> FamilyMap:
    """What this audience sees of the case's family map: family screens never load confidential
    people, nor any line that touches one.
    """
    people = db.session.scalars(_live(Person, case_id, audience)).all()
    visible = {person.id for person in people}
    relationships = [
        r
        for r in db.session.scalars(_live(Relationship, case_id, audience))
        if r.from_person_id in visible and r.to_person_id in visible
    ]
    connections = [
        c
        for c in db.session.scalars(_live(EcomapConnection, case_id, audience))
        if c.person_id is None or c.person_id in visible
    ]
    households = db.session.scalars(_live(Household, case_id, audience)).all()
    return FamilyMap(list(people), relationships, list(households), connections, profile)


def deleted_people(case_id: int) -> list[Person]:
    """People removed from the map, newest first, for the facilitator to restore."""
    return db.session.scalars(
        _live(Person, case_id, STAFF, deleted=True)
        .order_by(None)
        .order_by(Person.deleted_at.desc())
    ).all()


def removed_lines(case_id: int, people: dict[int, Person]) -> list[Relationship | EcomapConnection]:
    """Lines removed on their own (not with a person) between people still on the map, for the
    facilitator to bring back.
    """
    rows = [
        *db.session.scalars(_live(Relationship, case_id, STAFF, deleted=True)),
        *db.session.scalars(_live(EcomapConnection, case_id, STAFF, deleted=True)),
    ]
    lines = []
    for row in rows:
        if row.deleted_with_person_id is not None:
            continue
        ends = (
            (row.from_person_id, row.to_person_id)
            if isinstance(row, Relationship)
            else (row.person_id,)
        )
        if all(end is None or end in people for end in ends):
            lines.append(row)
    return sorted(lines, key=lambda row: row.deleted_at, reverse=True)
