"""The collective's settings and reference lists, edited on screen (issue 15)

The settings page stores what the admin saves (collective_setting), the words of each consent
version (consent_wording); themes, kinds of support and kinds of structure become editable
lists (reference_entry) seeded with the values used so far, keys unchanged: the columns that
store those keys lose their CHECK (a new entry is a row, not a migration). Labels gain their
English words and an archive.

Revision ID: 0014_col
Revises: 0013_acct_second_factor
Create Date: 2026-12-01 15:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from murporteur.core.db import UTCDateTime
from murporteur.core.migrating import rebuilding_on_sqlite

# revision identifiers, used by Alembic.
revision = '0014_col'
down_revision = '0013_acct_second_factor'
branch_labels = None
depends_on = None

SEED = {
    'theme': [
        ('food', 'Alimentation', 'Food'),
        ('housing_energy', 'Habitat et énergie', 'Housing and energy'),
        ('mobility', 'Mobilité', 'Mobility'),
        ('reuse', 'Réemploi et économie circulaire', 'Reuse and circular economy'),
        ('social_link', 'Lien social et citoyenneté', 'Social ties and citizenship'),
        ('inclusion', 'Insertion et emploi', 'Employment and inclusion'),
        ('early_childhood', 'Petite enfance', 'Early childhood'),
        ('culture', 'Culture', 'Culture'),
        ('health', 'Santé', 'Health'),
        ('other', 'Autre', 'Other'),
    ],
    'support_kind': [
        ('order', "Une commande d'un bailleur", 'A contract from a landlord'),
        ('premises', "Un local d'activité (par exemple un rez-de-chaussée)",
         'Business premises (for example a ground-floor unit)'),
        ('financing', 'Un financement', 'Funding'),
        ('introductions', 'Une mise en relation avec les équipes ou les locataires',
         'An introduction to staff or tenants'),
        ('pilot', 'Une expérimentation sur une partie du parc',
         'A pilot on part of the housing stock'),
        ('other', 'Autre', 'Other'),
    ],
    'structure_kind': [
        ('incubator', 'Incubateur', 'Incubator'),
        ('solidarity_finance', 'Finance solidaire', 'Solidarity finance'),
        ('cooperative_union', 'Union de coopératives', 'Cooperative union'),
        ('local_ess_network', "Réseau local de l'ESS",
         'Local social and solidarity economy network'),
        ('land_access', 'Accès au foncier', 'Access to land'),
        ('womens_entrepreneurship', 'Entrepreneuriat des femmes', "Women's entrepreneurship"),
        ('activity_cooperative', "Coopérative d'activité et d'emploi",
         'Business and employment cooperative'),
        ('other', 'Autre', 'Other'),
    ],
}
CONSENT = ('2026-11', ("J'accepte que les informations de ce formulaire soient traitées par "
                       "le collectif Mur porteur pour étudier mon idée."))
#: The key columns that lose their CHECK: (table, column, CHECK name, values allowed before).
KEY_COLUMNS = [
    ('support_structure', 'kind', 'ck_support_structure_structure_kind',
     [k for k, _fr, _en in SEED['structure_kind']]),
    ('qualification_theme', 'theme', 'ck_qualification_theme_theme',
     [k for k, _fr, _en in SEED['theme']]),
]


def upgrade():
    op.create_table('collective_setting',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_collective_setting'))
    )
    consent = op.create_table('consent_wording',
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_consent_wording'))
    )
    entries = op.create_table('reference_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=30), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('label_fr', sa.String(length=200), nullable=False),
    sa.Column('label_en', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('archived_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_entry')),
    sa.UniqueConstraint('list_name', 'key', name=op.f('uq_reference_entry_list_key'))
    )
    now = datetime.now(UTC)
    op.bulk_insert(entries, [
        {'list_name': list_name, 'key': key, 'label_fr': fr, 'label_en': en,
         'position': 10 * (i + 1), 'archived_at': None, 'created_at': now}
        for list_name, rows in SEED.items() for i, (key, fr, en) in enumerate(rows)])
    op.bulk_insert(consent, [{'version': CONSENT[0], 'text': CONSENT[1], 'created_at': now}])

    with op.batch_alter_table('label', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=60), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('archived_at', UTCDateTime(), nullable=True))

    bind = op.get_bind()
    for table, _column, check, _values in KEY_COLUMNS:
        with rebuilding_on_sqlite(bind, table), \
                op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(check), type_='check')


def downgrade():
    bind = op.get_bind()
    for table, column, check, values in KEY_COLUMNS:
        # Rows holding a key added since cannot go back under the old CHECK.
        op.execute(sa.text(f"UPDATE {table} SET {column} = 'other' "
                           f"WHERE {column} NOT IN ({', '.join(repr(v) for v in values)})"))
        with rebuilding_on_sqlite(bind, table), \
                op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(check), sa.column(column).in_(values))
    with op.batch_alter_table('label', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
        batch_op.drop_column('name_en')
    op.drop_table('reference_entry')
    op.drop_table('consent_wording')
    op.drop_table('collective_setting')
