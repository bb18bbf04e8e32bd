"""security: revocation reason categories

Revision ID: c14c5ec00003
Revises: c14b70790002
Create Date: 2026-12-02 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14c5ec00003'
down_revision = 'c14b70790002'
branch_labels = None
depends_on = None


CATEGORIES = "('issued_in_error', 'not_eligible', 'misconduct', 'holder_request', 'other')"


def upgrade():
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoke_category', sa.String(length=20), nullable=True))
    # Certificates revoked before categories existed say only "other reason" in public.
    op.execute("UPDATE credentials SET revoke_category = 'other' WHERE revoked_at IS NOT NULL")
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.create_check_constraint('revocation_category_set', '(revoked_at IS NULL) = (revoke_category IS NULL)')
        batch_op.create_check_constraint('revocation_category', 'revoke_category IN ' + CATEGORIES)


def downgrade():
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_constraint('revocation_category', type_='check')
        batch_op.drop_constraint('revocation_category_set', type_='check')
        batch_op.drop_column('revoke_category')
