"""The whole case plan as JSON, for other case-management systems.

This is the staff export: confidential items and people are flagged, never dropped. Keys come in
a fixed order and dates are ISO 8601, so two exports of the same case compare line by line.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from fttm.cases.models import Case
from fttm.cases.timeframes import copy_due_on, endorsement_due_on
from fttm.core.viewers import STAFF
from fttm.extensions import db
from fttm.family_map.loading import load_map
from fttm.jurisdictions import profile
from fttm.meetings.models import Meeting
from fttm.plans.copies import copies_of
from fttm.plans.family_copy import review_due_on
from fttm.plans.models import PlanVersion
from fttm.timestamps import utcnow

FORMAT = "fttm.case-plan"
FORMAT_VERSION = 1


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _case(case: Case) -> dict[str, Any]:
    rules = profile(case.jurisdiction)
    return {
        "id": case.id,
        "case_number": case.case_number,
        "family_name": case.family_name,
        "jurisdiction": {"id": rules.id, "name": rules.name, "timezone": rules.zone.key},
        "permanency_goal": {
            "key": case.permanency_goal,
            "label": rules.label("permanency_goals", case.permanency_goal),
        },
        "substantiation_date": _iso(case.substantiation_date),
        "placement_date": _iso(case.placement_date),
        "indigenous_child": case.indigenous_child,
        "tribe_contacted_on": _iso(case.tribe_contacted_on),
        "opened_at": _iso(case.created_at),
    }


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "purpose": meeting.purpose.value,
        "location": meeting.location,
        "scheduled_at": _iso(meeting.scheduled_at),
        "started_at": _iso(meeting.started_at),
        "ended_at": _iso(meeting.ended_at),
    }


def _version(version: PlanVersion, case: Case) -> dict[str, Any]:
    rules = profile(case.jurisdiction)
    return {
        "number": version.number,
        "taken_at": _iso(version.created_at),
        "meeting": _meeting(db.session.get(Meeting, version.meeting_id)),
        "review_due_on": _iso(review_due_on(version, rules)),
        "endorsement_due_on": _iso(endorsement_due_on(case, version, rules)),
        "copies_due_on": _iso(copy_due_on(case, version, rules)),
        "snapshot": version.snapshot,
        "agreements": [
            {
                "name": a.name,
                "role": a.role,
                "response": a.response.value,
                "comment": a.comment,
                "participant_id": a.participant_id,
                "person_id": a.person_id,
                "recorded_in_person": a.recorded_by_user_id is not None,
                "recorded_at": _iso(a.recorded_at),
            }
            for a in version.agreements
        ],
        "endorsements": [
            {
                "decision": e.decision.value,
                "comment": e.comment,
                "supervisor_id": e.supervisor_id,
                "decided_at": _iso(e.decided_at),
            }
            for e in version.endorsements
        ],
        "copies": [
            {
                "recipient_name": c.recipient_name,
                "person_id": c.person_id,
                "method": c.method.value,
                "given_on": _iso(c.given_on),
                "recorded_at": _iso(c.recorded_at),
            }
            for c in copies_of(version)
        ],
    }


def _family_map(case: Case) -> dict[str, Any]:
    family_map = load_map(case.id, STAFF, profile(case.jurisdiction))
    return {
        "people": [
            {
                "id": p.id,
                "name": p.name,
                "sex": p.sex.value,
                "gender_identity": p.gender_identity,
                "birth_year": p.birth_year,
                "deceased": p.deceased,
                "death_year": p.death_year,
                "is_focus_child": p.is_focus_child,
                "household_id": p.household_id,
                "note": p.note,
                "confidential": p.confidential,
            }
            for p in family_map.people
        ],
        "households": [
            {"id": h.id, "name": h.name, "confidential": h.confidential}
            for h in family_map.households
        ],
        "relationships": [
            {
                "id": r.id,
                "kind": r.kind.value,
                "from_person_id": r.from_person_id,
                "to_person_id": r.to_person_id,
                "start_year": r.start_year,
                "end_year": r.end_year,
                "note": r.note,
                "confidential": r.confidential,
            }
            for r in family_map.relationships
        ],
        "ecomap_connections": [
            {
                "id": c.id,
                "person_id": c.person_id,
                "category": c.category,
                "system_name": c.system_name,
                "strength": c.strength.value,
                "flow": c.flow.value,
                "note": c.note,
                "confidential": c.confidential,
            }
            for c in family_map.connections
        ],
    }


def case_plan_json(case: Case) -> dict[str, Any]:
    """The case, every plan version with its agreements, endorsements and copies, and the
    family map, as one JSON-ready document.
    """
    versions = db.session.scalars(
        sa.select(PlanVersion).where(PlanVersion.case_id == case.id).order_by(PlanVersion.number)
    ).all()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _iso(utcnow()),
        "case": _case(case),
        "plan_versions": [_version(version, case) for version in versions],
        "family_map": _family_map(case),
    }


def case_plan_text(case: Case) -> str:
    """The export as JSON text, keys in the order written above."""
    return json.dumps(case_plan_json(case), ensure_ascii=False, indent=2) + "\n"
