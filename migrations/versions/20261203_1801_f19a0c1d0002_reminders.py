"""reminders: settings per campaign, answers to "still coming?", missed shifts, and the shifts' booking pauses

Revision ID: f19a0c1d0002
Revises: f19a0c1d0001
Create Date: 2026-12-03 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f19a0c1d0002'
down_revision = 'f19a0c1d0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaign_reminder_settings',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('evening_on', sa.Boolean(), nullable=False),
        sa.Column('evening_at', sa.Time(), nullable=False),
        sa.Column('soon_on', sa.Boolean(), nullable=False),
        sa.Column('soon_hours', sa.Integer(), nullable=False),
        sa.Column('what_to_bring', sa.Text(), nullable=False),
        sa.Column('no_show_limit', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('soon_hours BETWEEN 1 AND 12', name=op.f('ck_campaign_reminder_settings_soon_hours')),
        sa.CheckConstraint('no_show_limit BETWEEN 0 AND 20', name=op.f('ck_campaign_reminder_settings_no_show_limit')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_campaign_reminder_settings_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_campaign_reminder_settings_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_campaign_reminder_settings')),
    )
    op.create_table(
        'shift_confirmations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('answer', sa.String(length=10), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("answer IN ('coming', 'released')", name=op.f('ck_shift_confirmations_answer')),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_shift_confirmations_booking_id_bookings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_confirmations')),
        sa.UniqueConstraint('booking_id', name=op.f('uq_shift_confirmations_booking_id')),
    )
    op.create_table(
        'missed_shifts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('asked_at', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_missed_shifts_booking_id_bookings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_missed_shifts')),
        sa.UniqueConstraint('booking_id', name=op.f('uq_missed_shifts_booking_id')),
    )
    op.create_table(
        'booking_pauses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('no_shows', sa.Integer(), nullable=False),
        sa.Column('paused_at', sa.DateTime(), nullable=False),
        sa.Column('lifted_at', sa.DateTime(), nullable=True),
        sa.Column('lifted_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_booking_pauses_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_booking_pauses_campaign_id_campaigns'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_booking_pauses_lifted_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_pauses')),
        sa.UniqueConstraint('user_id', 'campaign_id', name=op.f('uq_booking_pauses_user_id_campaign_id')),
    )
    op.create_index(op.f('ix_booking_pauses_user_id'), 'booking_pauses', ['user_id'])
    op.create_index(op.f('ix_booking_pauses_campaign_id'), 'booking_pauses', ['campaign_id'])


def downgrade():
    op.drop_index(op.f('ix_booking_pauses_campaign_id'), table_name='booking_pauses')
    op.drop_index(op.f('ix_booking_pauses_user_id'), table_name='booking_pauses')
    op.drop_table('booking_pauses')
    op.drop_table('missed_shifts')
    op.drop_table('shift_confirmations')
    op.drop_table('campaign_reminder_settings')
