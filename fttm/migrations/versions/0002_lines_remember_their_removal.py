"""Lines remember the person whose removal took them.

A relationship or ecomap connection removed together with a person comes back once the people
it joins are back; one removed on its own stays removed.

Revision ID: 89dc38071112
Revises: 45aae6f9655a
Create Date: 2026-11-22 07:12:49.164766

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "89dc38071112"
down_revision = "45aae6f9655a"
branch_labels = None
depends_on = None

TABLES = ("ecomap_connections", "relationships")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("deleted_with_person_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_deleted_with_person_id_persons"),
                "persons",
                ["deleted_with_person_id"],
                ["id"],
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_deleted_with_person_id_persons"), type_="foreignkey"
            )
            batch_op.drop_column("deleted_with_person_id")
