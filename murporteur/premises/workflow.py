"""The lifecycle of a unit of premises, declared as data on the engine of ``core.lifecycle``:
available → under discussion (offered in a committee position) → let (its convention signed)
→ available again (the convention ended, or the offer dropped); withdrawn by its landlord at
any time it is not let. A let or withdrawn unit cannot be offered."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role
from murporteur.audit import services as audit
from murporteur.core.lifecycle import Lifecycle, State, Transition, by_system, either


class UnitState(enum.StrEnum):
    AVAILABLE = "available"
    UNDER_DISCUSSION = "under_discussion"
    LET = "let"
    WITHDRAWN = "withdrawn"


S = UnitState

UNIT_STATES: dict[UnitState, State] = {
    S.AVAILABLE: State(_l("Disponible"), "green"),
    S.UNDER_DISCUSSION: State(_l("En discussion"), "blue"),
    S.LET: State(_l("Loué"), "purple"),
    S.WITHDRAWN: State(_l("Retiré"), "grey", finished=True),
}

#: The states in which a unit may be offered to a project (again, for under discussion: a
#: second organisation's position on another item may name it too).
OFFERABLE = frozenset({S.AVAILABLE, S.UNDER_DISCUSSION})


def by_keeper(actor, unit) -> bool:
    """Who keeps the unit: the animators, or a member of the unit's organisation."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.role == Role.ANIMATOR:
        return True
    return actor.role == Role.MEMBER and actor.organisation_id == unit.organisation_id


by_keeper_or_system = either(by_keeper, by_system)

UNIT_TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("offer", frozenset({S.AVAILABLE}), S.UNDER_DISCUSSION, by_keeper_or_system,
               _l("Proposer à un projet")),
    Transition("let", frozenset({S.AVAILABLE, S.UNDER_DISCUSSION}), S.LET, by_keeper_or_system,
               _l("Marquer comme loué")),
    Transition("release", frozenset({S.UNDER_DISCUSSION, S.LET}), S.AVAILABLE,
               by_keeper_or_system, _l("Rendre disponible")),
    Transition("withdraw", frozenset({S.AVAILABLE, S.UNDER_DISCUSSION}), S.WITHDRAWN,
               by_keeper, _l("Retirer du catalogue")),
    Transition("restore", frozenset({S.WITHDRAWN}), S.AVAILABLE, by_keeper,
               _l("Remettre au catalogue")),
)}

#: The moves a keeper takes by hand on the unit's page (the others follow the committee and
#: the conventions).
MANUAL = ("withdraw", "restore", "release")

LIFECYCLE = Lifecycle(
    noun=_l("le local"), states=UNIT_STATES, transitions=UNIT_TRANSITIONS.values(),
    history="events", signal=signals.premises_transitioned, journal=audit.record_transition)
