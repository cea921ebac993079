"""Second factor (TOTP, recovery codes) and holder accounts kept apart from staff addresses
(issue 13, findings 7 and 8)

Revision ID: 0013_acct_second_factor
Revises: 0012_docs_document_visibility
Create Date: 2026-12-01 12:00:00

"""
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from murporteur.core.db import UTCDateTime
from murporteur.core.migrating import rebuilding_on_sqlite

# revision identifiers, used by Alembic.
revision = '0013_acct_second_factor'
down_revision = '0012_docs_document_visibility'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('second_factor_failures', sa.Integer(),
                                      server_default='0', nullable=False))
        batch_op.add_column(sa.Column('second_factor_locked_until',
                                      sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_contact_email'), ['contact_email'],
                              unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_recovery_code_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    _separate_dossiers_from_staff_accounts()


def _separate_dossiers_from_staff_accounts():
    """Dossiers sent earlier with a staff or committee address move to a holder account of
    their own (as accounts.services.holder_for_email now does), and the login links issued to
    those staff accounts stop working."""
    conn = op.get_bind()
    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column('email', sa.String),
                     sa.column('contact_email', sa.String), sa.column('full_name', sa.String),
                     sa.column('role', sa.String), sa.column('active', sa.Boolean),
                     sa.column('session_version', sa.Integer),
                     sa.column('created_at', UTCDateTime))
    dossiers = sa.table('dossier', sa.column('holder_id', sa.Integer))
    tokens = sa.table('access_token', sa.column('user_id', sa.Integer),
                      sa.column('purpose', sa.String), sa.column('used_at', UTCDateTime))
    now = datetime.now(UTC)
    staff_with_dossiers = conn.execute(
        sa.select(users.c.id, users.c.email, users.c.full_name)
        .where(users.c.role != 'holder',
               users.c.id.in_(sa.select(dossiers.c.holder_id)))).all()
    for staff_id, email, full_name in staff_with_dossiers:
        placeholder = f"porteur-{secrets.token_hex(8)}@non-rattache.invalid"
        conn.execute(users.insert().values(
            email=placeholder, contact_email=email, full_name=full_name or '', role='holder',
            active=True, session_version=1, created_at=now))
        holder_id = conn.execute(
            sa.select(users.c.id).where(users.c.email == placeholder)).scalar_one()
        conn.execute(dossiers.update().where(dossiers.c.holder_id == staff_id)
                     .values(holder_id=holder_id))
    conn.execute(tokens.update().where(
        tokens.c.purpose.in_(('login', 'resume_draft')), tokens.c.used_at.is_(None),
        tokens.c.user_id.in_(sa.select(users.c.id).where(users.c.role != 'holder')))
        .values(used_at=now))


def downgrade():
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    # The rebuild drops the old user_account, which every other table points at.
    with rebuilding_on_sqlite(op.get_bind(), 'user_account'), \
            op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_contact_email'))
        batch_op.drop_column('second_factor_locked_until')
        batch_op.drop_column('second_factor_failures')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('contact_email')
