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


# The password reset links are access tokens of a new purpose: the column's CHECK grows.
CHECK = 'ck_access_token_token_purpose'
OLD = ('login', 'resume_draft')
NEW = OLD + ('password_reset',)


def _allow(values):
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_='check')
        batch_op.create_check_constraint(
            op.f(CHECK), sa.column('purpose').in_(values))


def upgrade():
    _allow(NEW)


def downgrade():
    op.execute(sa.text("DELETE FROM access_token WHERE purpose = 'password_reset'"))
    _allow(OLD)
