"""What answers to calls send: the members of the organisations behind a call or a need
hear of each idea sent in answer (``call_new_answer``, with preferences); a holder whose
draft answers a call is reminded three days before it closes (``tasks``). Inside the
sender's transaction."""

from __future__ import annotations

from sqlalchemy import select

from murporteur import signals
from murporteur.accounts.models import Role, User
from murporteur.calls import models as _models  # noqa: F401  (the tables, for the metadata)
from murporteur.calls import services
from murporteur.calls.models import Call, CallResponse
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.services import queue
from murporteur.submissions.models import Dossier
from murporteur.triage import dashboard
from murporteur.triage.services import animators


@signals.dossier_transitioned.connect
def on_dossier_sent(dossier, event, actor, **_):
    if event.transition != "submit":
        return
    response = services.response_of(dossier)
    if response is None:
        return
    call = response.call
    signals.call_answered.send(response)
    organisation_ids = [o.id for o in call.organisations]
    if not organisation_ids:
        return
    members = db.session.scalars(select(User).where(
        User.organisation_id.in_(organisation_ids), User.role == Role.MEMBER,
        User.active.is_(True)))
    context = {"call_title": call.title, "number": dossier.number, "title": dossier.title,
               "structure_name": dossier.structure_name,
               "url": external_url("calls.show_call", call_id=call.id)}
    for member in members:
        queue("call_new_answer", member, context,
              idempotency_key=f"call-answer:{response.id}:{member.id}")


# --- The dashboard's « call » filter and column (triage knows calls only through these) ---

@dashboard.call_condition.connect
def _answers_of_call(call_id: int):
    return Dossier.id.in_(select(CallResponse.dossier_id).where(CallResponse.call_id == call_id))


@dashboard.call_choices.connect
def _calls_with_answers(_sender=None) -> list[tuple[int, str]]:
    return [(c.id, c.title) for c in db.session.scalars(
        select(Call).where(Call.id.in_(select(CallResponse.call_id))).order_by(Call.title))]


@dashboard.call_title_asked.connect
def _title_of_answered_call(_sender=None):
    return (select(Call.title).join(CallResponse, CallResponse.call_id == Call.id)
            .where(CallResponse.dossier_id == Dossier.id).correlate(Dossier)
            .scalar_subquery())


@signals.call_transitioned.connect
def on_call_moved(call, event, actor, **_):
    """A member asks for approval: the animators hear of it (they publish it or send it
    back)."""
    if event.transition != "ask_approval":
        return
    context = {"call_title": call.title,
               "organisation": call.organisation.name if call.organisation else "",
               "url": external_url("calls.show_call", call_id=call.id)}
    for animator in animators():
        queue("call_approval_asked", animator, context,
              idempotency_key=f"call-approval:{event.id}:{animator.id}")
