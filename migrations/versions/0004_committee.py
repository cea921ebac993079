"""Committee: sessions, agenda, positions, decisions, attendance, proxies

Revision ID: 0004_committee
Revises: 0003_triage
Create Date: 2026-11-24 01:34:25.697954

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_committee'
down_revision = '0003_triage'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('committee_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('video_link', sa.String(length=500), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('positions_open_early', sa.Boolean(), nullable=False),
    sa.Column('minutes_storage_name', sa.String(length=64), nullable=True),
    sa.Column('minutes_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('slot_minutes BETWEEN 5 AND 180', name=op.f('ck_committee_session_slot_minutes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_session'))
    )
    with op.batch_alter_table('committee_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_session_quarter'), ['quarter'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_session_state'), ['state'], unique=False)

    op.create_table('session_invitation',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_session_invitation_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['session_id'], ['committee_session.id'], name=op.f('fk_session_invitation_session_id_committee_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'organisation_id', name=op.f('pk_session_invitation'))
    )
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('present', 'excused', 'represented', name='attendance_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['committee_session.id'], name=op.f('fk_attendance_session_id_committee_session')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_attendance_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_attendance_session_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('committee_session_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('transition', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_committee_session_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['session_id'], ['committee_session.id'], name=op.f('fk_committee_session_event_session_id_committee_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_session_event'))
    )
    with op.batch_alter_table('committee_session_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_session_event_session_id'), ['session_id'], unique=False)

    op.create_table('proxy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['giver_id'], ['user_account.id'], name=op.f('fk_proxy_giver_id_user_account')),
    sa.ForeignKeyConstraint(['receiver_id'], ['user_account.id'], name=op.f('fk_proxy_receiver_id_user_account')),
    sa.ForeignKeyConstraint(['session_id'], ['committee_session.id'], name=op.f('fk_proxy_session_id_committee_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proxy')),
    sa.UniqueConstraint('session_id', 'giver_id', name=op.f('uq_proxy_session_id'))
    )
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proxy_session_id'), ['session_id'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('supported', 'postponed', 'not_supported', name='item_decision', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('decision_comment', sa.Text(), nullable=False),
    sa.Column('decision_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_agenda_item_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['session_id'], ['committee_session.id'], name=op.f('fk_agenda_item_session_id_committee_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item')),
    sa.UniqueConstraint('session_id', 'dossier_id', name=op.f('uq_agenda_item_session_id'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_item_session_id'), ['session_id'], unique=False)

    op.create_table('item_supporter',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_item_supporter_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_item_supporter_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('item_id', 'organisation_id', name=op.f('pk_item_supporter'))
    )
    op.create_table('position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.Enum('supports', 'wants_to_meet', 'not_concerned', 'abstains', name='stance', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('offer_kinds', sa.JSON(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cents IS NULL OR amount_cents >= 0', name=op.f('ck_position_amount_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_position_item_id_agenda_item')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_position_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_position_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_position')),
    sa.UniqueConstraint('item_id', 'organisation_id', name=op.f('uq_position_item_id'))
    )
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_position_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_position_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('position_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.Enum('supports', 'wants_to_meet', 'not_concerned', 'abstains', name='change_stance', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('offer_kinds', sa.JSON(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'], name=op.f('fk_position_change_changed_by_id_user_account')),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], name=op.f('fk_position_change_position_id_position')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_position_change'))
    )
    with op.batch_alter_table('position_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_position_change_position_id'), ['position_id'], unique=False)




def downgrade():
    
    with op.batch_alter_table('position_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_position_change_position_id'))

    op.drop_table('position_change')
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_position_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_position_item_id'))

    op.drop_table('position')
    op.drop_table('item_supporter')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_session_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_item_dossier_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proxy_session_id'))

    op.drop_table('proxy')
    with op.batch_alter_table('committee_session_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_session_event_session_id'))

    op.drop_table('committee_session_event')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_session_id'))

    op.drop_table('attendance')
    op.drop_table('session_invitation')
    with op.batch_alter_table('committee_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_session_state'))
        batch_op.drop_index(batch_op.f('ix_committee_session_quarter'))

    op.drop_table('committee_session')

