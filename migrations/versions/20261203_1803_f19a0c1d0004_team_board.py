"""team_board: a point's board of posts (several points per post, a picture kept in the database, who has
seen them) and leaders' messages to the volunteers of one shift, with each recipient's outcome

Revision ID: f19a0c1d0004
Revises: f19a0c1d0003
Create Date: 2026-12-03 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f19a0c1d0004'
down_revision = 'f19a0c1d0003'
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    """A foreign key named by the naming convention."""
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'),
                                   ondelete=ondelete)


def upgrade():
    op.create_table(
        'team_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=True),
        sa.Column('pinned', sa.Boolean(), nullable=False),
        sa.Column('shift_id', sa.Integer(), nullable=True),
        sa.Column('need_count', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('need_count IS NULL OR need_count BETWEEN 1 AND 100',
                           name=op.f('ck_team_posts_need_count')),
        _fk('team_posts', 'author_id', 'users', 'SET NULL'),
        _fk('team_posts', 'shift_id', 'shifts', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_team_posts')),
    )
    op.create_index(op.f('ix_team_posts_author_id'), 'team_posts', ['author_id'])
    op.create_index(op.f('ix_team_posts_shift_id'), 'team_posts', ['shift_id'])
    op.create_index(op.f('ix_team_posts_created_at'), 'team_posts', ['created_at'])
    op.create_table(
        'team_post_points',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('point_id', sa.Integer(), nullable=False),
        _fk('team_post_points', 'post_id', 'team_posts', 'CASCADE'),
        _fk('team_post_points', 'point_id', 'service_points', 'CASCADE'),
        sa.PrimaryKeyConstraint('post_id', 'point_id', name=op.f('pk_team_post_points')),
    )
    op.create_index(op.f('ix_team_post_points_point_id'), 'team_post_points', ['point_id'])
    op.create_table(
        'team_post_images',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        _fk('team_post_images', 'post_id', 'team_posts', 'CASCADE'),
        sa.PrimaryKeyConstraint('post_id', name=op.f('pk_team_post_images')),
    )
    op.create_table(
        'team_post_seen',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('seen_at', sa.DateTime(), nullable=False),
        _fk('team_post_seen', 'post_id', 'team_posts', 'CASCADE'),
        _fk('team_post_seen', 'user_id', 'users', 'CASCADE'),
        sa.PrimaryKeyConstraint('post_id', 'user_id', name=op.f('pk_team_post_seen')),
    )
    op.create_index(op.f('ix_team_post_seen_user_id'), 'team_post_seen', ['user_id'])
    op.create_table(
        'shift_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shift_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        _fk('shift_messages', 'shift_id', 'shifts', 'CASCADE'),
        _fk('shift_messages', 'author_id', 'users', 'SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_messages')),
    )
    op.create_index(op.f('ix_shift_messages_shift_id'), 'shift_messages', ['shift_id'])
    op.create_index(op.f('ix_shift_messages_author_id'), 'shift_messages', ['author_id'])
    op.create_table(
        'shift_message_recipients',
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("outcome IN ('notified', 'inbox_opted_out', 'inbox_capped')",
                           name=op.f('ck_shift_message_recipients_outcome')),
        _fk('shift_message_recipients', 'message_id', 'shift_messages', 'CASCADE'),
        _fk('shift_message_recipients', 'user_id', 'users', 'CASCADE'),
        _fk('shift_message_recipients', 'notification_id', 'notifications', 'SET NULL'),
        sa.PrimaryKeyConstraint('message_id', 'user_id', name=op.f('pk_shift_message_recipients')),
    )
    op.create_index(op.f('ix_shift_message_recipients_user_id'), 'shift_message_recipients', ['user_id'])
    op.create_index(op.f('ix_shift_message_recipients_created_at'), 'shift_message_recipients', ['created_at'])


def downgrade():
    op.drop_table('shift_message_recipients')
    op.drop_table('shift_messages')
    op.drop_table('team_post_seen')
    op.drop_table('team_post_images')
    op.drop_table('team_post_points')
    op.drop_table('team_posts')
