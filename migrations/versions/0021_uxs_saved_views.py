"""Saved dashboard views, each animator's own (issue 17, item 4)

Revision ID: 0021_uxs
Revises: 0020_sign
Create Date: 2026-12-01 15:30:00

"""
import sqlalchemy as sa
from alembic import op

from murporteur.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0021_uxs'
down_revision = '0020_sign'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_view',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('query', sa.String(length=2000), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_saved_view_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_view')),
        sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_view_user_id')),
    )
    with op.batch_alter_table('saved_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_view_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_view_user_id'))
    op.drop_table('saved_view')
