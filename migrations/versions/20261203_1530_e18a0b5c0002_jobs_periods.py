"""jobs: job_periods, each periodic duty done once per period

Revision ID: e18a0b5c0002
Revises: e18a0b5c0001
Create Date: 2026-12-03 15:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e18a0b5c0002'
down_revision = 'e18a0b5c0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_periods',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_periods')),
        sa.UniqueConstraint('name', 'period', name=op.f('uq_job_periods_name_period')),
    )


def downgrade():
    op.drop_table('job_periods')
