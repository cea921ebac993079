"""Walk a demo dossier through the animators' real operations, dated in the past.

Each step calls the same services as the pages do (a call recorded, a qualification saved, a
decision taken, a holder's answer); the rows each step writes are then dated to the moment the
step is supposed to have happened, so that histories read like a real year.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from murporteur.submissions import services as submissions
from murporteur.submissions.models import DossierEvent, Message
from murporteur.triage import services as triage
from murporteur.triage.choices import CallOutcome, Theme
from murporteur.triage.models import PhoneCall

COMMENTS = {
    "request_info": "Pourriez-vous nous envoyer un budget prévisionnel, même approximatif ?",
    "answer_info": "Voici notre budget prévisionnel : 18 000 € la première année, dont la "
                   "moitié en autofinancement.",
    "redirect": "Votre projet relève plutôt d'un accompagnement à la création d'activité : "
                "nous vous orientons vers une structure qui vous recontactera.",
    "decline": "Le projet ne concerne pas les habitants du parc social ; nous ne pouvons pas "
               "le présenter au comité.",
    "not_support": "Aucun bailleur ne dispose aujourd'hui d'un local adapté dans ce quartier.",
    "withdraw": "Nous avons trouvé un local par un autre moyen.",
}

THEMES_BY_WORD = [("café", Theme.FOOD), ("cantine", Theme.FOOD), ("achat", Theme.FOOD),
                  ("recyclerie", Theme.REUSE), ("repair", Theme.REUSE),
                  ("ressourcerie", Theme.REUSE), ("compost", Theme.REUSE),
                  ("vélo", Theme.MOBILITY), ("énergie", Theme.HOUSING_ENERGY),
                  ("habitat", Theme.HOUSING_ENERGY), ("enfance", Theme.EARLY_CHILDHOOD),
                  ("régie", Theme.INCLUSION), ("conciergerie", Theme.INCLUSION),
                  ("atelier", Theme.SOCIAL_LINK), ("tiers-lieu", Theme.SOCIAL_LINK),
                  ("jardin", Theme.SOCIAL_LINK)]


def _themes(title: str) -> list[str]:
    found = [t.value for word, t in THEMES_BY_WORD if word in title.lower()]
    return list(dict.fromkeys(found)) or [Theme.SOCIAL_LINK.value]


def _date_rows(dossier, since_event: int, since_message: int, at: datetime) -> None:
    for event in db.session.scalars(select(DossierEvent).where(
            DossierEvent.dossier_id == dossier.id, DossierEvent.id > since_event)):
        event.created_at = at
    for message in db.session.scalars(select(Message).where(
            Message.dossier_id == dossier.id, Message.id > since_message)):
        message.created_at = at
    if dossier.state_changed_at and dossier.state_changed_at > at:
        dossier.state_changed_at = at


def _last_ids(dossier) -> tuple[int, int]:
    db.session.flush()
    event = db.session.scalar(select(DossierEvent.id).where(
        DossierEvent.dossier_id == dossier.id).order_by(DossierEvent.id.desc()).limit(1))
    message = db.session.scalar(select(Message.id).where(
        Message.dossier_id == dossier.id).order_by(Message.id.desc()).limit(1))
    return event or 0, message or 0


def step(dossier, name: str, animator, holder, at: datetime, structures) -> None:
    """Do ``name`` to ``dossier`` as it happens in the app, dated ``at``."""
    since_event, since_message = _last_ids(dossier)
    if name == "start_qualification":
        triage.assign(dossier, animator, animator)
        call = triage.record_call(dossier, animator, CallOutcome.REACHED,
                                  "Premier échange : le porteur a présenté son projet, "
                                  "ses partenaires et ce qu'il attend du collectif.", at=at)
        call.created_at = at
    elif name == "retain":
        triage.save_qualification(dossier, {
            "stage": dossier.stage, "themes": _themes(dossier.title),
            "neighbourhoods": dossier.neighbourhoods, "priority_area": dossier.priority_area,
            "legal_form": dossier.legal_form, "support_kinds": list(dossier.support_kinds),
            "summary": dossier.summary,
            "opinion": "Projet solide, porté par une équipe ancrée dans le quartier ; "
                       "à présenter au prochain comité."}, animator)
        dossier.qualification.updated_at = at
        triage.decide(dossier, "retain", animator)
    elif name in ("request_info", "decline", "redirect"):
        triage.decide(dossier, name, animator, COMMENTS[name],
                      structure=structures[dossier.id % len(structures)]
                      if name == "redirect" else None)
    elif name == "answer_info":
        submissions.post_message(dossier, holder, COMMENTS[name])
    elif name == "withdraw":
        submissions.withdraw_dossier(dossier, holder, COMMENTS[name])
    else:
        apply_transition(dossier, name, animator, COMMENTS.get(name, ""), at=at)
    db.session.flush()
    _date_rows(dossier, since_event, since_message, at)
    for call in db.session.scalars(select(PhoneCall).where(PhoneCall.dossier_id == dossier.id)):
        if call.created_at > at:
            call.created_at = at
