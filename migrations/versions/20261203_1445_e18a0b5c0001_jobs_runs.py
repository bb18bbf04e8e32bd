"""jobs: job_runs, what the background queue did

Revision ID: e18a0b5c0001
Revises: d03a7c1e0001
Create Date: 2026-12-03 14:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e18a0b5c0001'
down_revision = 'd03a7c1e0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('args', sa.JSON(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('queued_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'retrying', 'done', 'failed')",
                           name=op.f('ck_job_runs_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
        sa.UniqueConstraint('task_id', name=op.f('uq_job_runs_task_id')),
    )
    with op.batch_alter_table('job_runs') as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runs_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_runs_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_runs_queued_at'), ['queued_at'], unique=False)


def downgrade():
    op.drop_table('job_runs')
