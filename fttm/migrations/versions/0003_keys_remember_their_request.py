"""Idempotency keys remember the request they came with.

A key belongs to one actor, one meeting and one request (method, path and submitted fields):
the event stores a fingerprint of that request, so a key sent again with another request is
refused instead of being answered with whatever the first one made.

Revision ID: 3c1f0e7a9b24
Revises: 89dc38071112
Create Date: 2026-12-03 10:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c1f0e7a9b24"
down_revision = "89dc38071112"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not a batch alter: SQLite would rebuild the table and drop the
    # triggers that keep the transcript append-only.
    op.add_column(
        "transcript_events", sa.Column("request_fingerprint", sa.String(length=64), nullable=True)
    )


def downgrade():
    # SQLite 3.35+ drops a column in place, keeping the triggers (see upgrade).
    op.drop_column("transcript_events", "request_fingerprint")
