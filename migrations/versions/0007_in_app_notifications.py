"""In-app notifications

Revision ID: 0007_in_app_notifications
Revises: 0006_api_tokens
Create Date: 2026-11-24 02:42:21.031280

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_in_app_notifications'
down_revision = '0006_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('in_app_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_in_app_notification_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_in_app_notification'))
    )
    with op.batch_alter_table('in_app_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_in_app_notification_read_at'), ['read_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_in_app_notification_user_id'), ['user_id'], unique=False)




def downgrade():
    
    with op.batch_alter_table('in_app_notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_in_app_notification_user_id'))
        batch_op.drop_index(batch_op.f('ix_in_app_notification_read_at'))

    op.drop_table('in_app_notification')

