"""The dossier's lifecycle, declared as data on the engine of ``core.lifecycle``.

Every state has the word the holder reads, the word the animators read and a colour; every
transition says from which states it starts, where it leads, who may trigger it and whether it
must carry a comment (a motivation, a question). ``core.lifecycle.apply_transition`` is the
only code that changes ``Dossier.state``: it checks this table, writes the history row and
emits ``signals.dossier_transitioned``, on which notifications are queued.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from murporteur import signals
from murporteur.accounts.models import Role
from murporteur.audit import services as audit
from murporteur.core.lifecycle import Lifecycle, Transition, by_role, by_system, either


class DossierState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    QUALIFYING = "qualifying"
    NEEDS_INFO = "needs_info"
    RETAINED = "retained"
    ON_AGENDA = "on_agenda"
    SUPPORTED = "supported"
    CONVENTIONED = "conventioned"
    CLOSED = "closed"
    REDIRECTED = "redirected"
    DECLINED = "declined"
    NOT_SUPPORTED = "not_supported"
    WITHDRAWN = "withdrawn"


S = DossierState


@dataclass(frozen=True)
class State:
    name: DossierState
    holder_label: object
    staff_label: object
    colour: str
    finished: bool = False

    @property
    def label(self) -> object:
        """What the engine's refusals say: the holder reads them too."""
        return self.holder_label


STATES: dict[DossierState, State] = {state.name: state for state in (
    State(S.DRAFT, _l("Brouillon"), _l("Brouillon"), "grey"),
    State(S.SUBMITTED, _l("Envoyé, en attente d'un premier appel"), _l("À qualifier"), "blue"),
    State(S.QUALIFYING, _l("En cours d'étude"), _l("En qualification"), "blue"),
    State(S.NEEDS_INFO, _l("Informations demandées"), _l("En attente du porteur"), "orange"),
    State(S.RETAINED, _l("Retenu pour un comité"), _l("Retenu"), "green"),
    State(S.ON_AGENDA, _l("Inscrit à l'ordre du jour d'un comité"), _l("À l'ordre du jour"),
          "purple"),
    State(S.SUPPORTED, _l("Soutenu par le comité"), _l("Soutenu"), "green"),
    State(S.CONVENTIONED, _l("Convention signée"), _l("Conventionné"), "green"),
    State(S.CLOSED, _l("Accompagnement terminé"), _l("Clos"), "grey", finished=True),
    State(S.REDIRECTED, _l("Orienté vers une autre structure"), _l("Orienté"), "grey",
          finished=True),
    State(S.DECLINED, _l("Non retenu"), _l("Refusé"), "red", finished=True),
    State(S.NOT_SUPPORTED, _l("Non soutenu par le comité"), _l("Non soutenu"), "red",
          finished=True),
    State(S.WITHDRAWN, _l("Retiré par le porteur"), _l("Retiré"), "grey", finished=True),
)}

#: States from which the holder may still withdraw: no decision has been taken yet.
UNDECIDED = frozenset({S.DRAFT, S.SUBMITTED, S.QUALIFYING, S.NEEDS_INFO, S.RETAINED,
                       S.ON_AGENDA})
FINISHED = frozenset(name for name, state in STATES.items() if state.finished)
#: States of an idea the animators are still studying (before any committee).
IN_TRIAGE = frozenset({S.SUBMITTED, S.QUALIFYING, S.NEEDS_INFO})
#: States of a project the committee supported: its conventions are made, signed, ended.
WITH_CONVENTIONS = frozenset({S.SUPPORTED, S.CONVENTIONED, S.CLOSED})


def by_holder(actor, dossier) -> bool:
    """The holder of this dossier (an object-level role: any account that holds it)."""
    return actor is not None and actor.id == dossier.holder_id


by_animator = by_role(Role.ANIMATOR)
#: A step the committee's work or a convention also takes on its own.
by_animator_or_system = either(by_animator, by_system)


def _t(name, sources, target, may, label, comment_label=None):
    return Transition(name, frozenset(sources), target, may, label,
                      comment_required=comment_label is not None, comment_label=comment_label)


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    _t("submit", {S.DRAFT}, S.SUBMITTED, by_holder, _l("Envoyer")),
    _t("start_qualification", {S.SUBMITTED}, S.QUALIFYING, by_animator,
       _l("Commencer la qualification")),
    _t("request_info", {S.SUBMITTED, S.QUALIFYING}, S.NEEDS_INFO, by_animator,
       _l("Demander des informations"), _l("Votre question au porteur")),
    _t("answer_info", {S.NEEDS_INFO}, S.QUALIFYING, by_holder, _l("Répondre")),
    _t("retain", {S.QUALIFYING}, S.RETAINED, by_animator, _l("Retenir pour un comité")),
    _t("redirect", IN_TRIAGE, S.REDIRECTED, by_animator,
       _l("Orienter vers une autre structure"), _l("Votre message au porteur")),
    _t("decline", IN_TRIAGE, S.DECLINED, by_animator,
       _l("Ne pas retenir"), _l("Motivation envoyée au porteur")),
    _t("put_on_agenda", {S.RETAINED}, S.ON_AGENDA, by_animator_or_system,
       _l("Inscrire à l'ordre du jour")),
    _t("remove_from_agenda", {S.ON_AGENDA}, S.RETAINED, by_animator_or_system,
       _l("Retirer de l'ordre du jour")),
    _t("support", {S.ON_AGENDA}, S.SUPPORTED, by_animator_or_system, _l("Soutenu")),
    _t("postpone", {S.ON_AGENDA}, S.RETAINED, by_animator_or_system, _l("Reporter")),
    _t("not_support", {S.ON_AGENDA}, S.NOT_SUPPORTED, by_animator_or_system,
       _l("Non soutenu"), _l("Motivation envoyée au porteur")),
    _t("convention", {S.SUPPORTED}, S.CONVENTIONED, by_animator_or_system,
       _l("Première convention signée")),
    _t("close", {S.CONVENTIONED}, S.CLOSED, by_animator_or_system, _l("Clore")),
    _t("withdraw", UNDECIDED, S.WITHDRAWN, by_holder, _l("Retirer mon dossier")),
    _t("reopen", {S.DECLINED, S.REDIRECTED, S.WITHDRAWN, S.NOT_SUPPORTED, S.CLOSED},
       S.QUALIFYING, by_animator, _l("Rouvrir"), _l("Raison de la réouverture")),
)}


def _journal(actor, dossier, event):
    return audit.record_transition(actor, dossier, event, number=dossier.number,
                                   redirect_structure_id=dossier.redirect_structure_id)


def _milestone(dossier, event):
    from murporteur.submissions.tallies import record_milestone

    record_milestone(dossier, event)


LIFECYCLE = Lifecycle(
    noun=_l("le dossier"), states=STATES, transitions=TRANSITIONS.values(), history="events",
    signal=signals.dossier_transitioned, journal=_journal, stamp="state_changed_at",
    milestone=_milestone)
