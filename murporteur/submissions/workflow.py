"""The dossier lifecycle, declared as data, and the one function that moves a dossier.

Every state has the word the holder reads, the word the animators read and a colour; every
transition says from which states it starts, where it leads, who may trigger it and whether it
must carry a comment (a motivation, a question). ``apply_transition`` is the only code that
changes ``Dossier.state``: it checks the table, writes the history row and emits the signal
on which notifications are queued — all in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.audit import services as audit
from murporteur.accounts.models import Role, User
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db
from murporteur.submissions.models import Dossier, DossierEvent

#: The holder of the dossier itself (an object-level role, not an account role).
HOLDER = "dossier_holder"
#: The application acting on its own (a signed convention, a committee being published).
SYSTEM = "system"


@dataclass(frozen=True)
class State:
    name: str
    holder_label: object
    staff_label: object
    colour: str
    finished: bool = False


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    label: object
    comment_required: bool = False
    comment_label: object = None


def _state(name, holder_label, staff_label, colour, finished=False):
    return name, State(name, holder_label, staff_label, colour, finished)


STATES: dict[str, State] = dict([
    _state("draft", _l("Brouillon"), _l("Brouillon"), "grey"),
    _state("submitted", _l("Envoyé, en attente d'un premier appel"), _l("À qualifier"), "blue"),
    _state("qualifying", _l("En cours d'étude"), _l("En qualification"), "blue"),
    _state("needs_info", _l("Informations demandées"), _l("En attente du porteur"), "orange"),
    _state("retained", _l("Retenu pour un comité"), _l("Retenu"), "green"),
    _state("on_agenda", _l("Inscrit à l'ordre du jour d'un comité"), _l("À l'ordre du jour"),
           "purple"),
    _state("supported", _l("Soutenu par le comité"), _l("Soutenu"), "green"),
    _state("conventioned", _l("Convention signée"), _l("Conventionné"), "green"),
    _state("closed", _l("Accompagnement terminé"), _l("Clos"), "grey", finished=True),
    _state("redirected", _l("Orienté vers une autre structure"), _l("Orienté"), "grey",
           finished=True),
    _state("declined", _l("Non retenu"), _l("Refusé"), "red", finished=True),
    _state("not_supported", _l("Non soutenu par le comité"), _l("Non soutenu"), "red",
           finished=True),
    _state("withdrawn", _l("Retiré par le porteur"), _l("Retiré"), "grey", finished=True),
])

ANIMATOR = Role.ANIMATOR.value
#: States from which the holder may still withdraw: no decision has been taken yet.
UNDECIDED = frozenset({"draft", "submitted", "qualifying", "needs_info", "retained",
                       "on_agenda"})
FINISHED = frozenset(name for name, state in STATES.items() if state.finished)


def _t(name, sources, target, actors, label, comment_required=False, comment_label=None):
    return name, Transition(name, frozenset(sources), target, frozenset(actors), label,
                            comment_required, comment_label)


TRANSITIONS: dict[str, Transition] = dict([
    _t("submit", {"draft"}, "submitted", {HOLDER}, _l("Envoyer")),
    _t("start_qualification", {"submitted"}, "qualifying", {ANIMATOR},
       _l("Commencer la qualification")),
    _t("request_info", {"submitted", "qualifying"}, "needs_info", {ANIMATOR},
       _l("Demander des informations"), True, _l("Votre question au porteur")),
    _t("answer_info", {"needs_info"}, "qualifying", {HOLDER}, _l("Répondre")),
    _t("retain", {"qualifying"}, "retained", {ANIMATOR}, _l("Retenir pour un comité")),
    _t("redirect", {"submitted", "qualifying", "needs_info"}, "redirected", {ANIMATOR},
       _l("Orienter vers une autre structure"), True, _l("Votre message au porteur")),
    _t("decline", {"submitted", "qualifying", "needs_info"}, "declined", {ANIMATOR},
       _l("Ne pas retenir"), True, _l("Motivation envoyée au porteur")),
    _t("put_on_agenda", {"retained"}, "on_agenda", {ANIMATOR, SYSTEM},
       _l("Inscrire à l'ordre du jour")),
    _t("remove_from_agenda", {"on_agenda"}, "retained", {ANIMATOR, SYSTEM},
       _l("Retirer de l'ordre du jour")),
    _t("support", {"on_agenda"}, "supported", {ANIMATOR, SYSTEM}, _l("Soutenu")),
    _t("postpone", {"on_agenda"}, "retained", {ANIMATOR, SYSTEM}, _l("Reporter")),
    _t("not_support", {"on_agenda"}, "not_supported", {ANIMATOR, SYSTEM}, _l("Non soutenu"),
       True, _l("Motivation envoyée au porteur")),
    _t("convention", {"supported"}, "conventioned", {ANIMATOR, SYSTEM},
       _l("Première convention signée")),
    _t("close", {"conventioned"}, "closed", {ANIMATOR, SYSTEM}, _l("Clore")),
    _t("withdraw", UNDECIDED, "withdrawn", {HOLDER}, _l("Retirer mon dossier")),
    _t("reopen", {"declined", "redirected", "withdrawn", "not_supported", "closed"},
       "qualifying", {ANIMATOR}, _l("Rouvrir"), True, _l("Raison de la réouverture")),
])


class TransitionRefused(DomainError):
    """The transition does not start from the dossier's state, or lacks its comment."""


