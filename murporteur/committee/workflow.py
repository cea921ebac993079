"""The lifecycle of a committee session, declared as data on the engine of
``core.lifecycle``: planned → convened → held → minutes_published (animators only)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role
from murporteur.audit import services as audit
from murporteur.core.lifecycle import Lifecycle, State, Transition, by_role


class SessionState(enum.StrEnum):
    PLANNED = "planned"
    CONVENED = "convened"
    HELD = "held"
    MINUTES_PUBLISHED = "minutes_published"


S = SessionState

SESSION_STATES: dict[SessionState, State] = {
    S.PLANNED: State(_l("En préparation"), "blue"),
    S.CONVENED: State(_l("Convoqué"), "purple"),
    S.HELD: State(_l("Tenu"), "orange"),
    S.MINUTES_PUBLISHED: State(_l("Compte rendu publié"), "green"),
}

by_animator = by_role(Role.ANIMATOR)

SESSION_TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("convene", frozenset({S.PLANNED}), S.CONVENED, by_animator,
               _l("Envoyer les convocations")),
    Transition("hold", frozenset({S.CONVENED}), S.HELD, by_animator, _l("Marquer comme tenu")),
    Transition("publish_minutes", frozenset({S.HELD}), S.MINUTES_PUBLISHED, by_animator,
               _l("Publier le compte rendu")),
)}

#: Sessions whose agenda is still open: a dossier may be on one of them at most.
OPEN_STATES = frozenset({S.PLANNED, S.CONVENED, S.HELD})
#: Sessions still to come: members see them first.
UPCOMING_STATES = frozenset({S.PLANNED, S.CONVENED})
#: Sessions that took place (the reports count them).
HELD_STATES = frozenset({S.HELD, S.MINUTES_PUBLISHED})
#: Sessions whose decisions may be recorded (from the convocation until the minutes).
DECIDING_STATES = frozenset({S.CONVENED, S.HELD})

LIFECYCLE = Lifecycle(
    noun=_l("la séance"), states=SESSION_STATES, transitions=SESSION_TRANSITIONS.values(),
    history="events", signal=signals.session_transitioned, journal=audit.record_transition)
