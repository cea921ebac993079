"""Notification preferences for every role (issue 6)

Revision ID: 0011_notifications
Revises: 0010_security
Create Date: 2026-11-24 03:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_notifications'
down_revision = '0010_security'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
