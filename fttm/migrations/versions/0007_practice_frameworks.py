"""Practice frameworks: each strength and worry remembers the mapping section it was written in
("strengths" and "worries" for those written before), and a case may name its own framework (None:
its jurisdiction profile's).

Revision ID: 7c3f9e1a2b64
Revises: 5b7e1c2d9a40
Create Date: 2026-12-05 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3f9e1a2b64'
down_revision = '5b7e1c2d9a40'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'strengths',
        sa.Column('section', sa.String(length=40), nullable=False, server_default='strengths'),
    )
    op.add_column(
        'worries',
        sa.Column('section', sa.String(length=40), nullable=False, server_default='worries'),
    )
    op.add_column('cases', sa.Column('framework', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('framework')
    with op.batch_alter_table('worries', schema=None) as batch_op:
        batch_op.drop_column('section')
    with op.batch_alter_table('strengths', schema=None) as batch_op:
        batch_op.drop_column('section')
