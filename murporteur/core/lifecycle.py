"""One lifecycle engine for every object with states: a dossier, a committee session, a
convention, and the coming ones.

A domain's ``workflow.py`` declares its states as a ``StrEnum``, the words and colour of each,
and a table of transitions: the states each starts from, the state it leads to, who may take
it (one ``may(actor, obj)`` callable) and whether it must carry a comment. The model stores
its state in an enum column with a CHECK constraint (``core.db.str_enum``) and names its
lifecycle (``lifecycle = LIFECYCLE``). ``apply_transition`` is then the only code that changes
a state: it checks the table, moves the object, writes the history row, has the move written
to the audit trail and sends the domain's signal — all in the caller's transaction (it
flushes, never commits), so that a rollback forgets all of it.

This module knows no domain: roles, history tables and signals are given to it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from blinker import Signal
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db

#: Who may take a transition: ``may(actor, obj)``, the actor being a user, or None when the
#: application acts on its own (a date reached, a committee's decision published).
May = Callable[[Any, Any], bool]

#: The ``StrEnum`` of one kind of object's states.
StateT = TypeVar("StateT", bound=enum.StrEnum)


def by_system(actor, _obj) -> bool:
    """The application itself."""
    return actor is None


def by_role(*roles) -> May:
    """A user holding one of ``roles`` (account roles, given by the domain)."""
    return lambda actor, _obj: actor is not None and actor.role in roles


def either(*rules: May) -> May:
    """Whoever one of ``rules`` lets through."""
    return lambda actor, obj: any(rule(actor, obj) for rule in rules)


class TransitionRefused(DomainError):
    """The object is not in a state the transition starts from, or its comment is missing."""


@dataclass(frozen=True)
class State:
    """What people read of a state. A domain may describe its states with a richer class:
    the engine only needs a ``label``."""

    label: object
    colour: str
    finished: bool = False


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    may: May
    label: object
    comment_required: bool = False
    #: What the comment is, when it is required (shown at the field, and in the refusal).
    comment_label: object = None


@dataclass(frozen=True)
class Lifecycle(Generic[StateT]):
    """The states and transitions of one kind of object, and what a move writes.

    ``history`` names the model's relationship the history rows are appended to (its class
    mixes ``core.db.TransitionRecord`` in); ``journal(actor, obj, event)`` writes the audit
    entry; ``signal`` is sent with ``event`` and ``actor``; ``stamp``, when given, is the
    column set to the instant of each move; ``milestone(obj, event)``, when given, notes
    the first time the object reaches a state (what reporting counts), with the history row.
    """

    noun: object
    states: Mapping[StateT, Any]
    transitions: Iterable[Transition]
    history: str
    signal: Signal
    journal: Callable[[Any, Any, Any], object]
    stamp: str | None = None
    milestone: Callable[[Any, Any], object] | None = None
    table: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        undescribed = set(type(next(iter(self.states)))) - set(self.states)
        if undescribed:
            raise ValueError(f"states without a description: {undescribed}")
        table = {t.name: t for t in self.transitions}
        for t in table.values():
            unknown = (t.sources | {t.target}) - set(self.states)
            if unknown:
                raise ValueError(f"transition {t.name!r} names unknown states {unknown}")
        object.__setattr__(self, "table", table)

    def may(self, obj, name: str, actor) -> bool:
        """Whether ``actor`` is among those who may take ``name`` (whatever the state)."""
        return self.table[name].may(actor, obj)

    def available(self, obj, actor) -> list[Transition]:
        """What ``actor`` may do to ``obj`` now, in the table's order."""
        return [t for t in self.table.values() if obj.state in t.sources and t.may(actor, obj)]

    def ensure(self, obj, name: str, actor) -> Transition:
        """The transition ``name`` if ``actor`` may take it on ``obj`` now; raises otherwise."""
        transition = self.table.get(name)
        if transition is None:
            raise TransitionRefused(_l("Vous ne pouvez pas faire cette action."))
        if not transition.may(actor, obj):
            raise AccessDenied(_l("Vous ne pouvez pas faire cette action."))
        if obj.state not in transition.sources:
            raise TransitionRefused(_l(
                "Ce n'est plus possible : %(noun)s est à l'état « %(state)s ».",
                noun=self.noun, state=self.states[obj.state].label))
        return transition


def lifecycle_of(obj) -> Lifecycle[Any]:
    """The lifecycle the model of ``obj`` declares (its ``lifecycle`` attribute)."""
    return type(obj).lifecycle


def ensure_transition(obj, name: str, actor) -> Transition:
    """Check, without moving, that ``actor`` may take ``name`` on ``obj`` now."""
    return lifecycle_of(obj).ensure(obj, name, actor)


def available_transitions(obj, actor) -> list[Transition]:
    return lifecycle_of(obj).available(obj, actor)


def apply_transition(obj, name: str, actor, comment: str = "", *,
                     at: datetime | None = None):
    """Move ``obj`` along the transition ``name``, write its history and announce it.

    Returns the history row. Flushes, never commits: the row, the audit entry and whatever
    the signal's receivers queue (notifications) belong to the caller's transaction.
    """
    lifecycle = lifecycle_of(obj)
    transition = lifecycle.ensure(obj, name, actor)
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise TransitionRefused(
            _l("Ce message est obligatoire : %(what)s.", what=transition.comment_label)
            if transition.comment_label else _l("Un commentaire est nécessaire pour cette étape."))
    relation = inspect(type(obj)).relationships[lifecycle.history]
    event = relation.mapper.class_(
        actor=actor, transition=name, from_state=str(obj.state), to_state=str(transition.target),
        comment=comment, created_at=at or utcnow())
    obj.state = transition.target
    if lifecycle.stamp:
        setattr(obj, lifecycle.stamp, event.created_at)
    if lifecycle.history in inspect(obj).unloaded and relation.back_populates:
        # Linked from the row's side: the history is not loaded only to be appended to.
        setattr(event, relation.back_populates, obj)
    else:
        getattr(obj, lifecycle.history).append(event)
    db.session.add(event)
    db.session.flush()
    if lifecycle.milestone is not None:
        lifecycle.milestone(obj, event)
    lifecycle.journal(actor, obj, event)
    lifecycle.signal.send(obj, event=event, actor=actor)
    return event
