"""The lifecycle of a call or a need, on the engine of ``core.lifecycle``.

An animator publishes at once (draft → published); a member writes for their organisation
and asks for approval (draft → pending), which an animator grants (→ published) or sends
back (→ draft, with a reason). Whether a published call takes answers is its dates' business
(``Call.is_open``), not a state: it closes by itself.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role
from murporteur.audit import services as audit
from murporteur.core.lifecycle import Lifecycle, State, Transition, by_role, either


class CallState(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


S = CallState

CALL_STATES: dict[CallState, State] = {
    S.DRAFT: State(_l("Brouillon"), "grey"),
    S.PENDING: State(_l("En attente d'approbation"), "orange"),
    S.PUBLISHED: State(_l("Publié"), "green"),
    S.WITHDRAWN: State(_l("Retiré"), "red", finished=True),
}


def by_author_organisation(actor, call) -> bool:
    """A member of the organisation the call was written for."""
    return (actor is not None and getattr(actor, "role", None) == Role.MEMBER
            and call.organisation_id is not None
            and actor.organisation_id == call.organisation_id)


by_animator = by_role(Role.ANIMATOR)

CALL_TRANSITIONS = (
    Transition("ask_approval", frozenset({S.DRAFT}), S.PENDING,
               either(by_author_organisation, by_animator), _l("Demander l'approbation")),
    Transition("publish", frozenset({S.DRAFT, S.PENDING}), S.PUBLISHED, by_animator,
               _l("Publier")),
    Transition("send_back", frozenset({S.PENDING}), S.DRAFT, by_animator,
               _l("Renvoyer pour modification"), comment_required=True,
               comment_label=_l("ce qui est à modifier")),
    Transition("withdraw", frozenset({S.PUBLISHED}), S.WITHDRAWN, by_animator,
               _l("Retirer"), comment_required=True,
               comment_label=_l("la raison du retrait")),
)

LIFECYCLE = Lifecycle(
    noun=_l("l'appel"), states=CALL_STATES, transitions=CALL_TRANSITIONS, history="events",
    signal=signals.call_transitioned, journal=audit.record_transition, stamp="state_changed_at")
