"""Directory: the support structures an idea can be redirected to

Revision ID: 0002_directory
Revises: 0001_foundation
Create Date: 2026-11-25 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002_directory'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_structure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('incubator', 'solidarity_finance', 'cooperative_union', 'local_ess_network', 'land_access', 'womens_entrepreneurship', 'activity_cooperative', 'other', name='structure_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('territory', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_structure')),
    sa.UniqueConstraint('name', name=op.f('uq_support_structure_name'))
    )


def downgrade():
    op.drop_table('support_structure')
