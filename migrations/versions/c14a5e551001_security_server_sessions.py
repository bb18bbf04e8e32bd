"""security: server-side sessions

Revision ID: c14a5e551001
Revises: 762f4b5b4db3
Create Date: 2026-12-02 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14a5e551001'
down_revision = '762f4b5b4db3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
