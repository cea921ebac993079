"""The lifecycle of a committee session, declared as data: planned → convened → held →
minutes_published. ``apply_session_transition`` is the only code that changes its state."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role, User
from murporteur.committee.models import CommitteeSession, SessionEvent
from murporteur.core.lifecycle import (Lifecycle, LifecycleState, LifecycleTransition,
                                       TransitionRefused, table)

SESSION_STATES = table(
    LifecycleState,
    ("planned", _l("En préparation"), "blue"),
    ("convened", _l("Convoqué"), "purple"),
    ("held", _l("Tenu"), "orange"),
    ("minutes_published", _l("Compte rendu publié"), "green"),
)

SESSION_TRANSITIONS = table(
    LifecycleTransition,
    ("convene", frozenset({"planned"}), "convened", _l("Envoyer les convocations")),
    ("hold", frozenset({"convened"}), "held", _l("Marquer comme tenu")),
    ("publish_minutes", frozenset({"held"}), "minutes_published",
     _l("Publier le compte rendu")),
)

#: Sessions whose agenda is still open: a dossier may be on one of them at most.
OPEN_STATES = frozenset({"planned", "convened", "held"})

SessionTransitionRefused = TransitionRefused

LIFECYCLE = Lifecycle(
    noun=_l("la séance"), states=SESSION_STATES, transitions=SESSION_TRANSITIONS,
    may=lambda _session, _t, actor: actor is not None and actor.role == Role.ANIMATOR,
    history=lambda session, **row: SessionEvent(session_id=session.id, **row),
    signal=signals.session_transitioned)


def ensure_session_transition(session: CommitteeSession, name: str, actor: User):
    """The transition ``name`` if ``actor`` may apply it to ``session`` now; raises otherwise."""
    return LIFECYCLE.ensure(session, name, actor)


def apply_session_transition(session: CommitteeSession, name: str, actor: User,
                             comment: str = "") -> SessionEvent:
    """Move ``session`` along ``name`` (animators only), write its history, announce it."""
    return LIFECYCLE.apply(session, name, actor, comment)
