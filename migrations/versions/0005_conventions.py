"""Conventions: conventions, payments, amendments, history

Revision ID: 0005_conventions
Revises: 0004_committee
Create Date: 2026-11-24 02:00:47.871310

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_conventions'
down_revision = '0004_committee'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('convention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('partnership', 'premises', 'order', 'financing', name='convention_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('committed_cents', sa.BigInteger(), nullable=False),
    sa.Column('in_kind_cents', sa.BigInteger(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('object', sa.Text(), nullable=False),
    sa.Column('signatories', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('signed_document_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('committed_cents >= 0', name=op.f('ck_convention_committed_not_negative')),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_convention_dates_in_order')),
    sa.CheckConstraint('in_kind_cents >= 0', name=op.f('ck_convention_in_kind_not_negative')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_convention_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_convention_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['signed_document_id'], ['document.id'], name=op.f('fk_convention_signed_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convention')),
    sa.UniqueConstraint('dossier_id', 'organisation_id', name=op.f('uq_convention_dossier_id'))
    )
    with op.batch_alter_table('convention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convention_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_convention_end_date'), ['end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_convention_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_convention_signed_at'), ['signed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_convention_state'), ['state'], unique=False)

    op.create_table('amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('old_cents', sa.BigInteger(), nullable=False),
    sa.Column('new_cents', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_amendment_actor_id_user_account')),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_amendment_convention_id_convention')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment'))
    )
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_convention_id'), ['convention_id'], unique=False)

    op.create_table('convention_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('transition', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_convention_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_convention_event_convention_id_convention')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convention_event'))
    )
    with op.batch_alter_table('convention_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convention_event_convention_id'), ['convention_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('planned_date', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('paid_date', sa.Date(), nullable=True),
    sa.Column('paid_amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('reminded_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_overdue_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_payment_amount_positive')),
    sa.CheckConstraint('paid_amount_cents IS NULL OR paid_amount_cents >= 0', name=op.f('ck_payment_paid_not_negative')),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_payment_convention_id_convention')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_convention_id'), ['convention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_planned_date'), ['planned_date'], unique=False)




def downgrade():
    
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_planned_date'))
        batch_op.drop_index(batch_op.f('ix_payment_convention_id'))

    op.drop_table('payment')
    with op.batch_alter_table('convention_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convention_event_convention_id'))

    op.drop_table('convention_event')
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_convention_id'))

    op.drop_table('amendment')
    with op.batch_alter_table('convention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convention_state'))
        batch_op.drop_index(batch_op.f('ix_convention_signed_at'))
        batch_op.drop_index(batch_op.f('ix_convention_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_convention_end_date'))
        batch_op.drop_index(batch_op.f('ix_convention_dossier_id'))

    op.drop_table('convention')

