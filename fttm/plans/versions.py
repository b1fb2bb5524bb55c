"""Plan versions: the plan as it stood when a meeting ended, and what changed between two.

A version's snapshot is plain JSON written once, in the same transaction as the meeting's end,
so what people agreed to can be shown, compared and exported for as long as the case lives,
whatever happens to the board afterwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from fttm.core.recorder import jsonable
from fttm.core.registry import PLAN_PARTS
from fttm.extensions import db
from fttm.family_map.models import Person
from fttm.frameworks import framework_named, framework_of_case
from fttm.meetings.models import Meeting, Participant
from fttm.plans.models import PlanVersion
from fttm.timestamps import utcnow
from fttm.voices.rendering import voices_snapshot

DONE = "done"


def _who(item, people: dict[int, str], participants: dict[int, str]) -> str | None:
    """Who does an action or safety step, as words that stay true after the meeting."""
    if item.who_participant_id:
        return participants.get(item.who_participant_id)
    if item.who_person_id:
        return people.get(item.who_person_id)
    return item.who_service


def _order(model):
    return (model.position, model.id) if hasattr(model, "position") else (model.id,)


def snapshot_plan(meeting: Meeting) -> dict[str, Any]:
    """The case's plan as it stands: every live item of each section, in board order.

    Confidential items are kept, marked, so staff see the whole plan and copies for the family
    can leave them out.
    """
    everyone = db.session.scalars(sa.select(Person).where(Person.case_id == meeting.case_id)).all()
    people = {p.id: p.name for p in everyone}
    participants = {
        p.id: p.display_name
        for p in db.session.scalars(
            sa.select(Participant).where(Participant.meeting_id == meeting.id)
        )
    }
    # The framework its strengths and worries were placed by (fttm.frameworks).
    snapshot: dict[str, Any] = {
        "meeting_id": meeting.id,
        "framework": framework_of_case(meeting.case).key,
    }
    for name, (model, fields) in PLAN_PARTS.items():
        rows = db.session.scalars(
            sa.select(model)
            .where(model.case_id == meeting.case_id, model.deleted_at.is_(None))
            .order_by(*_order(model))
        )
        items = []
        for row in rows:
            item = {"id": row.id, "confidential": row.confidential}
            for field in fields:
                raw = _who(row, people, participants) if field == "who" else getattr(row, field)
                item[field] = jsonable(raw)
            items.append(item)
        snapshot[name] = items
    # Who the items are about, by id. JSON object keys are text: make them text now, so a
    # snapshot read back from the database equals the one written.
    snapshot["people"] = {
        str(p.id): {"name": p.name, "confidential": p.confidential}
        for p in everyone
        if p.deleted_at is None
    }
    snapshot["voices"] = voices_snapshot(meeting)
    return snapshot


def framework_of_version(snapshot: dict[str, Any]):
    """The framework a plan version was taken on (before frameworks: Signs of Safety)."""
    return framework_named(snapshot.get("framework"))


def take_version(meeting: Meeting, *, at: datetime | None = None) -> PlanVersion:
    """Number and store the plan as it stands for this meeting (inside the caller's change);
    `at` is when it was taken, for history written after the fact.
    """
    latest = db.session.scalar(
        sa.select(sa.func.max(PlanVersion.number)).where(PlanVersion.case_id == meeting.case_id)
    )
    version = PlanVersion(
        case_id=meeting.case_id,
        meeting_id=meeting.id,
        number=(latest or 0) + 1,
        snapshot=snapshot_plan(meeting),
        created_at=at or utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    return version


def latest_version(case_id: int) -> PlanVersion | None:
    """The case's newest plan version."""
    return db.session.scalar(
        sa.select(PlanVersion)
        .where(PlanVersion.case_id == case_id)
        .order_by(PlanVersion.number.desc())
        .limit(1)
    )


def version_of_meeting(meeting_id: int) -> PlanVersion | None:
    """The plan version a meeting ended with."""
    return db.session.scalar(sa.select(PlanVersion).where(PlanVersion.meeting_id == meeting_id))


def previous_version(version: PlanVersion) -> PlanVersion | None:
    """The case's version just before this one, if any."""
    return db.session.scalar(
        sa.select(PlanVersion).where(
            PlanVersion.case_id == version.case_id, PlanVersion.number == version.number - 1
        )
    )


def compare(older: dict[str, Any] | None, newer: dict[str, Any]) -> dict[str, dict[str, list]]:
    """What changed in each section since the older version: items added, changed (with each
    field's before and after), completed (actions now done) and dropped.
    """
    result = {}
    for name, (_model, fields) in PLAN_PARTS.items():
        before = {item["id"]: item for item in (older or {}).get(name, [])}
        after = {item["id"]: item for item in newer.get(name, [])}
        added = [after[i] for i in after if i not in before]
        dropped = [before[i] for i in before if i not in after]
        changed, completed = [], []
        for item_id in (i for i in after if i in before):
            old, new = before[item_id], after[item_id]
            fields_changed = [
                (field, old.get(field), new.get(field))
                for field in fields
                if old.get(field) != new.get(field)
            ]
            if name == "actions" and new.get("status") == DONE and old.get("status") != DONE:
                completed.append(new)
                fields_changed = [f for f in fields_changed if f[0] != "status"]
            if fields_changed:
                changed.append({"item": new, "fields": fields_changed})
        result[name] = {
            "added": added,
            "changed": changed,
            "completed": completed,
            "dropped": dropped,
        }
    return result
