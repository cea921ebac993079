"""Background jobs: slow work (minutes, yearly report, convocations) run by a worker (issue 17)

Revision ID: 0025_jobs
Revises: 0024_sign
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

from murporteur.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0025_jobs'
down_revision = '0024_sign'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'background_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('parameters', sa.JSON(), nullable=False),
        sa.Column('subject', sa.String(length=80), nullable=False),
        sa.Column('dedupe_key', sa.String(length=200), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='job_state',
                                   native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('step', sa.String(length=40), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('result_name', sa.String(length=200), nullable=True),
        sa.Column('result_mimetype', sa.String(length=100), nullable=True),
        sa.Column('result_storage', sa.String(length=80), nullable=True),
        sa.Column('result_size', sa.Integer(), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('failure', sa.JSON(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=True),
        sa.Column('heartbeat_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint('progress >= 0 AND progress <= 100',
                           name=op.f('ck_background_job_progress_is_a_percentage')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'],
                                name=op.f('fk_background_job_requested_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_background_job')),
    )
    with op.batch_alter_table('background_job', schema=None) as batch_op:
        for column in ('kind', 'requested_by_id', 'subject', 'state', 'created_at',
                       'finished_at'):
            batch_op.create_index(batch_op.f(f'ix_background_job_{column}'), [column],
                                  unique=False)


def downgrade():
    with op.batch_alter_table('background_job', schema=None) as batch_op:
        for column in ('kind', 'requested_by_id', 'subject', 'state', 'created_at',
                       'finished_at'):
            batch_op.drop_index(batch_op.f(f'ix_background_job_{column}'))
    op.drop_table('background_job')
