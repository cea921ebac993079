"""What a dossier's events send, and to whom: the holder's receipts and news, the team's
alerts. Runs inside the sender's transaction: the outbox rows are committed, or rolled back,
with the change that caused them. The committee's moves are the committee's to tell
(``committee/notifications.py``)."""

from __future__ import annotations

from murporteur import signals
from murporteur.accounts.models import Role, TokenPurpose
from murporteur.accounts.services import issue_link
from murporteur.core.urls import external_url
from murporteur.directory.models import SupportStructure
from murporteur.extensions import db
from murporteur.notifications.services import active_animators, queue, queue_many
from murporteur.submissions.workflow import STATES
from murporteur.triage.services import staff_recipients


def dossier_context(dossier) -> dict:
    return {"number": dossier.number, "title": dossier.title,
            "structure_name": dossier.structure_name, "contact_name": dossier.contact_name,
            "town": dossier.town}


def tracking_url(dossier) -> str:
    """A single-use link that logs the holder in and opens the dossier."""
    link = issue_link(dossier.holder, TokenPurpose.LOGIN, dossier_id=dossier.id)
    return external_url("accounts.follow_link", token=link.signed)


def _staff_url(dossier) -> str:
    return external_url("triage.show_dossier", number=dossier.number)


@signals.dossier_transitioned.connect
def on_transition(dossier, event, actor, **_):
    holder = dossier.holder
    context = dict(dossier_context(dossier), comment=event.comment,
                   state_label=str(STATES[event.to_state].holder_label))
    if event.transition == "submit":
        queue("dossier_receipt", holder, dict(context, tracking_url=tracking_url(dossier)),
              idempotency_key=f"receipt:{event.id}", dossier_id=dossier.id, sensitive=True)
        staff_context = dict(context, url=_staff_url(dossier))
        queue_many("dossier_new_for_staff", active_animators(), lambda _user: staff_context,
                   idempotency_key_of=lambda user: f"new-dossier:{event.id}:{user.id}",
                   dossier_id=dossier.id)
    elif event.transition == "withdraw":
        queue("dossier_withdrawn_receipt", holder, context,
              idempotency_key=f"withdrawn:{event.id}", dossier_id=dossier.id)
        for animator in staff_recipients(dossier):
            queue("dossier_withdrawn_for_staff", animator,
                  dict(context, url=_staff_url(dossier)),
                  idempotency_key=f"withdrawn:{event.id}:{animator.id}", dossier_id=dossier.id)
    elif event.transition == "answer_info":
        for animator in staff_recipients(dossier):
            queue("info_answered_for_staff", animator, dict(context, url=_staff_url(dossier)),
                  idempotency_key=f"answered:{event.id}:{animator.id}", dossier_id=dossier.id)
    elif event.transition == "redirect" and dossier.redirect_structure_id:
        structure = db.session.get_one(SupportStructure, dossier.redirect_structure_id)
        queue("dossier_redirected", holder, dict(
            context, tracking_url=tracking_url(dossier), structure={
                "name": structure.name, "territory": structure.territory,
                "contact_name": structure.contact_name,
                "contact_email": structure.contact_email,
                "contact_phone": structure.contact_phone, "website": structure.website,
                "description": structure.description}),
            idempotency_key=f"state:{event.id}", dossier_id=dossier.id, sensitive=True)
    elif event.transition in ("put_on_agenda", "remove_from_agenda", "support", "postpone",
                              "not_support"):
        return  # the committee's own receivers speak for these (committee/notifications.py)
    elif actor is None or actor.id != holder.id:
        # Any other move by the animators or the system: the holder hears of it in plain words.
        queue("dossier_state_changed", holder,
              dict(context, tracking_url=tracking_url(dossier)),
              idempotency_key=f"state:{event.id}", dossier_id=dossier.id, sensitive=True)


@signals.draft_saved.connect
def on_draft_saved(dossier, created, send_link, **_):
    if not send_link:
        return
    link = issue_link(dossier.holder, TokenPurpose.RESUME_DRAFT, dossier_id=dossier.id)
    queue("draft_resume_link", dossier.holder,
          {"title": dossier.title, "contact_name": dossier.contact_name,
           "resume_url": external_url("accounts.follow_link", token=link.signed)},
          idempotency_key=f"draft-link:{link.token.id}", dossier_id=dossier.id, sensitive=True)


@signals.message_posted.connect
def on_message(message, answered=False, **_):
    dossier = message.dossier
    context = dict(dossier_context(dossier), author=message.author.display_name,
                   body=message.body)
    if message.author_id == dossier.holder_id:
        if answered:
            return  # the answer_info transition tells the animators
        for animator in staff_recipients(dossier):
            queue("message_for_staff", animator, dict(context, url=_staff_url(dossier)),
                  idempotency_key=f"message:{message.id}:{animator.id}", dossier_id=dossier.id)
    elif message.author.role == Role.ANIMATOR:
        queue("message_for_holder", dossier.holder,
              dict(context, tracking_url=tracking_url(dossier)),
              idempotency_key=f"message:{message.id}", dossier_id=dossier.id, sensitive=True)
