"""status lists: W3C Bitstring Status Lists (revocation and message) and each credential's index in one

Revision ID: e22c0c000001
Revises: e22b0b000001
Create Date: 2026-12-05 09:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e22c0c000001'
down_revision = 'e22b0b000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'status_lists',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('next_index', sa.Integer(), nullable=False),
        sa.Column('revocation_bits', sa.LargeBinary(), nullable=False),
        sa.Column('message_bits', sa.LargeBinary(), nullable=False),
        sa.Column('revocation_json', sa.Text(), nullable=True),
        sa.Column('message_json', sa.Text(), nullable=True),
        sa.Column('signed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_status_lists')),
    )
    op.create_table(
        'credential_status_entries',
        sa.Column('credential_id', sa.Integer(), nullable=False),
        sa.Column('status_list_id', sa.Integer(), nullable=False),
        sa.Column('status_index', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'],
                                name=op.f('fk_credential_status_entries_credential_id_credentials'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['status_list_id'], ['status_lists.id'],
                                name=op.f('fk_credential_status_entries_status_list_id_status_lists'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('credential_id', name=op.f('pk_credential_status_entries')),
        sa.UniqueConstraint('status_list_id', 'status_index',
                            name=op.f('uq_credential_status_entries_status_list_id_status_index')),
    )


def downgrade():
    op.drop_table('credential_status_entries')
    op.drop_table('status_lists')
