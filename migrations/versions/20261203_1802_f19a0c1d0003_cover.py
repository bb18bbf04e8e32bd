"""cover: cover requests and swap proposals between booked students

Revision ID: f19a0c1d0003
Revises: f19a0c1d0002
Create Date: 2026-12-03 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f19a0c1d0003'
down_revision = 'f19a0c1d0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cover_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('shift_id', sa.Integer(), nullable=False),
        sa.Column('requester_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('offered_count', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('taken_by_id', sa.Integer(), nullable=True),
        sa.Column('new_booking_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'taken', 'withdrawn', 'closed')", name=op.f('ck_cover_requests_status')),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_cover_requests_booking_id_bookings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_cover_requests_shift_id_shifts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_cover_requests_requester_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], name=op.f('fk_cover_requests_taken_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['new_booking_id'], ['bookings.id'],
                                name=op.f('fk_cover_requests_new_booking_id_bookings'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_requests')),
    )
    op.create_index(op.f('ix_cover_requests_booking_id'), 'cover_requests', ['booking_id'])
    op.create_index(op.f('ix_cover_requests_shift_id'), 'cover_requests', ['shift_id'])
    op.create_index(op.f('ix_cover_requests_requester_id'), 'cover_requests', ['requester_id'])
    op.create_index('uq_cover_requests_open', 'cover_requests', ['booking_id'], unique=True,
                    sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
    op.create_table(
        'swap_proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposer_id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('from_booking_id', sa.Integer(), nullable=False),
        sa.Column('to_booking_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('proposed', 'accepted', 'declined', 'withdrawn', 'closed')",
                           name=op.f('ck_swap_proposals_status')),
        sa.CheckConstraint('from_booking_id <> to_booking_id', name=op.f('ck_swap_proposals_two_bookings')),
        sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], name=op.f('fk_swap_proposals_proposer_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_swap_proposals_recipient_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['from_booking_id'], ['bookings.id'],
                                name=op.f('fk_swap_proposals_from_booking_id_bookings'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['to_booking_id'], ['bookings.id'],
                                name=op.f('fk_swap_proposals_to_booking_id_bookings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_swap_proposals')),
    )
    op.create_index(op.f('ix_swap_proposals_proposer_id'), 'swap_proposals', ['proposer_id'])
    op.create_index(op.f('ix_swap_proposals_recipient_id'), 'swap_proposals', ['recipient_id'])
    op.create_index(op.f('ix_swap_proposals_from_booking_id'), 'swap_proposals', ['from_booking_id'])
    op.create_index(op.f('ix_swap_proposals_to_booking_id'), 'swap_proposals', ['to_booking_id'])
    op.create_index('uq_swap_proposals_open', 'swap_proposals', ['from_booking_id', 'to_booking_id'], unique=True,
                    sqlite_where=sa.text("status = 'proposed'"), postgresql_where=sa.text("status = 'proposed'"))


def downgrade():
    op.drop_table('swap_proposals')
    op.drop_table('cover_requests')
