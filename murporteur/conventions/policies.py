"""Who may do what with a convention: the one place for its access rules.

- see a convention (its page, its payments, the API, the exports): the animators; the members
  of its organisation; the holder of its dossier (``may_view_convention``; as a query:
  ``visible_conventions``);
- draft, edit, amend it, schedule and record its payments: the animators
  (``may_manage_convention``, ``may_record_payment``);
- sign it and deposit its signed copy: whoever the lifecycle's ``sign`` step lets through (the
  animators; the organisation's authorised signatory, or whom they delegated the signature
  to): ``may_sign``, written once in ``workflow``;
- sign a generated document in the application: the holder for their part; for an
  organisation's, its authorised signatory (``accounts.signatories``) or the colleague they
  delegated this signature to, never anyone of another organisation (``may_sign_document``);
  delegate it (``may_delegate_signature``), take a delegation back
  (``may_withdraw_delegation``), see the signature's page (``may_view_signature``).

- follow it up: the holder reports (``may_report``) and corrects a report until it is read
  (``may_correct_report``); the animators, and the organisation's members once it is signed,
  set and change its indicators and reporting dates (``may_set_followup``) and mark a
  report as read (``may_acknowledge_report``).

Templates ask ``can("manage_convention", convention)``, ``can("sign_convention", …)``.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from murporteur.accounts.models import Role, User
from murporteur.accounts.policies import signed_in
from murporteur.accounts.signatories import current_signatory, may_sign_for
from murporteur.conventions.models import Convention
from murporteur.conventions.workflow import ENDING_STATES, may_sign
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

_signed_in = signed_in


@permission("view_signature")
def may_view_signature(user: User | None, signature) -> bool:
    """A signature's page: the person asked to sign, whoever delegated it to them, and the
    people of the organisation it signs for (they see who signs; they do not sign). The
    holder's part: the holder alone. Anyone else: as if it did not exist."""
    if not _signed_in(user):
        return False
    if user.id in (signature.signer_id, signature.delegated_by_id):
        return True
    return signature.organisation_id is not None and may_sign_for(user,
                                                                  signature.organisation_id)


@permission("sign_convention_document")
def may_sign_document(user: User | None, signature) -> bool:
    """Who signs: for the holder's part, the holder asked; for an organisation's, its
    authorised signatory, or the colleague they delegated this signature to — a person of
    that organisation, still active, never anyone of another one."""
    if not _signed_in(user) or user.id != signature.signer_id:
        return False
    if signature.organisation_id is None:
        return True
    if not may_sign_for(user, signature.organisation_id):
        return False
    signatory = current_signatory(signature.organisation_id)
    if signatory is None:
        return False
    if signature.delegated_by_id is None:
        return signatory.id == user.id
    return signature.delegated_by_id == signatory.id


@permission("delegate_signature")
def may_delegate_signature(user: User | None, signature) -> bool:
    """The organisation's authorised signatory hands this signature to a colleague (once:
    the delegate does not delegate further)."""
    return (signature.organisation_id is not None and signature.delegated_by_id is None
            and may_sign_document(user, signature))


@permission("withdraw_delegation")
def may_withdraw_delegation(user: User | None, signature) -> bool:
    """Who delegated a signature takes it back (while it is not signed)."""
    return _signed_in(user) and signature.delegated_by_id == user.id


@permission("view_convention_document")
def may_view_document(user: User | None, document) -> bool:
    """A generated document: the animators, its signatories, and whoever may see one of the
    conventions it binds."""
    if user is None or not user.is_authenticated:
        return False
    if any(s.signer_id == user.id for s in document.signatures):
        return True
    return any(may_view_convention(user, c) for c in document.conventions)


# --- The follow-up with the holder (issue 18) ----------------------------------------------

def is_holder(user: User | None, convention: Convention) -> bool:
    return _signed_in(user) and convention.dossier.holder_id == user.id


@permission("report_on_convention")
def may_report(user: User | None, convention: Convention) -> bool:
    """The holder of the convention's dossier reports on it, once it is signed and running."""
    return is_holder(user, convention) and convention.state in ENDING_STATES


@permission("set_followup")
def may_set_followup(user: User | None, convention: Convention | None = None) -> bool:
    """A convention's indicators and reporting dates are set and changed by the animators
    until it is over, and by the members of its organisation once it is signed and running
    (before, they are part of the text the parties sign)."""
    if not _signed_in(user):
        return False
    if user.role == Role.ANIMATOR:
        return True
    return (convention is not None and user.role == Role.MEMBER and user.active
            and user.organisation_id == convention.organisation_id
            and convention.state in ENDING_STATES)


@permission("acknowledge_report")
def may_acknowledge_report(user: User | None, report) -> bool:
    """The animators and the members of the convention's organisation mark a report as read
    (the holder may no longer correct it)."""
    if not _signed_in(user):
        return False
    if user.role == Role.ANIMATOR:
        return True
    return (user.role == Role.MEMBER
            and user.organisation_id == report.reporting_date.convention.organisation_id)


@permission("correct_report")
def may_correct_report(user: User | None, report) -> bool:
    """The holder corrects their report until someone has read it."""
    return (report.acknowledged_at is None
            and may_report(user, report.reporting_date.convention))
