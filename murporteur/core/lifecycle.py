"""A lifecycle declared as data, for objects other than the dossier (committee sessions,
conventions): states with the words people read, transitions with who may take them, and one
function that checks, moves, writes the history row and announces it in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from blinker import Signal
from flask_babel import lazy_gettext as _l

from murporteur.audit import services as audit
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db


@dataclass(frozen=True)
class LifecycleState:
    name: str
    label: object
    colour: str


@dataclass(frozen=True)
class LifecycleTransition:
    name: str
    sources: frozenset[str]
    target: str
    label: object
    comment_required: bool = False


class TransitionRefused(DomainError):
    """The object is not in a state the transition starts from, or its comment is missing."""


@dataclass
class Lifecycle:
    """``may(obj, transition, actor)`` says who may act; ``history(obj, **row)`` builds the
    history row; ``signal`` is sent with ``event`` and ``actor`` after the move."""

    noun: object
    states: dict[str, LifecycleState]
    transitions: dict[str, LifecycleTransition]
    may: Callable[[object, LifecycleTransition, object], bool]
    history: Callable[..., object]
    signal: Signal

    def ensure(self, obj, name: str, actor) -> LifecycleTransition:
        transition = self.transitions[name]
        if not self.may(obj, transition, actor):
            raise AccessDenied(_l("Vous ne pouvez pas faire cette action."))
        if obj.state not in transition.sources:
            raise TransitionRefused(_l(
                "Ce n'est plus possible : %(noun)s est à l'état « %(state)s ».",
                noun=self.noun, state=self.states[obj.state].label))
        return transition

    def available(self, obj, actor) -> list[LifecycleTransition]:
        return [t for t in self.transitions.values()
                if obj.state in t.sources and self.may(obj, t, actor)]

    def apply(self, obj, name: str, actor, comment: str = ""):
        transition = self.ensure(obj, name, actor)
        comment = (comment or "").strip()
        if transition.comment_required and not comment:
            raise TransitionRefused(_l("Un commentaire est nécessaire pour cette étape."))
        event = self.history(obj, actor=actor, transition=name, from_state=obj.state,
                             to_state=transition.target, comment=comment)
        obj.state = transition.target
        db.session.add(event)
        db.session.flush()
        audit.record(actor, f"{obj.__tablename__}.{name}", obj, {
            "event_id": event.id, "from": event.from_state, "to": event.to_state,
            "comment_sha256": audit.text_digest(comment)})
        self.signal.send(obj, event=event, actor=actor)
        return event


def table(cls, *rows) -> dict:
    """``{row.name: row}`` for rows built from tuples of ``cls``'s fields."""
    built = [cls(*row) if not isinstance(row, cls) else row for row in rows]
    return {row.name: row for row in built}
