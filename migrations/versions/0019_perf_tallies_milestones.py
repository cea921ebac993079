"""Tab counts kept by triggers, dossier milestones, audit entries chained afterwards
(issue 16)

Revision ID: 0019_perf
Revises: 0018_uxh
Create Date: 2026-12-01 15:00:00

"""
import sqlalchemy as sa
from alembic import op

from murporteur.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0019_perf'
down_revision = '0018_uxh'
branch_labels = None
depends_on = None

#: The same statements as ``submissions.tallies`` (kept here as they were at this revision).
FILL_TALLY = (
    "INSERT INTO dossier_tally (state, assignee_key, count) "
    "SELECT state, COALESCE(assigned_to_id, 0), COUNT(*) FROM dossier "
    "WHERE state <> 'draft' GROUP BY state, COALESCE(assigned_to_id, 0)")
FILL_MILESTONES = (
    "INSERT INTO dossier_milestone (dossier_id, step, reached_at, actor_id) "
    "SELECT dossier_id, to_state, created_at, actor_id FROM ("
    " SELECT dossier_id, to_state, created_at, actor_id, ROW_NUMBER() OVER ("
    "  PARTITION BY dossier_id, to_state ORDER BY created_at, id) AS k FROM dossier_event"
    ") AS firsts WHERE k = 1")

POSTGRESQL_TRIGGERS = [
    """
    CREATE FUNCTION murporteur_dossier_tally() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state <> 'draft' THEN
        UPDATE dossier_tally SET count = count - 1
         WHERE state = OLD.state AND assignee_key = COALESCE(OLD.assigned_to_id, 0);
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state <> 'draft' THEN
        INSERT INTO dossier_tally (state, assignee_key, count)
        VALUES (NEW.state, COALESCE(NEW.assigned_to_id, 0), 1)
        ON CONFLICT (state, assignee_key) DO UPDATE SET count = dossier_tally.count + 1;
      END IF;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER dossier_tally_insert_delete AFTER INSERT OR DELETE ON dossier "
    "FOR EACH ROW EXECUTE FUNCTION murporteur_dossier_tally()",
    "CREATE TRIGGER dossier_tally_update AFTER UPDATE OF state, assigned_to_id ON dossier "
    "FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state "
    "OR OLD.assigned_to_id IS DISTINCT FROM NEW.assigned_to_id) "
    "EXECUTE FUNCTION murporteur_dossier_tally()",
]

_SQLITE_ADD = """
  INSERT OR IGNORE INTO dossier_tally (state, assignee_key, count)
    SELECT NEW.state, COALESCE(NEW.assigned_to_id, 0), 0 WHERE NEW.state <> 'draft';
  UPDATE dossier_tally SET count = count + 1 WHERE NEW.state <> 'draft'
    AND state = NEW.state AND assignee_key = COALESCE(NEW.assigned_to_id, 0);
"""
_SQLITE_REMOVE = """
  UPDATE dossier_tally SET count = count - 1 WHERE OLD.state <> 'draft'
    AND state = OLD.state AND assignee_key = COALESCE(OLD.assigned_to_id, 0);
"""
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER dossier_tally_insert AFTER INSERT ON dossier BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER dossier_tally_delete AFTER DELETE ON dossier BEGIN {_SQLITE_REMOVE} END",
    "CREATE TRIGGER dossier_tally_update AFTER UPDATE OF state, assigned_to_id ON dossier "
    "WHEN OLD.state IS NOT NEW.state OR OLD.assigned_to_id IS NOT NEW.assigned_to_id "
    f"BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
]


def upgrade():
    op.create_table('dossier_tally',
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('assignee_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('state', 'assignee_key', name=op.f('pk_dossier_tally'))
    )
    op.create_table('dossier_milestone',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('reached_at', UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'],
                            name=op.f('fk_dossier_milestone_actor_id_user_account')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'],
                            name=op.f('fk_dossier_milestone_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('dossier_id', 'step', name=op.f('pk_dossier_milestone'))
    )
    op.create_index('ix_dossier_milestone_step_reached', 'dossier_milestone',
                    ['step', 'reached_at'], unique=False)
    triggers = (POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == "postgresql"
                else SQLITE_TRIGGERS)
    for statement in triggers:
        op.execute(statement)
    op.execute(FILL_TALLY)
    op.execute(FILL_MILESTONES)
    # The audit chain is linked after the commit (audit.services.chain_pending): an entry
    # waits a moment unchained, and its place in the chain is its chain_seq.
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
        batch_op.alter_column('prev_digest', existing_type=sa.String(length=64),
                              nullable=True)
        batch_op.alter_column('digest', existing_type=sa.String(length=64), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entry_chain_seq'),
                                          ['chain_seq'])
    # The entries so far were chained in id order.
    op.execute("UPDATE audit_entry SET chain_seq = (SELECT COUNT(*) FROM audit_entry AS e "
               "WHERE e.id <= audit_entry.id)")


def downgrade():
    op.execute("DELETE FROM audit_entry WHERE chain_seq IS NULL")  # never chained
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_entry_chain_seq'), type_='unique')
        batch_op.alter_column('digest', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('prev_digest', existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.drop_column('chain_seq')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER dossier_tally_update ON dossier")
        op.execute("DROP TRIGGER dossier_tally_insert_delete ON dossier")
        op.execute("DROP FUNCTION murporteur_dossier_tally()")
    else:
        for name in ("dossier_tally_insert", "dossier_tally_delete", "dossier_tally_update"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index('ix_dossier_milestone_step_reached', table_name='dossier_milestone')
    op.drop_table('dossier_milestone')
    op.drop_table('dossier_tally')
