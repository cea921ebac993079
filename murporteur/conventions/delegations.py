"""Delegating one signature of a convention's document (issue 18).

An organisation's authorised signatory (``accounts.signatories``) may hand the signature of a
given document to another active person of the same organisation: the delegation is recorded
(who, to whom, when), the delegate is told (``convention_signature_delegated``) and signs in
their place. While the signature is not given, the signatory may take it back: the delegate
is told (``convention_signature_delegation_withdrawn``), the signature is theirs again. When
the organisation's signatory changes, its pending signatures go to the new one.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur import signals
from murporteur.accounts.models import Organisation, User
from murporteur.accounts.signatories import may_sign_for
from murporteur.audit import services as audit
from murporteur.conventions.policies import may_delegate_signature, may_withdraw_delegation
from murporteur.conventions.signatures import require_pending, tell
from murporteur.conventions.signing_models import ConventionDocument, Signature, SignatureDelegation
from murporteur.conventions.workflow import SignatureState
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db


def _hand(signature: Signature, to: User, delegated_by: User | None) -> None:
    signature.signer_id, signature.signer = to.id, to
    signature.delegated_by_id = delegated_by.id if delegated_by else None
    signature.delegated_by = delegated_by
    # A code asked by the former signatory stops working.
    signature.code_digest = signature.code_expires_at = None
    signature.code_attempts = 0


def delegate(signature: Signature, actor: User, to: User) -> SignatureDelegation:
    """``actor`` (the organisation's signatory, asked to sign) hands the signature to ``to``,
    another active person of the same organisation."""
    if not may_delegate_signature(actor, signature):
        raise AccessDenied(_l("Seul·e le ou la signataire habilité·e de l'organisation délègue "
                              "sa signature, une fois."))
    require_pending(signature)
    if to.id == actor.id or not may_sign_for(to, signature.organisation_id):
        raise DomainError(_l("La délégation va à une autre personne active de la même "
                             "organisation."), field="member")
    delegation = SignatureDelegation(signature=signature, delegated_by=actor, delegate=to,
                                     created_at=utcnow())
    db.session.add(delegation)
    _hand(signature, to, actor)
    db.session.flush()
    audit.record(actor, "convention_signature.delegate", signature,
                 {"to": to.id, "delegation_id": delegation.id})
    tell(signature, "convention_signature_delegated", delegated_by=actor.display_name)
    return delegation


def withdraw(signature: Signature, actor: User) -> None:
    """Who delegated takes the signature back, while it is not given; the delegate is told."""
    if not may_withdraw_delegation(actor, signature):
        raise AccessDenied(_l("Seule la personne qui a délégué la signature la reprend."))
    require_pending(signature)
    _end(signature, actor)
    _hand(signature, actor, None)
    db.session.flush()
    audit.record(actor, "convention_signature.delegation_withdrawn", signature, {})


def _end(signature: Signature, actor: User | None) -> None:
    """Close the delegation in force (if any) and tell its delegate they no longer sign."""
    delegation = signature.delegation
    if delegation is None:
        return
    delegation.withdrawn_at, delegation.withdrawn_by = utcnow(), actor
    tell(signature, "convention_signature_delegation_withdrawn", to=delegation.delegate,
         delegated_by=delegation.delegated_by.display_name)


@signals.signatory_designated.connect
def _to_the_new_signatory(organisation: Organisation, signatory: User | None,
                          previous: User | None, actor: User, **_) -> None:
    """The organisation's signatory changed: its signatures still awaited go to the new one
    (a delegation by the former ends), who is asked to sign. Without a new one, they wait:
    nobody may give them until someone is designated."""
    if signatory is None:
        return
    pending = db.session.scalars(
        select(Signature).join(ConventionDocument).where(
            Signature.organisation_id == organisation.id,
            Signature.state == SignatureState.PENDING,
            ConventionDocument.cancelled_at.is_(None), ConventionDocument.sealed_at.is_(None))
        .order_by(Signature.id))
    for signature in pending:
        if signature.signer_id == signatory.id and signature.delegated_by_id is None:
            continue
        _end(signature, actor)
        _hand(signature, signatory, None)
        db.session.flush()
        audit.record(actor, "convention_signature.reassigned", signature,
                     {"to": signatory.id, "previous": previous.id if previous else None})
        tell(signature, "convention_signature_requested")
