"""factory_boy factories: objects in the test's transaction, flushed, never committed."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from murporteur.accounts.models import Organisation, OrganisationKind, Role, User
from murporteur.accounts.services import TEST_HASHER
from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.submissions.choices import LegalForm, PriorityArea, Stage
from murporteur.submissions.models import Dossier

PASSWORD = "correct horse battery"
#: The authenticator secret of the staff the factories make: animators and admins must have a
#: second factor, and ``tests.helpers.second_step`` types the code it gives.
TOTP_SECRET = "JBSWY3DPEHPK3PXPMURPORTEURTESTS2"
_HASH = TEST_HASHER.hash(PASSWORD)  # as the test environment hashes


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Bailleur {n}")
    kind = OrganisationKind.LANDLORD
    active = True


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    role = Role.HOLDER
    password_hash = _HASH
    active = True
    session_version = 1


class StaffFactory(UserFactory):
    """Animators and admins: enrolled with TOTP_SECRET, as their role requires."""

    totp_secret = TOTP_SECRET
    totp_enabled_at = factory.LazyFunction(utcnow)


class AnimatorFactory(StaffFactory):
    role = Role.ANIMATOR


class AdminFactory(StaffFactory):
    role = Role.ADMIN


class MemberFactory(UserFactory):
    role = Role.MEMBER
    organisation = factory.SubFactory(OrganisationFactory)


def designated(member: User) -> User:
    """``member``, made their organisation's authorised signatory (as an admin would)."""
    from murporteur.accounts.models import OrganisationSignatory

    db.session.add(OrganisationSignatory(organisation_id=member.organisation_id, user=member))
    db.session.flush()
    return member


class HolderFactory(UserFactory):
    role = Role.HOLDER
    password_hash = None


class DraftFactory(Base):
    """A draft with every answer given: ready to be submitted."""

    class Meta:
        model = Dossier

    holder = factory.SubFactory(HolderFactory)
    state = "draft"
    contact_name = "Amina Diallo"
    structure_name = "Le Comptoir des Voisins"
    legal_form = LegalForm.SCIC
    phone = "06 12 34 56 78"
    town = "Vaulx-en-Velin"
    title = factory.Sequence(lambda n: f"Café solidaire n°{n}")
    summary = "Un café coopératif au rez-de-chaussée, tenu avec les habitants."
    need = "Aucun lieu de rencontre dans le quartier."
    residents = "Les 400 foyers de la résidence."
    neighbourhoods = "Mas du Taureau"
    priority_area = PriorityArea.YES
    stage = Stage.DEVELOPMENT
    support_kinds = factory.LazyFunction(lambda: ["premises"])
    support_details = ""
    consent_at = factory.LazyFunction(lambda: __import__(
        "murporteur.core.db", fromlist=["utcnow"]).utcnow())
    consent_version = "2026-11"


def submitted_dossier(**kwargs) -> Dossier:
    """A dossier sent through the real submission rule (numbered, with its history)."""
    from murporteur.submissions.services import submit_dossier

    dossier = DraftFactory(**kwargs)
    submit_dossier(dossier, dossier.holder)
    return dossier
