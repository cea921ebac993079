"""Organisations managed in the app (kinds, short name, logo, address, territory, archive),
invitations to choose a password, and spreadsheets staged between preview and confirmation
(issue 15)

Revision ID: 0017_org
Revises: 0016_meet
Create Date: 2026-12-01 15:00:00

"""
import sqlalchemy as sa
from alembic import op

from murporteur.core.migrating import rebuilding_on_sqlite

# revision identifiers, used by Alembic.
revision = '0017_org'
down_revision = '0016_meet'
branch_labels = None
depends_on = None

# Written out rather than imported: a revision keeps the values of its day.
OLD_KINDS = ('landlord', 'partner', 'animator')
NEW_KINDS = ('landlord', 'partner', 'financer', 'other', 'animator')
CHECK = 'ck_organisation_organisation_kind'


def _kinds(values):
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_='check')
        batch_op.create_check_constraint(op.f(CHECK), sa.column('kind').in_(values))


def upgrade():
    with rebuilding_on_sqlite(op.get_bind(), 'organisation'):
        _kinds(NEW_KINDS)
        with op.batch_alter_table('organisation', schema=None) as batch_op:
            batch_op.add_column(sa.Column('short_name', sa.String(length=40), nullable=True))
            batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
            batch_op.add_column(sa.Column('territory', sa.String(length=200), nullable=True))
            batch_op.add_column(sa.Column('logo_png', sa.LargeBinary(), nullable=True))
            batch_op.add_column(sa.Column('logo_updated_at', sa.DateTime(timezone=True),
                                          nullable=True))
            batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True),
                                          nullable=True))

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('secret_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'],
                            name=op.f('fk_invitation_invited_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_invitation_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('secret_digest', name=op.f('uq_invitation_secret_digest'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_user_id'), ['user_id'], unique=False)

    op.create_table('staged_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_staged_import_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_import')),
    sa.UniqueConstraint('token', name=op.f('uq_staged_import_token'))
    )
    with op.batch_alter_table('staged_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_import_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('staged_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_import_user_id'))
    op.drop_table('staged_import')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_user_id'))
    op.drop_table('invitation')
    # The new kinds fall back to the nearest old one before the narrower check returns.
    organisation = sa.table('organisation', sa.column('kind', sa.String))
    op.execute(organisation.update().where(organisation.c.kind.in_(('financer', 'other')))
               .values(kind='partner'))
    with rebuilding_on_sqlite(op.get_bind(), 'organisation'):
        with op.batch_alter_table('organisation', schema=None) as batch_op:
            for column in ('archived_at', 'logo_updated_at', 'logo_png', 'territory',
                           'address', 'short_name'):
                batch_op.drop_column(column)
        _kinds(OLD_KINDS)
