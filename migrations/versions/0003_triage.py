"""Triage: assignment, labels, follows, calls, qualification, notes, preferences

Revision ID: 0003_triage
Revises: 0002_directory
Create Date: 2026-11-24 01:19:52.959083

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_triage'
down_revision = '0002_directory'
branch_labels = None
depends_on = None


def upgrade():
    # Accent-insensitive search of the dashboard (a trusted extension: the database owner may
    # create it). SQLite has no such thing and searches without it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    
    op.create_table('label',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('colour', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_label')),
    sa.UniqueConstraint('name', name=op.f('uq_label_name'))
    )
    op.create_table('export_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_export_preference_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_preference')),
    sa.UniqueConstraint('user_id', name=op.f('uq_export_preference_user_id'))
    )
    op.create_table('notification_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('mode', sa.Enum('immediate', 'digest', 'none', name='delivery_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_preference_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preference')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_preference_user_id'))
    )
    with op.batch_alter_table('notification_preference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_preference_user_id'), ['user_id'], unique=False)

    op.create_table('digest_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_digest_item_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_digest_item_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_item'))
    )
    with op.batch_alter_table('digest_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_item_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_digest_item_user_id'), ['user_id'], unique=False)

    op.create_table('dossier_follow',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_follow_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_dossier_follow_user_id_user_account')),
    sa.PrimaryKeyConstraint('dossier_id', 'user_id', name=op.f('pk_dossier_follow'))
    )
    op.create_table('dossier_label',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('label_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_label_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['label_id'], ['label.id'], name=op.f('fk_dossier_label_label_id_label'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', 'label_id', name=op.f('pk_dossier_label'))
    )
    op.create_table('phone_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('animator_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('reached', 'no_answer', 'voicemail', 'wrong_number', name='call_outcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['animator_id'], ['user_account.id'], name=op.f('fk_phone_call_animator_id_user_account')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_phone_call_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_call'))
    )
    with op.batch_alter_table('phone_call', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phone_call_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_phone_call_scheduled_at'), ['scheduled_at'], unique=False)

    op.create_table('private_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_private_note_author_id_user_account')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_private_note_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_private_note'))
    )
    with op.batch_alter_table('private_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_private_note_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('qualification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('emergence', 'development', 'consolidation', 'mature', name='qualification_stage', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('neighbourhoods', sa.Text(), nullable=False),
    sa.Column('priority_area', sa.Enum('yes', 'no', 'unknown', name='qualification_priority_area', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('legal_form', sa.Enum('association', 'scic', 'scop', 'other_company', 'informal_group', name='qualification_legal_form', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('support_kinds', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_qualification_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_qualification_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_qualification_dossier_id'))
    )
    op.create_table('qualification_theme',
    sa.Column('qualification_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.Enum('food', 'housing_energy', 'mobility', 'reuse', 'social_link', 'inclusion', 'early_childhood', 'culture', 'health', 'other', name='theme', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualification.id'], name=op.f('fk_qualification_theme_qualification_id_qualification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('qualification_id', 'theme', name=op.f('pk_qualification_theme'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_call_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('redirect_structure_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_dossier_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_redirect_structure_id'), ['redirect_structure_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dossier_assigned_to_id_user_account'), 'user_account', ['assigned_to_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_dossier_redirect_structure_id_support_structure'), 'support_structure', ['redirect_structure_id'], ['id'])




def downgrade():
    
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossier_redirect_structure_id_support_structure'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_dossier_assigned_to_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dossier_redirect_structure_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_assigned_to_id'))
        batch_op.drop_column('redirect_structure_id')
        batch_op.drop_column('first_call_at')
        batch_op.drop_column('assigned_to_id')
        batch_op.drop_column('state_changed_at')

    op.drop_table('qualification_theme')
    op.drop_table('qualification')
    with op.batch_alter_table('private_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_private_note_dossier_id'))

    op.drop_table('private_note')
    with op.batch_alter_table('phone_call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phone_call_scheduled_at'))
        batch_op.drop_index(batch_op.f('ix_phone_call_dossier_id'))

    op.drop_table('phone_call')
    op.drop_table('dossier_label')
    op.drop_table('dossier_follow')
    with op.batch_alter_table('digest_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_item_user_id'))
        batch_op.drop_index(batch_op.f('ix_digest_item_sent_at'))

    op.drop_table('digest_item')
    with op.batch_alter_table('notification_preference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_preference_user_id'))

    op.drop_table('notification_preference')
    op.drop_table('export_preference')
    op.drop_table('label')

