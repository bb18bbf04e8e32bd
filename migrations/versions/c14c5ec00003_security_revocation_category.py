"""security: revocation reason categories

Revision ID: c14c5ec00003
Revises: c14b70790002
Create Date: 2026-12-02 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14c5ec00003'
down_revision = 'c14b70790002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
