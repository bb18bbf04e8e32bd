"""reminders: (placeholder, filled in by the reminders work)

Revision ID: f19a0c1d0002
Revises: f19a0c1d0001
Create Date: 2026-12-03 18:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'f19a0c1d0002'
down_revision = 'f19a0c1d0001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
