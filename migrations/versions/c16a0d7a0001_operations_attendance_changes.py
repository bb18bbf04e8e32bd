"""operations: attendance changes kept for undo on Today

Revision ID: c16a0d7a0001
Revises: c15a9d7a0001
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c16a0d7a0001'
down_revision = 'c15a9d7a0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("action IN ('check_in', 'check_out', 'no_show', 'task', 'walk_in')",
                       name=op.f('ck_attendance_changes_action')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_attendance_changes_actor_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_attendance_changes_booking_id_bookings'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_changes'))
    )
    op.create_index('ix_attendance_changes_booking_id_created_at', 'attendance_changes', ['booking_id', 'created_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_attendance_changes_booking_id_created_at', table_name='attendance_changes')
    op.drop_table('attendance_changes')
