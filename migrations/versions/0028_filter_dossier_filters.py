"""What the dashboard's filters read, kept on the dossier with its indexes (issue 16)

Revision ID: 0028_filter
Revises: 0027_perf
Create Date: 2026-12-02 10:00:00

The stage and priority-area filters read the qualification's answer, else the holder's, and the
theme filter the qualification's themes: through a join, no index could serve them, and a
filtered view read every dossier. ``effective_stage``, ``effective_priority_area`` and
``qualified_themes`` keep them on the dossier (``triage.models.keep_filtered_answers`` writes
them at each flush that changes them), each with its index: a filtered view combines the
indexes of its filters (a bitmap AND on PostgreSQL) and reads only the dossiers that match.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028_filter'
down_revision = '0027_perf'
branch_labels = None
depends_on = None

#: The qualification of each dossier, its themes sorted (as ``keep_filtered_answers`` does).
_QUALIFIED = "SELECT {column} FROM qualification q WHERE q.dossier_id = dossier.id"
_THEMES = ("SELECT t.theme FROM qualification_theme t JOIN qualification q "
           "ON q.id = t.qualification_id WHERE q.dossier_id = dossier.id")
FILL = {
    "postgresql": (
        "UPDATE dossier SET "
        f"effective_stage = COALESCE(({_QUALIFIED.format(column='q.stage')}), stage), "
        "effective_priority_area = COALESCE(("
        f"{_QUALIFIED.format(column='q.priority_area')}), priority_area), "
        f"qualified_themes = ARRAY({_THEMES} ORDER BY t.theme)"),
    "sqlite": (
        "UPDATE dossier SET "
        f"effective_stage = COALESCE(({_QUALIFIED.format(column='q.stage')}), stage), "
        "effective_priority_area = COALESCE(("
        f"{_QUALIFIED.format(column='q.priority_area')}), priority_area), "
        f"qualified_themes = (SELECT json_group_array(theme) FROM ({_THEMES} "
        "ORDER BY t.theme))"),
}


#: The dossier table keeps its triggers (the tab counts', the figures' version): on SQLite the
#: columns are added in place (ALTER TABLE), never by batch mode's copy of the table.
STAGES = "'emergence', 'development', 'consolidation', 'mature'"
AREAS = "'yes', 'no', 'unknown'"
COLUMNS = [
    ("effective_stage VARCHAR(32) CONSTRAINT ck_dossier_effective_stage "
     f"CHECK (effective_stage IN ({STAGES}))"),
    ("effective_priority_area VARCHAR(32) CONSTRAINT ck_dossier_effective_priority_area "
     f"CHECK (effective_priority_area IN ({AREAS}))"),
]
THEMES = {"postgresql": "qualified_themes VARCHAR(32)[] NOT NULL DEFAULT '{}'",
          "sqlite": "qualified_themes JSON NOT NULL DEFAULT '[]'"}


def upgrade():
    dialect = op.get_bind().dialect.name
    for column in [*COLUMNS, THEMES[dialect]]:
        op.execute(f"ALTER TABLE dossier ADD COLUMN {column}")
    op.execute(FILL[dialect])
    if dialect == "postgresql":  # as the model (SQLite cannot drop a default in place)
        op.execute("ALTER TABLE dossier ALTER COLUMN qualified_themes DROP DEFAULT")
    op.create_index(op.f('ix_dossier_effective_stage'), 'dossier', ['effective_stage'],
                    unique=False)
    op.create_index(op.f('ix_dossier_effective_priority_area'), 'dossier',
                    ['effective_priority_area'], unique=False)
    # A GIN index of the array on PostgreSQL; on SQLite a plain one, which the filter does
    # not read (there it looks into the JSON), so that both engines hold the model's indexes.
    op.execute("CREATE INDEX ix_dossier_qualified_themes ON dossier "
               + ("USING gin (qualified_themes)" if dialect == "postgresql"
                  else "(qualified_themes)"))


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_dossier_qualified_themes")
    op.drop_index(op.f('ix_dossier_effective_priority_area'), table_name='dossier')
    op.drop_index(op.f('ix_dossier_effective_stage'), table_name='dossier')
    for column in ("qualified_themes", "effective_priority_area", "effective_stage"):
        op.execute(f"ALTER TABLE dossier DROP COLUMN {column}")
