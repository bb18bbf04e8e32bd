"""security: two-factor sign-in and recovery codes

Revision ID: c14b70790002
Revises: c14a5e551001
Create Date: 2026-12-02 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14b70790002'
down_revision = 'c14a5e551001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
