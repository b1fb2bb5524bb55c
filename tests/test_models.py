"""The models' own guarantees: tables, UTC timestamps, constraints and immutable records."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from fttm import models
from fttm.extensions import db
from fttm.family_map.models import (
    EMOTIONAL_KINDS,
    PARENTAGE_KINDS,
    UNION_KINDS,
    Relationship,
    RelationshipKind,
)
from fttm.plans.models import ImmutableVersionError
from fttm.transcript.models import AppendOnlyError
from tests import factories

UNIONS = {"married", "cohabiting", "separated", "divorced", "widowed"}
PARENTAGE = {"biological", "adopted", "foster"}


def _model_classes() -> list[type]:
    """Every model class fttm.models exports."""
    exported = (getattr(models, name) for name in models.__all__)
    return [item for item in exported if isinstance(item, type) and issubclass(item, db.Model)]


@pytest.fixture
def meeting(facilitator):
    """A scheduled meeting of a fresh case."""
    return factories.make_meeting(facilitator, factories.make_case(facilitator))


def test_every_model_has_its_table_with_its_columns(app):
    """Each model's table exists in the database with every column the model maps."""
    inspector = sa.inspect(db.engine)
    tables = set(inspector.get_table_names())

    for model in _model_classes():
        table = model.__table__
        assert table.name in tables, f"no table for {model.__name__}"
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        assert set(table.columns.keys()) <= columns, model.__name__
        assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == 0


def test_fttm_models_exports_every_table(app):
    """fttm.models names a model for every table, so migrations and the shell see them all."""
    assert {model.__tablename__ for model in _model_classes()} == set(db.metadata.tables)


def test_a_naive_datetime_is_refused(team):
    """A moment without a time zone cannot be stored: it would be ambiguous later."""
    team.created_at = datetime(2025, 6, 1, 12, 0)

    with pytest.raises(StatementError) as refused:
        db.session.commit()

    assert isinstance(refused.value.orig, ValueError)
    db.session.rollback()


def test_an_aware_datetime_is_stored_as_utc_and_read_back_aware(team):
    """A Melbourne time is stored as UTC and comes back as the same moment, in UTC."""
    melbourne = datetime(2025, 6, 1, 12, 0, tzinfo=ZoneInfo("Australia/Melbourne"))
    team.created_at = melbourne
    db.session.commit()
    db.session.expire_all()

    stored = db.session.execute(
        sa.text("SELECT created_at FROM teams WHERE id = :id"), {"id": team.id}
    ).scalar_one()
    read = db.session.get(models.Team, team.id).created_at

    assert str(stored).startswith("2025-06-01 02:00:00")
    assert read == melbourne
    assert read.tzinfo is UTC
    assert read.hour == 2


def _event(case_id: int, seq: int) -> models.TranscriptEvent:
    """A bare transcript event."""
    return models.TranscriptEvent(
        case_id=case_id,
        seq=seq,
        actor_name="fttm",
        actor_role="system",
        kind="test.event",
        target_type="Case",
    )


def test_two_events_of_a_case_cannot_share_a_sequence_number(facilitator):
    """The database refuses a second event with a case's existing seq."""
    case = factories.make_case(facilitator)
    other = factories.make_case(facilitator)
    db.session.add(_event(other.id, 2))
    db.session.commit()

    db.session.add(_event(case.id, 1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_transcript_events_cannot_be_changed_or_deleted(facilitator):
    """A written event is evidence: the ORM refuses to rewrite or delete it."""
    factories.make_case(facilitator)
    event = db.session.scalar(sa.select(models.TranscriptEvent))

    event.kind = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()

    db.session.expire_all()
    assert db.session.scalar(sa.select(models.TranscriptEvent.kind)) == "case.opened"


def test_a_plan_version_cannot_be_changed_or_deleted(meeting):
    """What people agreed to stays exactly as it was taken."""
    version = models.PlanVersion(
        case_id=meeting.case_id,
        meeting_id=meeting.id,
        number=1,
        snapshot={"actions": ["Mum walks Sam to school"]},
    )
    db.session.add(version)
    db.session.commit()

    version.snapshot = {"actions": ["Something else"]}
    with pytest.raises(ImmutableVersionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(version)
    with pytest.raises(ImmutableVersionError):
        db.session.commit()
    db.session.rollback()

    db.session.expire_all()
    kept = db.session.get(models.PlanVersion, version.id)
    assert kept.snapshot == {"actions": ["Mum walks Sam to school"]}


def _participant(meeting) -> models.Participant:
    """A parent who joined the meeting."""
    parent = models.Participant(
        meeting_id=meeting.id, display_name="Maria", role="parent", token_nonce="nonce-1"
    )
    db.session.add(parent)
    db.session.commit()
    return parent


@pytest.mark.parametrize("score", [-1, 11, 100])
def test_a_safety_rating_outside_0_to_10_is_refused_by_the_database(meeting, score):
    """The safety scale runs from 0 to 10, whatever code writes the rating."""
    parent = _participant(meeting)
    db.session.add(
        models.SafetyRating(meeting_id=meeting.id, participant_id=parent.id, score=score)
    )

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("score", [0, 10])
def test_safety_ratings_at_both_ends_of_the_scale_are_kept(meeting, score):
    """0 and 10 are valid ratings."""
    parent = _participant(meeting)
    db.session.add(
        models.SafetyRating(meeting_id=meeting.id, participant_id=parent.id, score=score)
    )
    db.session.commit()

    assert db.session.scalar(sa.select(models.SafetyRating.score)) == score


@pytest.mark.parametrize("kind", list(RelationshipKind))
def test_a_relationship_is_a_union_or_parentage_by_its_kind(kind):
    """The genogram draws unions and parent-child lines from the relationship's kind."""
    line = Relationship(kind=kind)

    assert line.is_union == (kind.value in UNIONS)
    assert line.is_parentage == (kind.value in PARENTAGE)
    assert not (line.is_union and line.is_parentage)


def test_relationship_categories_partition_every_kind():
    """Every kind is exactly one of union, parentage or emotional."""
    categories = [UNION_KINDS, PARENTAGE_KINDS, EMOTIONAL_KINDS]

    assert set().union(*categories) == set(RelationshipKind)
    assert sum(len(category) for category in categories) == len(RelationshipKind)
    assert {kind.value for kind in UNION_KINDS} == UNIONS
    assert {kind.value for kind in PARENTAGE_KINDS} == PARENTAGE
    assert {"close", "distant", "conflict", "cut_off", "violence"} <= {
        kind.value for kind in EMOTIONAL_KINDS
    }


def test_changing_the_password_changes_the_session_identity(facilitator):
    """A new password gives the user a new session id, which signs out their old sessions."""
    before = facilitator.get_id()

    facilitator.set_password("a brand new passphrase for fran 42")
    db.session.commit()

    after = facilitator.get_id()
    assert after != before
    assert before.split(".")[0] == after.split(".")[0] == str(facilitator.id)
    assert facilitator.get_id() == after
