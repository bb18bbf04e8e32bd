"""certificate issuers: up to two co-issuers per campaign with their header lines and signatory, the paper
settings (place, right-hand header), signature images kept by SHA-256, and document numbers per campaign and kind

Revision ID: e22a0a000001
Revises: d20a0b1c0001
Create Date: 2026-12-05 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e22a0a000001'
down_revision = 'd20a0b1c0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'signature_images',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_signature_images')),
    )
    op.create_table(
        'certificate_paper',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('place', sa.String(length=60), nullable=False),
        sa.Column('motto', sa.String(length=10), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("motto IN ('state', 'union')", name=op.f('ck_certificate_paper_motto')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_certificate_paper_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_certificate_paper_updated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_paper')),
        sa.UniqueConstraint('campaign_id', name=op.f('uq_certificate_paper_campaign_id')),
    )
    op.create_table(
        'certificate_issuers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('parent_body', sa.String(length=120), nullable=False),
        sa.Column('issuing_body', sa.String(length=120), nullable=False),
        sa.Column('short_name', sa.String(length=20), nullable=False),
        sa.Column('on_behalf', sa.String(length=120), nullable=False),
        sa.Column('signatory_title', sa.String(length=80), nullable=False),
        sa.Column('signatory_name', sa.String(length=80), nullable=False),
        sa.Column('signature_sha256', sa.String(length=64), nullable=True),
        sa.CheckConstraint('position IN (1, 2)', name=op.f('ck_certificate_issuers_position')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_certificate_issuers_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['signature_sha256'], ['signature_images.sha256'],
                                name=op.f('fk_certificate_issuers_signature_sha256_signature_images'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_issuers')),
        sa.UniqueConstraint('campaign_id', 'position', name=op.f('uq_certificate_issuers_campaign_id_position')),
    )
    op.create_table(
        'document_counters',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('series', sa.String(length=10), nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.CheckConstraint('last_number >= 0', name=op.f('ck_document_counters_last_number')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_document_counters_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('campaign_id', 'series', name=op.f('pk_document_counters')),
    )
    op.create_table(
        'credential_signatures',
        sa.Column('credential_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'],
                                name=op.f('fk_credential_signatures_credential_id_credentials'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sha256'], ['signature_images.sha256'],
                                name=op.f('fk_credential_signatures_sha256_signature_images'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('credential_id', 'sha256', name=op.f('pk_credential_signatures')),
    )
    op.create_index(op.f('ix_credential_signatures_sha256'), 'credential_signatures', ['sha256'])
    with op.batch_alter_table('credentials') as batch:
        batch.add_column(sa.Column('number', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('number_text', sa.String(length=64), nullable=True))
    op.create_index('uq_credentials_campaign_id_kind_number', 'credentials', ['campaign_id', 'kind', 'number'],
                    unique=True)


def downgrade():
    op.drop_index('uq_credentials_campaign_id_kind_number', table_name='credentials')
    with op.batch_alter_table('credentials') as batch:
        batch.drop_column('number_text')
        batch.drop_column('number')
    op.drop_index(op.f('ix_credential_signatures_sha256'), table_name='credential_signatures')
    op.drop_table('credential_signatures')
    op.drop_table('document_counters')
    op.drop_table('certificate_issuers')
    op.drop_table('certificate_paper')
    op.drop_table('signature_images')
