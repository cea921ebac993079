"""The lifecycle of a convention, declared as data on the engine of ``core.lifecycle``:
draft → sent_for_signature → signed → active → completed | terminated. The dossier follows
(conventioned at the first signature, closed when all are over: ``services.transition``)."""

from __future__ import annotations

import enum

from blinker import Namespace
from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role
from murporteur.accounts.signatories import is_signatory, may_sign_for
from murporteur.audit import services as audit
from murporteur.core.lifecycle import Lifecycle, State, Transition, by_role, by_system, either


class ConventionState(enum.StrEnum):
    DRAFT = "draft"
    SENT_FOR_SIGNATURE = "sent_for_signature"
    SIGNED = "signed"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"


S = ConventionState

CONVENTION_STATES: dict[ConventionState, State] = {
    S.DRAFT: State(_l("Brouillon"), "grey"),
    S.SENT_FOR_SIGNATURE: State(_l("Envoyée pour signature"), "blue"),
    S.SIGNED: State(_l("Signée"), "purple"),
    S.ACTIVE: State(_l("En vigueur"), "green"),
    S.COMPLETED: State(_l("Achevée"), "grey", finished=True),
    S.TERMINATED: State(_l("Résiliée"), "red", finished=True),
}

FINISHED = frozenset(s for s, state in CONVENTION_STATES.items() if state.finished)
#: Signed, whatever happened since: amounts then change only by an amendment.
SIGNED_STATES = frozenset({S.SIGNED, S.ACTIVE, S.COMPLETED, S.TERMINATED})
#: The conventions whose end is announced: those running (an unsigned one has no term yet).
ENDING_STATES = frozenset({S.SIGNED, S.ACTIVE})


def by_signatory(actor, convention) -> bool:
    """Who signs the convention for its organisation: the organisation's authorised
    signatory, or the colleague they delegated the signature of its document to (while that
    document awaits signatures). Another member of the organisation does not."""
    if actor is None or not may_sign_for(actor, convention.organisation_id):
        return False
    if is_signatory(actor, convention.organisation_id):
        return True
    return any(s.signer_id == actor.id and s.delegated_by_id is not None and s.is_pending
               and s.organisation_id == convention.organisation_id
               for d in getattr(convention, "documents", []) if d.is_open
               for s in d.signatures)


#: The animators do every step; the application too (a date reached).
by_staff = either(by_role(Role.ANIMATOR), by_system)

CONVENTION_TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("send_for_signature", frozenset({S.DRAFT}), S.SENT_FOR_SIGNATURE, by_staff,
               _l("Envoyer pour signature")),
    # A document changed after sending: back to the draft, its pending signatures cancelled.
    Transition("withdraw", frozenset({S.SENT_FOR_SIGNATURE}), S.DRAFT, by_staff,
               _l("Retirer de la signature")),
    Transition("sign", frozenset({S.SENT_FOR_SIGNATURE}), S.SIGNED,
               either(by_staff, by_signatory), _l("Marquer comme signée")),
    Transition("activate", frozenset({S.SIGNED}), S.ACTIVE, by_staff, _l("Démarrer")),
    Transition("complete", frozenset({S.ACTIVE}), S.COMPLETED, by_staff,
               _l("Marquer comme achevée")),
    Transition("terminate", frozenset({S.SIGNED, S.ACTIVE}), S.TERMINATED, by_staff,
               _l("Résilier"), comment_required=True),
)}

LIFECYCLE = Lifecycle(
    noun=_l("la convention"), states=CONVENTION_STATES,
    transitions=CONVENTION_TRANSITIONS.values(), history="events",
    signal=signals.convention_transitioned, journal=audit.record_transition)


def may_sign(user, convention) -> bool:
    """Whether ``user`` may sign ``convention`` (and so deposit its signed copy): asked of
    the ``sign`` transition, so that it is written once."""
    return LIFECYCLE.may(convention, "sign", user)


# --- One party's electronic signature of a generated document (issue 18) ------------------

class SignatureState(enum.StrEnum):
    PENDING = "pending"
    SIGNED = "signed"
    CANCELLED = "cancelled"


SIGNATURE_STATES: dict[SignatureState, State] = {
    SignatureState.PENDING: State(_l("En attente"), "blue"),
    SignatureState.SIGNED: State(_l("Signé"), "green", finished=True),
    SignatureState.CANCELLED: State(_l("Annulée"), "grey", finished=True),
}

#: Sent when a signature moves (the conventions' own receivers listen).
signature_transitioned = Namespace().signal("signature-transitioned")


def by_signer(actor, signature) -> bool:
    """The person asked to sign (or whom they delegated to), and nobody else."""
    return actor is not None and actor.id == signature.signer_id


SIGNATURE_LIFECYCLE = Lifecycle(
    noun=_l("la signature"), states=SIGNATURE_STATES, transitions=(
        Transition("sign", frozenset({SignatureState.PENDING}), SignatureState.SIGNED,
                   by_signer, _l("Signer")),
        Transition("cancel", frozenset({SignatureState.PENDING}), SignatureState.CANCELLED,
                   by_staff, _l("Annuler"), comment_required=True),
    ), history="events", signal=signature_transitioned, journal=audit.record_transition)


# --- A holder's request for a scheduled payment (issue 18, follow-up) ----------------------

class PaymentRequestState(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"


PAYMENT_REQUEST_STATES: dict[PaymentRequestState, State] = {
    PaymentRequestState.REQUESTED: State(_l("Demandé"), "blue"),
    PaymentRequestState.APPROVED: State(_l("Approuvé"), "green", finished=True),
    PaymentRequestState.REFUSED: State(_l("Refusé"), "red", finished=True),
}

#: Sent when a payment request moves.
payment_request_transitioned = Namespace().signal("payment-request-transitioned")


def by_organisation_member(actor, request) -> bool:
    """A member of the organisation whose convention the requested payment belongs to."""
    return (actor is not None and actor.role == Role.MEMBER
            and actor.organisation_id == request.convention.organisation_id)


#: The organisation's members decide on a payment request; the animators too.
by_decider = either(by_role(Role.ANIMATOR), by_organisation_member)

PAYMENT_REQUEST_LIFECYCLE = Lifecycle(
    noun=_l("la demande de versement"), states=PAYMENT_REQUEST_STATES, transitions=(
        Transition("approve", frozenset({PaymentRequestState.REQUESTED}),
                   PaymentRequestState.APPROVED, by_decider, _l("Approuver"),
                   comment_required=True, comment_label=_l("le motif de la décision")),
        Transition("refuse", frozenset({PaymentRequestState.REQUESTED}),
                   PaymentRequestState.REFUSED, by_decider, _l("Refuser"),
                   comment_required=True, comment_label=_l("le motif de la décision")),
    ), history="events", signal=payment_request_transitioned,
    journal=audit.record_transition)
