"""guides: step-by-step guides to online public services (with pictures and a reviewer), the guides each point
uses most, and the anonymous daily count of QR scans per guide and point

Revision ID: d20a0b1c0001
Revises: f19a0c1d0004
Create Date: 2026-12-04 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd20a0b1c0001'
down_revision = 'f19a0c1d0004'
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    """A foreign key named by the naming convention."""
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'),
                                   ondelete=ondelete)


def upgrade():
    op.create_table(
        'guides',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=60), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('title_vi', sa.String(length=120), nullable=False),
        sa.Column('summary_vi', sa.String(length=300), nullable=False),
        sa.Column('call_vi', sa.String(length=90), nullable=False),
        sa.Column('body_vi', sa.Text(), nullable=False),
        sa.Column('title_en', sa.String(length=120), nullable=False),
        sa.Column('summary_en', sa.String(length=300), nullable=False),
        sa.Column('call_en', sa.String(length=90), nullable=False),
        sa.Column('body_en', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'in_review', 'published', 'retired')", name=op.f('ck_guides_status')),
        _fk('guides', 'author_id', 'users', 'SET NULL'),
        _fk('guides', 'reviewer_id', 'users', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guides')),
        sa.UniqueConstraint('slug', name=op.f('uq_guides_slug')),
    )
    op.create_index(op.f('ix_guides_status'), 'guides', ['status'])
    op.create_index(op.f('ix_guides_author_id'), 'guides', ['author_id'])
    op.create_index(op.f('ix_guides_reviewer_id'), 'guides', ['reviewer_id'])
    op.create_table(
        'guide_images',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('guide_id', sa.Integer(), nullable=False),
        sa.Column('alt', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        _fk('guide_images', 'guide_id', 'guides', 'CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guide_images')),
    )
    op.create_index(op.f('ix_guide_images_guide_id'), 'guide_images', ['guide_id'])
    op.create_table(
        'point_guides',
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('guide_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        _fk('point_guides', 'point_id', 'service_points', 'CASCADE'),
        _fk('point_guides', 'guide_id', 'guides', 'CASCADE'),
        sa.PrimaryKeyConstraint('point_id', 'guide_id', name=op.f('pk_point_guides')),
    )
    op.create_index(op.f('ix_point_guides_guide_id'), 'point_guides', ['guide_id'])
    op.create_table(
        'guide_scans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('guide_id', sa.Integer(), nullable=False),
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        _fk('guide_scans', 'guide_id', 'guides', 'CASCADE'),
        _fk('guide_scans', 'point_id', 'service_points', 'CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guide_scans')),
        sa.UniqueConstraint('guide_id', 'point_id', 'day', name=op.f('uq_guide_scans_guide_id_point_id_day')),
    )
    op.create_index(op.f('ix_guide_scans_point_id'), 'guide_scans', ['point_id'])
    op.create_index(op.f('ix_guide_scans_day'), 'guide_scans', ['day'])


def downgrade():
    op.drop_table('guide_scans')
    op.drop_table('point_guides')
    op.drop_table('guide_images')
    op.drop_table('guides')
