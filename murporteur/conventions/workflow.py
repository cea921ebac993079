"""The lifecycle of a convention, declared as data on the engine of ``core.lifecycle``:
draft → sent_for_signature → signed → active → completed | terminated. The dossier follows
(conventioned at the first signature, closed when all are over: ``services.transition``)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role
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
    """A member of the convention's organisation: who signs it for the organisation."""
    return (actor is not None and actor.role == Role.MEMBER
            and actor.organisation_id == convention.organisation_id)


#: The animators do every step; the application too (a date reached).
by_staff = either(by_role(Role.ANIMATOR), by_system)

CONVENTION_TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("send_for_signature", frozenset({S.DRAFT}), S.SENT_FOR_SIGNATURE, by_staff,
               _l("Envoyer pour signature")),
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
