"""Foundation: accounts, dossiers, documents, messages, outbox

Revision ID: 0001_foundation
Revises: 
Create Date: 2026-11-24 01:02:39.171949

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001_foundation'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('dossier_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_dossier_counter'))
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('landlord', 'partner', 'animator', name='organisation_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_name'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('role', sa.Enum('holder', 'animator', 'member', 'admin', name='user_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_user_account_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('structure_name', sa.String(length=200), nullable=False),
    sa.Column('legal_form', sa.Enum('association', 'scic', 'scop', 'other_company', 'informal_group', name='legal_form', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('town', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('need', sa.Text(), nullable=False),
    sa.Column('residents', sa.Text(), nullable=False),
    sa.Column('neighbourhoods', sa.Text(), nullable=False),
    sa.Column('priority_area', sa.Enum('yes', 'no', 'unknown', name='priority_area', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('stage', sa.Enum('emergence', 'development', 'consolidation', 'mature', name='project_stage', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('support_kinds', sa.JSON(), nullable=False),
    sa.Column('financing_amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('support_details', sa.Text(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_version', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('financing_amount_cents IS NULL OR financing_amount_cents >= 0', name=op.f('ck_dossier_financing_amount_not_negative')),
    sa.ForeignKeyConstraint(['holder_id'], ['user_account.id'], name=op.f('fk_dossier_holder_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier')),
    sa.UniqueConstraint('number', name=op.f('uq_dossier_number')),
    sa.UniqueConstraint('public_id', name=op.f('uq_dossier_public_id'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('access_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('login', 'resume_draft', name='token_purpose', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('secret_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_access_token_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_access_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_token')),
    sa.UniqueConstraint('secret_digest', name=op.f('uq_access_token_secret_digest'))
    )
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_token_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_token_user_id'), ['user_id'], unique=False)

    op.create_table('dossier_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('transition', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_dossier_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_event_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_event'))
    )
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_event_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_message_author_id_user_account')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_message_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('recipient_email', sa.String(length=254), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'sending', 'sent', 'failed', name='outbox_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('transport', sa.String(length=10), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('text_body', sa.Text(), nullable=True),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sending_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_outbox_message_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'], name=op.f('fk_outbox_message_recipient_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_message_idempotency_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_state'), ['state'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('staging_key', sa.String(length=64), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_document_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_document_message_id_message')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_document_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('public_id', name=op.f('uq_document_public_id')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_document_storage_name'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_staging_key'), ['staging_key'], unique=False)




def downgrade():
    
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_staging_key'))
        batch_op.drop_index(batch_op.f('ix_document_message_id'))
        batch_op.drop_index(batch_op.f('ix_document_dossier_id'))

    op.drop_table('document')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_state'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_key'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_created_at'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_dossier_id'))

    op.drop_table('message')
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_event_dossier_id'))

    op.drop_table('dossier_event')
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_access_token_dossier_id'))

    op.drop_table('access_token')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_dossier_state'))
        batch_op.drop_index(batch_op.f('ix_dossier_holder_id'))

    op.drop_table('dossier')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_organisation_id'))

    op.drop_table('user_account')
    op.drop_table('organisation')
    op.drop_table('dossier_counter')

