"""Who signs an organisation's conventions: its « signataire habilité·e ».

An admin or an animator designates one person among the organisation's active people (its
committee members; for the collective's animating organisation, its animators too): one
designation per organisation, a new one replaces the former. A convention goes out for
signature only to an organisation that has one (``conventions.signatures``), and the
designated person may then hand a given signature to a colleague (a delegation, kept on the
signature). A designation whose person was deactivated or moved to another organisation since
counts as none. Every change goes to the audit trail, and ``signals.signatory_designated``
lets the conventions move their pending signatures to the new signatory.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur import signals
from murporteur.accounts.models import Organisation, OrganisationSignatory, Role, User
from murporteur.audit.services import record
from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.extensions import db

#: Who may be designated: the people of the organisation who sign for it.
ELIGIBLE_ROLES = frozenset({Role.MEMBER, Role.ANIMATOR})


class SignatoryRefused(DomainError):
    """A designation was refused (someone of another organisation, deactivated…)."""


def may_sign_for(user: User | None, organisation_id: int | None) -> bool:
    """Whether ``user`` is one of the people who may sign for the organisation (its active
    members): the designated signatory is one of them, and so is whom they delegate to."""
    return (user is not None and organisation_id is not None and bool(user.active)
            and user.role in ELIGIBLE_ROLES and user.organisation_id == organisation_id)


def candidates(organisation: Organisation) -> list[User]:
    """The people who may be designated, by name."""
    return list(db.session.scalars(select(User).where(
        User.organisation_id == organisation.id, User.active.is_(True),
        User.role.in_(ELIGIBLE_ROLES)).order_by(User.full_name, User.email)))


def designation_of(organisation_id: int) -> OrganisationSignatory | None:
    return db.session.get(OrganisationSignatory, organisation_id)


def current_signatory(organisation_id: int | None) -> User | None:
    """The organisation's designated signatory, if the designation still holds (the person
    active and still of the organisation)."""
    if organisation_id is None:
        return None
    designation = designation_of(organisation_id)
    if designation is None or not may_sign_for(designation.user, organisation_id):
        return None
    return designation.user


def is_signatory(user: User | None, organisation_id: int | None) -> bool:
    signatory = current_signatory(organisation_id)
    return signatory is not None and user is not None and signatory.id == user.id


def designate(actor: User, organisation: Organisation, person: User) -> OrganisationSignatory:
    """Make ``person`` the organisation's signatory (replacing the former one)."""
    if not may_sign_for(person, organisation.id):
        raise SignatoryRefused(_l("Choisissez une personne active de « %(name)s ».",
                                  name=organisation.name), field="person")
    designation = designation_of(organisation.id)
    previous = current_signatory(organisation.id)
    if designation is not None and designation.user_id == person.id and previous is not None:
        raise SignatoryRefused(_l("%(name)s est déjà signataire habilité·e.",
                                  name=person.display_name), field="person")
    if designation is None:
        designation = OrganisationSignatory(organisation=organisation)
        db.session.add(designation)
    designation.user = person
    designation.designated_by = actor
    designation.designated_at = utcnow()
    db.session.flush()
    record(actor, "organisation.signatory_designated", organisation,
           {"user_id": person.id, "previous_id": previous.id if previous else None})
    signals.signatory_designated.send(organisation, signatory=person, previous=previous,
                                      actor=actor)
    return designation


def withdraw_designation(actor: User, organisation: Organisation) -> None:
    """The organisation has no signatory any more: nothing of it goes out for signature
    until someone is designated."""
    designation = designation_of(organisation.id)
    if designation is None:
        raise SignatoryRefused(_l("« %(name)s » n'a pas de signataire habilité·e.",
                                  name=organisation.name))
    previous = designation.user
    db.session.delete(designation)
    db.session.flush()
    record(actor, "organisation.signatory_withdrawn", organisation, {"user_id": previous.id})
    signals.signatory_designated.send(organisation, signatory=None, previous=previous,
                                      actor=actor)
