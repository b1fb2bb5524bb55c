"""Each person their language: staff accounts, participants, the wall, and each family copy.

An account and a participant remember the language they chose (None on an account: the
browser's); a meeting remembers its wall's language, one or two of them for a bilingual room; a
family copy records the language it was made in (English for those recorded before).

Revision ID: 5b7e1c2d9a40
Revises: 09bda47ea4a8
Create Date: 2026-12-04 19:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e1c2d9a40'
down_revision = '09bda47ea4a8'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('language', sa.String(length=10), nullable=True))
    op.add_column('participants', sa.Column('language', sa.String(length=10), nullable=True))
    op.add_column('meetings', sa.Column('wall_language', sa.String(length=20), nullable=True))
    op.add_column(
        'family_copies',
        sa.Column('language', sa.String(length=10), nullable=False, server_default='en'),
    )


def downgrade():
    with op.batch_alter_table('family_copies', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('wall_language')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
