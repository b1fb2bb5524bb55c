"""Agreeing to a plan version: each participant on their phone, or the facilitator recording
agreement given in person and why a parent did not take part. Every answer is kept; the latest
answer of each person is the one that counts.
"""

from __future__ import annotations

import sqlalchemy as sa

from fttm.extensions import db
from fttm.plans.models import Agreement, PlanVersion


def _whose(agreement: Agreement) -> tuple:
    """One person's answers share this key: their participant, else their family-map person,
    else their name (someone recorded in person who is on neither)."""
    if agreement.participant_id is not None:
        return ("participant", agreement.participant_id)
    if agreement.person_id is not None:
        return ("person", agreement.person_id)
    return ("name", agreement.name.casefold())


def current_agreements(version: PlanVersion) -> list[Agreement]:
    """Each person's latest answer to the version, in the order people first answered."""
    answers = db.session.scalars(
        sa.select(Agreement)
        .where(Agreement.plan_version_id == version.id)
        .order_by(Agreement.recorded_at, Agreement.id)
    ).all()
    latest: dict[tuple, Agreement] = {}
    for answer in answers:
        latest.pop(_whose(answer), None)
        latest[_whose(answer)] = answer
    return sorted(latest.values(), key=lambda a: (a.recorded_at, a.id))
