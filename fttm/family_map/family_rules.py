"""The rules of a family the genogram may show: a line the family could not have is refused
(someone their own parent or partner, a parentage cycle, a third biological parent, a second line
of the same sort between two people) with a message for the person who asked, before anything is
saved; and a removed line comes back only if the family it would make is still possible.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.extensions import db
from fttm.family_map.fields import Found
from fttm.family_map.models import (
    PARENTAGE_KINDS,
    UNION_KINDS,
    Person,
    Relationship,
    RelationshipKind,
)
from fttm.languages import gettext as _


def check_relationship(
    relation: RelationshipKind,
    one: Person,
    two: Person,
    found: Found,
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
    existing = [r for r in relationships_of(one.id) if r.id != ignore]
    between = [r for r in existing if {r.from_person_id, r.to_person_id} == {one.id, two.id}]
    if relation in PARENTAGE_KINDS:
        if any(r.kind in PARENTAGE_KINDS for r in between):
            found.add(
                field, _("These two are already drawn as parent and child: change that line.")
            )
            return
        # A grandparent may also adopt their grandchild; a descendant can't be a parent.
        if two.id in ancestors(one.id):
            found.add(field, _("That would make %(name)s their own ancestor.", name=one.name))
            return
        if relation == RelationshipKind.BIOLOGICAL:
            parents = [
                r
                for r in relationships_of(two.id)
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
        elif one.id in ancestors(two.id) or two.id in ancestors(one.id):
            found.add(field, _("A parent and their child can't be drawn as partners."))
    elif any(r.kind == relation for r in between):
        found.add(field, _("That line is already drawn between these two."))


def ancestors(person_id: int) -> set[int]:
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


def may_come_back(relationship: Relationship) -> bool:
    """Whether a removed line can be drawn again: both people on the map, and the family it
    would make still possible (no cycle, no third biological parent, no second union).
    """
    one = db.session.get(Person, relationship.from_person_id)
    two = db.session.get(Person, relationship.to_person_id)
    if one.deleted_at is not None or two.deleted_at is not None:
        return False
    found = Found({})
    check_relationship(relationship.kind, one, two, found, ignore=relationship.id)
    return not found.errors


def relationships_of(person_id: int, *, taken_with_someone: bool = False) -> list[Relationship]:
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
