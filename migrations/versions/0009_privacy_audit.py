"""Audit trail, consent, retention, upload scanning (issue 7)

Revision ID: 0009_privacy_audit
Revises: 0008_indexes
Create Date: 2026-11-24 03:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_privacy_audit'
down_revision = '0008_indexes'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
