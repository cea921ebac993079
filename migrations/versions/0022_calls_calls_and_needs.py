"""Calls for ideas and needs, their versioned questions and the answers (issue 20)

Revision ID: 0022_calls
Revises: 0021_uxs
Create Date: 2026-12-01 14:57:36.755452

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022_calls'
down_revision = '0021_uxs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('call_for_ideas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('call', 'need', name='call_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state', sa.Enum('draft', 'pending', 'published', 'withdrawn', name='call_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('neighbourhoods', sa.String(length=500), nullable=False),
    sa.Column('qpv', sa.Boolean(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('offers', sa.JSON(), nullable=False),
    sa.Column('envelope_cents', sa.BigInteger(), nullable=True),
    sa.Column('premises', sa.String(length=300), nullable=False),
    sa.Column('premises_unit_id', sa.Integer(), nullable=True),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_call_for_ideas_dates_in_order')),
    sa.CheckConstraint('envelope_cents IS NULL OR envelope_cents >= 0', name=op.f('ck_call_for_ideas_envelope_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_call_for_ideas_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_call_for_ideas_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['session_id'], ['committee_session.id'], name=op.f('fk_call_for_ideas_session_id_committee_session')),
    sa.ForeignKeyConstraint(['premises_unit_id'], ['premises_unit.id'], name=op.f('fk_call_for_ideas_premises_unit_id_premises_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_for_ideas'))
    )
    with op.batch_alter_table('call_for_ideas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_for_ideas_closes_on'), ['closes_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_for_ideas_state'), ['state'], unique=False)

    op.create_table('call_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('transition', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_call_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['call_id'], ['call_for_ideas.id'], name=op.f('fk_call_event_call_id_call_for_ideas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_event'))
    )
    with op.batch_alter_table('call_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_event_call_id'), ['call_id'], unique=False)

    op.create_table('call_organisation',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call_for_ideas.id'], name=op.f('fk_call_organisation_call_id_call_for_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_call_organisation_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('call_id', 'organisation_id', name=op.f('pk_call_organisation'))
    )
    op.create_table('call_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('short_text', 'long_text', 'single', 'multiple', 'number', 'date', 'file', name='question_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('label_fr', sa.String(length=300), nullable=False),
    sa.Column('label_en', sa.String(length=300), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call_for_ideas.id'], name=op.f('fk_call_question_call_id_call_for_ideas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_question')),
    sa.UniqueConstraint('call_id', 'key', 'version', name=op.f('uq_call_question_call_id'))
    )
    with op.batch_alter_table('call_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_question_call_id'), ['call_id'], unique=False)

    op.create_table('call_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call_for_ideas.id'], name=op.f('fk_call_response_call_id_call_for_ideas')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_call_response_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_response')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_call_response_dossier_id'))
    )
    with op.batch_alter_table('call_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_response_call_id'), ['call_id'], unique=False)

    op.create_table('call_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_call_answer_document_id_document')),
    sa.ForeignKeyConstraint(['question_id'], ['call_question.id'], name=op.f('fk_call_answer_question_id_call_question')),
    sa.ForeignKeyConstraint(['response_id'], ['call_response.id'], name=op.f('fk_call_answer_response_id_call_response')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_answer')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_call_answer_response_id'))
    )
    with op.batch_alter_table('call_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_answer_response_id'), ['response_id'], unique=False)



def downgrade():
    with op.batch_alter_table('call_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_answer_response_id'))
        batch_op.drop_index(batch_op.f('ix_call_answer_question_id'))

    op.drop_table('call_answer')
    with op.batch_alter_table('call_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_response_call_id'))

    op.drop_table('call_response')
    with op.batch_alter_table('call_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_question_call_id'))

    op.drop_table('call_question')
    op.drop_table('call_organisation')
    with op.batch_alter_table('call_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_event_call_id'))

    op.drop_table('call_event')
    with op.batch_alter_table('call_for_ideas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_for_ideas_state'))
        batch_op.drop_index(batch_op.f('ix_call_for_ideas_closes_on'))

    op.drop_table('call_for_ideas')
