"""Migration 0011 gives the documents already there the kind and owner they should have had:
a signed convention (and an earlier signed copy a member replaced) becomes its convention's,
a file of the thread a message's, a file of the team whose convention cannot be told the
team's, and the holder's files stay the holder's."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from murporteur.accounts.models import Organisation, OrganisationKind, Role, User
from murporteur.conventions.models import Convention, ConventionKind
from murporteur.extensions import db
from murporteur.submissions.models import Document, Dossier, Message
from tests.conftest import database_of_its_own

BEFORE = "0011_life_state_checks"


def _user(email, role, organisation=None):
    return User(email=email, full_name=email, role=role, organisation=organisation,
                active=True, session_version=1)


def _document(name, dossier, uploader, **owner):
    return Document(original_name=name, storage_name=name, content_type="application/pdf",
                    size=1, sha256="0" * 64, dossier=dossier, uploaded_by_id=uploader.id,
                    **owner)


def _fill():
    """Rows as the app wrote them before documents had a kind: every file an ordinary one."""
    lyon = Organisation(name="Lyon Métropole Habitat", kind=OrganisationKind.LANDLORD)
    est = Organisation(name="Est Métropole Habitat", kind=OrganisationKind.LANDLORD)
    holder = _user("porteur@example.org", Role.HOLDER)
    member = _user("lyon@example.org", Role.MEMBER, lyon)
    animator = _user("animation@example.org", Role.ANIMATOR)
    dossier = Dossier(holder=holder, state="conventioned", title="Café")
    db.session.add_all([lyon, est, holder, member, animator, dossier])
    db.session.flush()
    conventions = {o.name: Convention(dossier=dossier, organisation=o, state="signed",
                                      kind=ConventionKind.FINANCING)
                   for o in (lyon, est)}
    db.session.add_all(conventions.values())
    message = Message(dossier=dossier, author=animator, body="Le devis")
    db.session.add(message)
    db.session.flush()
    rows = {
        "budget": _document("budget", dossier, holder),
        "devis": _document("devis", dossier, animator, message=message),
        "signed": _document("signed", dossier, member),
        "replaced": _document("replaced", dossier, member),
        "by_animator": _document("by_animator", dossier, animator),
        "staged": Document(original_name="staged", storage_name="staged",
                           content_type="application/pdf", size=1, sha256="0" * 64,
                           staging_key="k"),
    }
    db.session.add_all(rows.values())
    db.session.flush()
    conventions[lyon.name].signed_document = rows["signed"]
    db.session.commit()
    return {"lyon": conventions[lyon.name].id, "lyon_org": lyon.id}


def test_existing_documents_are_classified(tmp_path):
    with database_of_its_own(tmp_path, "murporteur_documents_migration") as app, \
            app.app_context():
        upgrade()
        ids = _fill()
        db.session.remove()
        downgrade(revision=BEFORE)  # as the rows were: no kind, no owner
        upgrade()
        found = {row.original_name: (row.kind, row.convention_id, row.organisation_id)
                 for row in db.session.execute(text(
                     "SELECT original_name, kind, convention_id, organisation_id "
                     "FROM document"))}
        if db.engine.dialect.name == "sqlite":  # switched off for the rebuild only
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        db.session.remove()
    convention = ("convention", ids["lyon"], ids["lyon_org"])
    assert found == {
        "budget": ("holder", None, None),
        "devis": ("message", None, None),
        "signed": convention,
        "replaced": convention,
        "by_animator": ("staff", None, None),
        "staged": ("holder", None, None),
    }
