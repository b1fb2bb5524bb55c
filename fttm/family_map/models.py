"""The family map: people (genogram), their relationships and households, and the ecomap."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fttm.board.models import BoardItem
from fttm.extensions import db, enum_type


class Sex(StrEnum):
    """Genogram symbol: square (male), circle (female), or the symbol for other or unknown."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Household(BoardItem, db.Model):
    """People who live together, drawn as a boundary around them on the genogram."""

    __tablename__ = "households"

    name: Mapped[str] = mapped_column(sa.String(120))


class Person(BoardItem, db.Model):
    """A member of the family map (genogram and ecomap)."""

    __tablename__ = "persons"

    name: Mapped[str] = mapped_column(sa.String(120))
    sex: Mapped[Sex] = mapped_column(enum_type(Sex), default=Sex.UNKNOWN)
    gender_identity: Mapped[str | None] = mapped_column(sa.String(60))
    birth_year: Mapped[int | None]
    deceased: Mapped[bool] = mapped_column(default=False)
    death_year: Mapped[int | None]
    is_focus_child: Mapped[bool] = mapped_column(default=False)
    # A pregnancy loss the family wants shown, drawn with its own small symbol.
    is_pregnancy_loss: Mapped[bool] = mapped_column(default=False)
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"))
    # Children of the same parents sharing a group number are twins (or triplets...).
    multiple_birth_group: Mapped[int | None]
    # The facilitator's nudge of the automatic layout, kept across renders.
    nudge_x: Mapped[float | None]
    nudge_y: Mapped[float | None]
    note: Mapped[str | None] = mapped_column(sa.String(500))


class RelationshipKind(StrEnum):
    """Kinds of genogram line; the kind tells whether it is a union, parentage or emotional."""

    MARRIED = "married"
    COHABITING = "cohabiting"
    SEPARATED = "separated"
    DIVORCED = "divorced"
    WIDOWED = "widowed"
    BIOLOGICAL = "biological"
    ADOPTED = "adopted"
    FOSTER = "foster"
    CLOSE = "close"
    VERY_CLOSE = "very_close"
    DISTANT = "distant"
    CONFLICT = "conflict"
    HOSTILE = "hostile"
    CUT_OFF = "cut_off"
    VIOLENCE = "violence"


UNION_KINDS = frozenset(
    {
        RelationshipKind.MARRIED,
        RelationshipKind.COHABITING,
        RelationshipKind.SEPARATED,
        RelationshipKind.DIVORCED,
        RelationshipKind.WIDOWED,
    }
)
PARENTAGE_KINDS = frozenset(
    {RelationshipKind.BIOLOGICAL, RelationshipKind.ADOPTED, RelationshipKind.FOSTER}
)
EMOTIONAL_KINDS = frozenset(RelationshipKind) - UNION_KINDS - PARENTAGE_KINDS


class Relationship(BoardItem, db.Model):
    """A line between two people: a union, a parent and child (from parent to child), or a feeling.

    For violence, the direction (from → to) says who harms whom.
    """

    __tablename__ = "relationships"

    kind: Mapped[RelationshipKind] = mapped_column(enum_type(RelationshipKind))
    from_person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    to_person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    start_year: Mapped[int | None]
    end_year: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(sa.String(500))
    # Set when the line went away because this person was taken off the map: it comes back
    # when the people it joins are back (a line removed on its own stays removed).
    deleted_with_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))

    @property
    def is_union(self) -> bool:
        """Married, living together, separated, divorced or widowed."""
        return self.kind in UNION_KINDS

    @property
    def is_parentage(self) -> bool:
        """Biological, adopted or foster parent and child."""
        return self.kind in PARENTAGE_KINDS


class ConnectionStrength(StrEnum):
    """Ecomap line styles."""

    STRONG = "strong"
    MODERATE = "moderate"
    TENUOUS = "tenuous"
    STRESSFUL = "stressful"


class EnergyFlow(StrEnum):
    """Which way energy or support flows along an ecomap connection."""

    NONE = "none"
    TO_FAMILY = "to_family"
    FROM_FAMILY = "from_family"
    BOTH = "both"


class EcomapConnection(BoardItem, db.Model):
    """A connection from the household (no person) or one person to an external system."""

    __tablename__ = "ecomap_connections"

    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))
    # An ecomap category key from the jurisdiction profile (school, health, court, ...).
    category: Mapped[str] = mapped_column(sa.String(40))
    system_name: Mapped[str] = mapped_column(sa.String(120))
    strength: Mapped[ConnectionStrength] = mapped_column(enum_type(ConnectionStrength))
    flow: Mapped[EnergyFlow] = mapped_column(enum_type(EnergyFlow), default=EnergyFlow.NONE)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    # As for relationships: the person whose removal took this connection with them.
    deleted_with_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))


def shareable_people(case_id: int) -> list[Person]:
    """The case's people who may be shown to everyone (not deleted, not confidential), by name."""
    return db.session.scalars(
        sa.select(Person)
        .where(
            Person.case_id == case_id,
            Person.deleted_at.is_(None),
            Person.confidential.is_(False),
        )
        .order_by(Person.name)
    ).all()


def is_shareable(person: Person | None, case_id: int) -> bool:
    """Whether this person of the case is one `shareable_people` lists."""
    return (
        person is not None
        and person.case_id == case_id
        and person.deleted_at is None
        and not person.confidential
    )


# Whose parents count for a case plan: birth and adoptive parents (foster carers are not parents).
PLAN_PARENT_KINDS = (RelationshipKind.BIOLOGICAL, RelationshipKind.ADOPTED)


@dataclass(frozen=True)
class PlanFamily:
    """Whom a case plan is for: the focus children and their parents, living and on the map.

    They are asked whether they agree, a parent who did not take part must have a reason, and
    each is owed a copy.
    """

    children: tuple[Person, ...] = ()
    parents: tuple[Person, ...] = ()

    @property
    def everyone(self) -> tuple[Person, ...]:
        """Parents first, then the children."""
        return (*self.parents, *self.children)


def plan_families(case_ids) -> dict[int, PlanFamily]:
    """Each case's PlanFamily (cases with no focus child are left out); two queries in all."""
    children = db.session.scalars(
        sa.select(Person)
        .where(
            Person.case_id.in_(list(case_ids)),
            Person.is_focus_child.is_(True),
            Person.deleted_at.is_(None),
            Person.deceased.is_(False),
        )
        .order_by(Person.id)
    ).all()
    if not children:
        return {}
    child_ids = {child.id for child in children}
    parent_rows = db.session.execute(
        sa.select(Relationship.to_person_id, Person)
        .join(Person, Person.id == Relationship.from_person_id)
        .where(
            Relationship.to_person_id.in_(child_ids),
            Relationship.kind.in_(PLAN_PARENT_KINDS),
            Relationship.deleted_at.is_(None),
            Person.deleted_at.is_(None),
            Person.deceased.is_(False),
        )
        .order_by(Person.name, Person.id)
    ).all()
    found: dict[int, tuple[list[Person], dict[int, Person]]] = {}
    for child in children:
        found.setdefault(child.case_id, ([], {}))[0].append(child)
    for _child_id, parent in parent_rows:
        if parent.id not in child_ids:  # an older focus child is one of the children already
            found[parent.case_id][1][parent.id] = parent
    return {
        case_id: PlanFamily(tuple(kids), tuple(parents.values()))
        for case_id, (kids, parents) in found.items()
    }


def plan_family(case_id: int) -> PlanFamily:
    """The case's focus children and their parents (empty when no focus child is marked)."""
    return plan_families([case_id]).get(case_id, PlanFamily())
