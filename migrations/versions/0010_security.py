"""Sign-in security: server-side logout, password reset (issue 7)

Revision ID: 0010_security
Revises: 0009_privacy_audit
Create Date: 2026-11-24 03:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_security'
down_revision = '0009_privacy_audit'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
