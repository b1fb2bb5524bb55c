"""Meetings remember what their wall shows.

The facilitator steers the projected screen from the console: the whole board or one section,
the genogram or the ecomap, and that drawing's zoom and pan. A wall that reconnects, or opens
in a second window, shows what the room was looking at.

Revision ID: 4d2a8c6e1f03
Revises: 3c1f0e7a9b24
Create Date: 2026-12-03 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4d2a8c6e1f03"
down_revision = "3c1f0e7a9b24"
branch_labels = None
depends_on = None

COLUMNS = (
    ("wall_focus", sa.String(length=20), "'overview'"),
    ("wall_drawing", sa.String(length=10), "'genogram'"),
    ("wall_zoom", sa.Integer(), "100"),
    ("wall_pan_x", sa.Integer(), "0"),
    ("wall_pan_y", sa.Integer(), "0"),
)


def upgrade():
    # Plain ADD COLUMNs with a default for the meetings already there.
    for name, kind, default in COLUMNS:
        op.add_column(
            "meetings", sa.Column(name, kind, nullable=False, server_default=sa.text(default))
        )


def downgrade():
    with op.batch_alter_table("meetings") as batch_op:
        for name, _kind, _default in reversed(COLUMNS):
            batch_op.drop_column(name)
