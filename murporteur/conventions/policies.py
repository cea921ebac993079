"""Who may do what with a convention: the one place for its access rules.

- see a convention (its page, its payments, the API, the exports): the animators; the members
  of its organisation; the holder of its dossier (``may_view_convention``; as a query:
  ``visible_conventions``);
- draft, edit, amend it, schedule and record its payments: the animators
  (``may_manage_convention``, ``may_record_payment``);
- sign it and deposit its signed copy: whoever the lifecycle's ``sign`` step lets through (the
  animators, the members of its organisation): ``may_sign``, written once in ``workflow``.

Templates ask ``can("manage_convention", convention)``, ``can("sign_convention", …)``.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from murporteur.accounts.models import Role, User
from murporteur.conventions.models import Convention
from murporteur.conventions.workflow import may_sign
from murporteur.core.policy import permission
from murporteur.submissions.models import Dossier

__all__ = ["may_manage_convention", "may_record_payment", "may_sign", "may_view_convention",
           "visible_conventions"]


@permission("view_convention")
def may_view_convention(user: User | None, convention: Convention) -> bool:
    """Animators see every convention; a member, their organisation's; a holder, theirs."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.ANIMATOR:
        return True
    if user.role == Role.MEMBER:
        return user.organisation_id == convention.organisation_id
    return convention.dossier.holder_id == user.id


def visible_conventions(user: User | None) -> Select:
    """The conventions ``user`` may see, as a query: the SQL twin of
    ``may_view_convention``."""
    query = select(Convention)
    if user is None or not user.is_authenticated:
        return query.where(false())
    if user.role == Role.ANIMATOR:
        return query
    if user.role == Role.MEMBER:
        if user.organisation_id is None:
            return query.where(false())
        return query.where(Convention.organisation_id == user.organisation_id)
    return query.where(Convention.dossier_id.in_(
        select(Dossier.id).where(Dossier.holder_id == user.id)))


def may_manage_convention(user: User | None, _convention: Convention | None = None) -> bool:
    """The animators draft, edit and amend the conventions."""
    return user is not None and user.is_authenticated and user.role == Role.ANIMATOR


def may_record_payment(user: User | None, convention: Convention | None = None) -> bool:
    """The animators keep the schedule of payments and note what was paid."""
    return may_manage_convention(user, convention)


# Registered apart, so that the functions keep their optional object for Python callers.
permission("manage_convention")(may_manage_convention)
permission("record_payment")(may_record_payment)


# Signing (and depositing the signed copy) is the lifecycle's ``sign`` rule: named here, written
# once in ``workflow``.
permission("sign_convention")(may_sign)


# --- Generated documents and electronic signatures (issue 18) ----------------------------

@permission("sign_convention_document")
def may_sign_document(user: User | None, signature) -> bool:
    """Only the person asked to sign (or whom they delegated to) sees and uses the signature
    page: a member signs only for their organisation, the holder only for their project."""
    return user is not None and user.is_authenticated and user.id == signature.signer_id


@permission("view_convention_document")
def may_view_document(user: User | None, document) -> bool:
    """A generated document: the animators, its signatories, and whoever may see one of the
    conventions it binds."""
    if user is None or not user.is_authenticated:
        return False
    if any(s.signer_id == user.id for s in document.signatures):
        return True
    return any(may_view_convention(user, c) for c in document.conventions)
