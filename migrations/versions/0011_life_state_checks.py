"""The three lifecycle state columns get a CHECK constraint, as the other enums have (issue 14)

Revision ID: 0011_life_state_checks
Revises: 0010_security
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_life_state_checks'
down_revision = '0010_security'
branch_labels = None
depends_on = None


# Written out rather than imported: a revision keeps the values of its day.
STATES = {
    ('dossier', 'ck_dossier_dossier_state'): (
        'draft', 'submitted', 'qualifying', 'needs_info', 'retained', 'on_agenda',
        'supported', 'conventioned', 'closed', 'redirected', 'declined', 'not_supported',
        'withdrawn'),
    ('committee_session', 'ck_committee_session_session_state'): (
        'planned', 'convened', 'held', 'minutes_published'),
    ('convention', 'ck_convention_convention_state'): (
        'draft', 'sent_for_signature', 'signed', 'active', 'completed', 'terminated'),
}


def upgrade():
    for (table, check), values in STATES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(check), sa.column('state').in_(values))


def downgrade():
    for (table, check), _values in STATES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(check), type_='check')
