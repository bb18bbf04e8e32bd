"""open badges: each credential keeps its signed Open Badges 3.0 JSON (Data Integrity proof)

Revision ID: e22b0b000001
Revises: e22a0a000001
Create Date: 2026-12-05 09:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e22b0b000001'
down_revision = 'e22a0a000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ob_json', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_column('ob_json')
