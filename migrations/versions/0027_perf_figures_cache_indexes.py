"""The version of the reporting's data (its figures cached in Redis by it), and indexes for
the dashboard's deep pages and filters (issue 16)

Revision ID: 0027_perf
Revises: 0026_calls
Create Date: 2026-12-01 19:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027_perf'
down_revision = '0026_calls'
branch_labels = None
depends_on = None

#: As ``reporting.models`` says them at this revision.
WATCHED_TABLES = ("dossier", "dossier_milestone", "qualification", "qualification_theme",
                  "committee_session", "agenda_item", "item_supporter", "convention",
                  "payment", "organisation")
SLOTS = 8

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION murporteur_figures_changed() RETURNS trigger AS $$
BEGIN
  -- Before the statement's rows (and their own triggers, the dossier tally's): a writer
  -- takes its slot first, always, so that two writers never wait for each other in turn.
  UPDATE figures_version SET token = md5(random()::text || clock_timestamp()::text)
   WHERE slot = txid_current() % {SLOTS};
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def _sqlite_triggers(table):
    for operation in ("INSERT", "UPDATE", "DELETE"):
        yield (f"CREATE TRIGGER figures_changed_{table}_{operation.lower()} AFTER {operation} "
               f"ON {table} BEGIN UPDATE figures_version SET token = lower(hex(randomblob(16))) "
               f"WHERE slot = 0; END")


def upgrade():
    op.create_table('figures_version',
    sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('slot', name=op.f('pk_figures_version'))
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    # Random from the start: a database migrated again never meets the keys of an earlier one.
    token = ("md5(random()::text || clock_timestamp()::text)" if postgresql
             else "lower(hex(randomblob(16)))")
    for slot in range(SLOTS if postgresql else 1):
        op.execute(f"INSERT INTO figures_version (slot, token) VALUES ({slot}, {token})")
    if postgresql:
        op.execute(POSTGRESQL_FUNCTION)
        for table in WATCHED_TABLES:
            op.execute(f"CREATE TRIGGER figures_changed BEFORE INSERT OR UPDATE OR DELETE OR "
                       f"TRUNCATE ON {table} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION murporteur_figures_changed()")
    else:
        for table in WATCHED_TABLES:
            for statement in _sqlite_triggers(table):
                op.execute(statement)
    # The staff lists among the holders; the dashboard's default order (its deep pages).
    op.create_index(op.f('ix_user_account_role'), 'user_account', ['role'], unique=False)
    if postgresql:
        op.execute("CREATE INDEX ix_dossier_submitted_keyset ON dossier "
                   "(submitted_at DESC NULLS LAST, id DESC)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_dossier_submitted_keyset")
    op.drop_index(op.f('ix_user_account_role'), table_name='user_account')
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED_TABLES:
            op.execute(f"DROP TRIGGER figures_changed ON {table}")
        op.execute("DROP FUNCTION murporteur_figures_changed()")
    else:
        for table in WATCHED_TABLES:
            for operation in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER figures_changed_{table}_{operation}")
    op.drop_table('figures_version')
