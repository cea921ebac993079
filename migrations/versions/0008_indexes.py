"""Indexes the national-scale benchmark justifies (issue 9)

Revision ID: 0008_indexes
Revises: 0007_in_app_notifications
Create Date: 2026-11-24 03:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_indexes'
down_revision = '0007_in_app_notifications'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
