"""Documents' visibility: every document has a kind and an owner (issue 13, finding 1)

A signed convention was stored as an ordinary document of its dossier, so every member who
could see the dossier could download another organisation's convention. Each document now
says whose it is; the rows already there are classified:

- attached to a message: ``message``;
- the signed copy a convention points to: ``convention``, of that convention and its
  organisation;
- an earlier signed copy (replaced since) uploaded by a member of an organisation that has a
  convention on the dossier: ``convention``, of that convention;
- any other file of a dossier uploaded by a member, an animator or an admin who is not the
  holder (a replaced signed copy whose convention cannot be told): ``staff``, seen by the
  animators only — closed rather than open;
- everything else (the holder's files, staged ones): ``holder``.

Revision ID: 0012_docs_document_visibility
Revises: 0011_life_state_checks
Create Date: 2026-12-01 12:00:00

"""

import sqlalchemy as sa
from alembic import op

from murporteur.core.migrating import rebuilding_on_sqlite

# revision identifiers, used by Alembic.
revision = '0012_docs_document_visibility'
down_revision = '0011_life_state_checks'
branch_labels = None
depends_on = None


KINDS = ('holder', 'message', 'convention', 'staff')

# The convention of a member's earlier upload: their organisation's on the same dossier.
MEMBERS_CONVENTION = (
    "SELECT c.id FROM convention c JOIN user_account u ON u.organisation_id = c.organisation_id "
    "WHERE u.id = document.uploaded_by_id AND u.role = 'member' "
    "AND c.dossier_id = document.dossier_id")
UPLOADED_BY_SOMEONE_ELSE = (
    "document.kind = 'holder' AND document.message_id IS NULL "
    "AND document.dossier_id IS NOT NULL AND document.uploaded_by_id IS NOT NULL "
    "AND document.uploaded_by_id <> (SELECT d.holder_id FROM dossier d "
    "WHERE d.id = document.dossier_id)")


def _classify():
    op.execute("UPDATE document SET kind = 'message' WHERE message_id IS NOT NULL")
    op.execute(
        "UPDATE document SET kind = 'convention', "
        "convention_id = (SELECT MIN(c.id) FROM convention c "
        "WHERE c.signed_document_id = document.id) "
        "WHERE id IN (SELECT signed_document_id FROM convention "
        "WHERE signed_document_id IS NOT NULL)")
    op.execute(
        f"UPDATE document SET kind = 'convention', "
        f"convention_id = ({MEMBERS_CONVENTION}) "
        f"WHERE {UPLOADED_BY_SOMEONE_ELSE} AND EXISTS ({MEMBERS_CONVENTION})")
    op.execute(
        f"UPDATE document SET kind = 'staff' WHERE {UPLOADED_BY_SOMEONE_ELSE} "
        f"AND (SELECT u.role FROM user_account u WHERE u.id = document.uploaded_by_id) "
        f"IN ('member', 'animator', 'admin')")
    op.execute(
        "UPDATE document SET organisation_id = (SELECT c.organisation_id FROM convention c "
        "WHERE c.id = document.convention_id) WHERE kind = 'convention'")


def _rebuilding_document():
    return rebuilding_on_sqlite(op.get_bind(), 'document')


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), server_default='holder',
                                      nullable=False))
        batch_op.add_column(sa.Column('convention_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))

    _classify()

    with _rebuilding_document(), op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_document_document_kind'),
                                         sa.column('kind').in_(KINDS))
        batch_op.create_check_constraint(
            op.f('ck_document_convention_has_owner'),
            "kind <> 'convention' OR (convention_id IS NOT NULL AND organisation_id IS NOT NULL)")
        batch_op.create_index(batch_op.f('ix_document_convention_id'), ['convention_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_document_organisation_id'), ['organisation_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_document_convention_id_convention'),
                                    'convention', ['convention_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_document_organisation_id_organisation'),
                                    'organisation', ['organisation_id'], ['id'])


def downgrade():
    with _rebuilding_document(), op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_organisation_id_organisation'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_document_convention_id_convention'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_document_convention_id'))
        batch_op.drop_constraint(op.f('ck_document_convention_has_owner'), type_='check')
        batch_op.drop_constraint(op.f('ck_document_document_kind'), type_='check')
        batch_op.drop_column('organisation_id')
        batch_op.drop_column('convention_id')
        batch_op.drop_column('kind')
