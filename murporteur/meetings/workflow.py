"""The lifecycle of a flash meeting event, declared as data on the engine of
``core.lifecycle``: preparing (participants, availabilities, wishes) → scheduled (agendas sent)
→ held (follow-ups); cancelled from either of the first two. Animators only."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role
from murporteur.audit import services as audit
from murporteur.core.lifecycle import Lifecycle, State, Transition, by_role


class EventState(enum.StrEnum):
    PREPARING = "preparing"
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


E = EventState

EVENT_STATES: dict[EventState, State] = {
    E.PREPARING: State(_l("En préparation"), "blue"),
    E.SCHEDULED: State(_l("Agendas envoyés"), "purple"),
    E.HELD: State(_l("Tenue"), "green", finished=True),
    E.CANCELLED: State(_l("Annulée"), "grey", finished=True),
}

by_animator = by_role(Role.ANIMATOR)

EVENT_TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("publish", frozenset({E.PREPARING}), E.SCHEDULED, by_animator,
               _l("Envoyer les agendas")),
    Transition("reopen", frozenset({E.SCHEDULED}), E.PREPARING, by_animator,
               _l("Rouvrir les souhaits"), comment_required=True,
               comment_label=_l("pourquoi les souhaits sont rouverts")),
    Transition("hold", frozenset({E.SCHEDULED}), E.HELD, by_animator,
               _l("Marquer comme tenue")),
    Transition("cancel", frozenset({E.PREPARING, E.SCHEDULED}), E.CANCELLED, by_animator,
               _l("Annuler la rencontre"), comment_required=True,
               comment_label=_l("la raison de l'annulation, envoyée aux participants")),
)}

#: Participants may still change their availabilities and wishes.
OPEN_STATES = frozenset({E.PREPARING})
#: The schedule may be changed by hand (each change tells those concerned once published).
ADJUSTABLE_STATES = frozenset({E.PREPARING, E.SCHEDULED})

LIFECYCLE = Lifecycle(
    noun=_l("la rencontre"), states=EVENT_STATES, transitions=EVENT_TRANSITIONS.values(),
    history="events", signal=signals.event_transitioned, journal=audit.record_transition)
