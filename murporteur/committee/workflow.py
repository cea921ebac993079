"""The lifecycle of a committee session, declared as data: planned → convened → held →
minutes_published. ``apply_session_transition`` is the only code that changes its state."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role, User
from murporteur.committee.models import CommitteeSession, SessionEvent
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db


@dataclass(frozen=True)
class SessionState:
    name: str
    label: object
    colour: str


@dataclass(frozen=True)
class SessionTransition:
    name: str
    sources: frozenset[str]
    target: str
    label: object


SESSION_STATES = {s.name: s for s in (
    SessionState("planned", _l("En préparation"), "blue"),
    SessionState("convened", _l("Convoqué"), "purple"),
    SessionState("held", _l("Tenu"), "orange"),
    SessionState("minutes_published", _l("Compte rendu publié"), "green"),
)}

SESSION_TRANSITIONS = {t.name: t for t in (
    SessionTransition("convene", frozenset({"planned"}), "convened",
                      _l("Envoyer les convocations")),
    SessionTransition("hold", frozenset({"convened"}), "held", _l("Marquer comme tenu")),
    SessionTransition("publish_minutes", frozenset({"held"}), "minutes_published",
                      _l("Publier le compte rendu")),
)}

#: Sessions whose agenda is still open: a dossier may be on one of them at most.
OPEN_STATES = frozenset({"planned", "convened", "held"})


class SessionTransitionRefused(DomainError):
    """The session is not in a state this step starts from."""


def ensure_session_transition(session: CommitteeSession, name: str,
                              actor: User) -> SessionTransition:
    """The transition ``name`` if ``actor`` may apply it to ``session`` now; raises otherwise."""
    transition = SESSION_TRANSITIONS[name]
    if actor is None or actor.role != Role.ANIMATOR:
        raise AccessDenied(_l("Réservé à l'équipe d'animation."))
    if session.state not in transition.sources:
        raise SessionTransitionRefused(_l(
            "Ce n'est plus possible : la séance est à l'état « %(state)s ».",
            state=SESSION_STATES[session.state].label))
    return transition


def apply_session_transition(session: CommitteeSession, name: str, actor: User,
                             comment: str = "") -> SessionEvent:
    """Move ``session`` along ``name`` (animators only), write its history, announce it."""
    transition = ensure_session_transition(session, name, actor)
    event = SessionEvent(session_id=session.id, actor=actor, transition=name,
                         from_state=session.state, to_state=transition.target,
                         comment=(comment or "").strip())
    session.state = transition.target
    db.session.add(event)
    db.session.flush()
    signals.session_transitioned.send(session, event=event, actor=actor)
    return event
