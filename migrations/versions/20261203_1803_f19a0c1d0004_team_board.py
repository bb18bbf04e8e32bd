"""team_board: (placeholder, filled in by the team_board work)

Revision ID: f19a0c1d0004
Revises: f19a0c1d0003
Create Date: 2026-12-03 18:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'f19a0c1d0004'
down_revision = 'f19a0c1d0003'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
