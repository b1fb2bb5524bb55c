"""Who and what a family copy of a plan version leaves out: everyone and everything that was
confidential when the version was taken, and everyone and everything confidential now.

A version's snapshot never changes (it is what people agreed to), so what was made confidential
after the meeting is read from the board as it stands, each time a copy is made.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from fttm.core.registry import PLAN_PARTS
from fttm.extensions import db
from fttm.family_map.loading import FamilyMap
from fttm.family_map.models import Person
from fttm.meetings.models import Meeting, Participant
from fttm.plans.models import PlanVersion


@dataclass(frozen=True)
class Hidden:
    """Who and what a family copy leaves out: confidential when the version was taken, or now."""

    people: frozenset[int]
    # Names a snapshot's "who" may hold for those people (their names, then and now, and the
    # names they joined the meeting with), unless someone shown has the same name.
    names: frozenset[str]
    # Per section, items of the snapshot made confidential since.
    items: dict[str, frozenset[int]]


def hidden_from_family(version: PlanVersion, meeting: Meeting) -> Hidden:
    """Everyone and everything a family copy of `version` must leave out, as things stand now."""
    snapshot = version.snapshot
    then = snapshot.get("people", {})
    now = db.session.scalars(
        sa.select(Person).where(Person.case_id == version.case_id, Person.confidential.is_(True))
    ).all()
    people = {int(i) for i, p in then.items() if p.get("confidential")} | {p.id for p in now}
    names = {p["name"] for i, p in then.items() if int(i) in people} | {p.name for p in now}
    names |= set(
        db.session.scalars(
            sa.select(Participant.display_name).where(
                Participant.meeting_id == meeting.id, Participant.person_id.in_(people)
            )
        )
    )
    shown = {p["name"] for i, p in then.items() if int(i) not in people}
    items = {
        name: frozenset(
            db.session.scalars(
                sa.select(model.id).where(
                    model.case_id == version.case_id, model.confidential.is_(True)
                )
            )
        )
        for name, (model, _fields) in PLAN_PARTS.items()
    }
    return Hidden(frozenset(people), frozenset(names - shown), items)


def map_without(family_map: FamilyMap, hidden: Hidden) -> FamilyMap:
    """The family map (loaded for the family: nobody confidential now) without the people who
    were confidential when the version was taken, nor any line to them.
    """
    people = [p for p in family_map.people if p.id not in hidden.people]
    shown = {p.id for p in people}
    return FamilyMap(
        people,
        [
            r
            for r in family_map.relationships
            if r.from_person_id in shown and r.to_person_id in shown
        ],
        family_map.households,
        [c for c in family_map.connections if c.person_id is None or c.person_id in shown],
        family_map.profile,
    )
