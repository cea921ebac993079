"""Indexes the national-scale benchmark justifies (issue 9)

Revision ID: 0008_indexes
Revises: 0007_in_app_notifications
Create Date: 2026-11-24 03:15:00

The plans behind each index are in docs/benchmarks.md.

- ``ix_dossier_event_transition`` (transition, dossier_id, created_at): the reporting funnel
  finds, for each step, the first transition of each dossier into it.
- PostgreSQL only: ``murporteur_unaccent`` (``unaccent`` declared immutable, as an index
  expression must be) and two GIN indexes of the full-text search, on the dossier's text and
  on the holders' e-mail addresses (``triage.dashboard.dossier_document`` and
  ``email_document`` are the same expressions).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_indexes'
down_revision = '0007_in_app_notifications'
branch_labels = None
depends_on = None

# The expressions as PostgreSQL prints them back (the models declare the same text).
DOSSIER_DOCUMENT = (
    "to_tsvector('french'::regconfig, murporteur_unaccent(("
    "((((((COALESCE(title, ''::character varying)::text || ' '::text) "
    "|| COALESCE(summary, ''::text)) || ' '::text) "
    "|| COALESCE(structure_name, ''::character varying)::text) || ' '::text) "
    "|| COALESCE(contact_name, ''::character varying)::text) || ' '::text) "
    "|| COALESCE(number, ''::character varying)::text))")
EMAIL_DOCUMENT = "to_tsvector('french'::regconfig, murporteur_unaccent(email::text))"


def upgrade():
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_event_transition',
                              ['transition', 'dossier_id', 'created_at'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute(
            "CREATE OR REPLACE FUNCTION murporteur_unaccent(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$")
        op.execute(f"CREATE INDEX ix_dossier_search ON dossier USING gin ({DOSSIER_DOCUMENT})")
        op.execute("CREATE INDEX ix_user_account_email_search ON user_account "
                   f"USING gin ({EMAIL_DOCUMENT})")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_user_account_email_search")
        op.execute("DROP INDEX IF EXISTS ix_dossier_search")
        op.execute("DROP FUNCTION IF EXISTS murporteur_unaccent(text)")
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_event_transition')
