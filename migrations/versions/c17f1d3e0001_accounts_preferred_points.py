"""accounts: the service points a student prefers (the shift finder lists them first)

Revision ID: c17f1d3e0001
Revises: c16a0d7a0001
Create Date: 2026-12-03 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c17f1d3e0001'
down_revision = 'c16a0d7a0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_preferred_points',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['point_id'], ['service_points.id'], name=op.f('fk_user_preferred_points_point_id_service_points'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_preferred_points_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'point_id', name=op.f('pk_user_preferred_points'))
    )


def downgrade():
    op.drop_table('user_preferred_points')
