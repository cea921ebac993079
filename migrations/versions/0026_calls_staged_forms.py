"""The idea form's refused sends kept on the server for the page shown again by GET
(issue 17, item 10)

Revision ID: 0026_calls
Revises: 0025_jobs
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

from murporteur.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0026_calls'
down_revision = '0025_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staged_form',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staging_key', sa.String(length=64), nullable=False),
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('refusals', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_form')),
        sa.UniqueConstraint('staging_key', 'scope', name=op.f('uq_staged_form_staging_key')),
    )
    with op.batch_alter_table('staged_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_form_created_at'), ['created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('staged_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_form_created_at'))
    op.drop_table('staged_form')
