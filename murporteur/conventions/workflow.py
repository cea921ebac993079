"""The lifecycle of a convention, declared as data: draft → sent_for_signature → signed →
active → completed | terminated. ``apply_convention_transition`` is the only code that changes
its state; the dossier follows (conventioned at the first signature, closed when all are
over)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role, User
from murporteur.conventions.models import Convention, ConventionEvent
from murporteur.core.lifecycle import Lifecycle, LifecycleState, LifecycleTransition, table

CONVENTION_STATES = table(
    LifecycleState,
    ("draft", _l("Brouillon"), "grey"),
    ("sent_for_signature", _l("Envoyée pour signature"), "blue"),
    ("signed", _l("Signée"), "purple"),
    ("active", _l("En vigueur"), "green"),
    ("completed", _l("Achevée"), "grey"),
    ("terminated", _l("Résiliée"), "red"),
)

CONVENTION_TRANSITIONS = table(
    LifecycleTransition,
    ("send_for_signature", frozenset({"draft"}), "sent_for_signature",
     _l("Envoyer pour signature")),
    ("sign", frozenset({"sent_for_signature"}), "signed", _l("Marquer comme signée")),
    ("activate", frozenset({"signed"}), "active", _l("Démarrer")),
    ("complete", frozenset({"active"}), "completed", _l("Marquer comme achevée")),
    ("terminate", frozenset({"signed", "active"}), "terminated", _l("Résilier"), True),
)

FINISHED = frozenset({"completed", "terminated"})
#: What a member of the convention's organisation may do; animators may do everything.
MEMBER_TRANSITIONS = frozenset({"sign"})


def _may(convention: Convention, transition, actor: User | None) -> bool:
    if actor is None:
        return True  # the application itself (a date reached)
    if actor.role == Role.ANIMATOR:
        return True
    return (actor.role == Role.MEMBER and transition.name in MEMBER_TRANSITIONS
            and actor.organisation_id == convention.organisation_id)


LIFECYCLE = Lifecycle(
    noun=_l("la convention"), states=CONVENTION_STATES, transitions=CONVENTION_TRANSITIONS,
    may=_may, history=lambda c, **row: ConventionEvent(convention_id=c.id, **row),
    signal=signals.convention_transitioned)


def apply_convention_transition(convention: Convention, name: str, actor: User | None,
                                comment: str = "") -> ConventionEvent:
    return LIFECYCLE.apply(convention, name, actor, comment)