def _actor_kinds(dossier: Dossier, actor: User | None) -> set[str]:
    if actor is None:
        return {SYSTEM}
    # An account's role never stands for the object-level "holder of this dossier".
    kinds = {actor.role.value} - {Role.HOLDER.value}
    if actor.id == dossier.holder_id:
        kinds.add(HOLDER)
    return kinds


def may_trigger(transition: Transition, dossier: Dossier, actor: User | None) -> bool:
    return bool(transition.actors & _actor_kinds(dossier, actor))


def available_transitions(dossier: Dossier, actor: User | None) -> list[Transition]:
    """What ``actor`` may do to ``dossier`` now, in the table's order."""
    return [t for t in TRANSITIONS.values()
            if dossier.state in t.sources and may_trigger(t, dossier, actor)]


def ensure_allowed(dossier: Dossier, name: str, actor: User | None) -> Transition:
    """The transition ``name`` if ``actor`` may apply it to ``dossier`` now; raises otherwise."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionRefused(f"unknown transition {name!r}")
    if not may_trigger(transition, dossier, actor):
        raise AccessDenied(_l("Vous ne pouvez pas faire cette action sur ce dossier."))
    if dossier.state not in transition.sources:
        raise TransitionRefused(
            _l("Ce n'est plus possible : le dossier est à l'état « %(state)s ».",
               state=STATES[dossier.state].holder_label))
    return transition


def apply_transition(dossier: Dossier, name: str, actor: User | None, comment: str = "",
                     *, at: datetime | None = None) -> DossierEvent:
    """Move ``dossier`` along ``name``, write its history and announce it.

    Flushes, never commits: the history row and the notifications queued by the signal's
    receivers belong to the caller's transaction.
    """
    transition = ensure_allowed(dossier, name, actor)
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise TransitionRefused(_l("Ce message est obligatoire : %(what)s.",
                                   what=transition.comment_label))
    event = DossierEvent(dossier=dossier, actor=actor, transition=name,
                         from_state=dossier.state, to_state=transition.target,
                         comment=comment, created_at=at or utcnow())
    dossier.state = transition.target
    dossier.state_changed_at = event.created_at
    db.session.add(event)
    db.session.flush()
    audit.record(actor, f"dossier.{name}", dossier, {
        "number": dossier.number, "event_id": event.id, "from": event.from_state,
        "to": event.to_state, "comment_sha256": audit.text_digest(comment),
        "redirect_structure_id": dossier.redirect_structure_id}, at=event.created_at)
    signals.dossier_transitioned.send(dossier, event=event, actor=actor)
    return event


def state_of(name: str) -> State:
    return STATES[name]
