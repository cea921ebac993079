"""The bell's titles in both languages: each reader sees them in theirs (issue 17, item 8)

Revision ID: 0018_uxh
Revises: 0017_org
Create Date: 2026-12-01 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018_uxh'
down_revision = '0017_org'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('in_app_notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subjects', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('in_app_notification', schema=None) as batch_op:
        batch_op.drop_column('subjects')
