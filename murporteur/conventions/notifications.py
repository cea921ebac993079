"""What a convention's moves send: the organisation's signatory (else its members) is asked
to sign; the team
hears of a signature or a termination. Runs inside the sender's transaction."""

from __future__ import annotations

from babel.dates import format_date
from sqlalchemy import select

from murporteur import signals
from murporteur.accounts.models import Role, User
from murporteur.accounts.signatories import current_signatory
from murporteur.conventions.workflow import payment_request_transitioned
from murporteur.core.money import format_cents
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.services import locale_of, queue
from murporteur.triage.notifications import dossier_context, tracking_url
from murporteur.triage.services import staff_recipients


@signals.convention_transitioned.connect
def on_convention_transition(convention, event, actor, **_):
    """The organisation's members are asked to sign; everyone concerned hears of a signature
    or a termination."""
    dossier = convention.dossier
    context = dict(dossier_context(dossier), organisation=convention.organisation.name,
                   comment=event.comment,
                   url=external_url("conventions.show_convention", convention_id=convention.id))
    if event.transition == "send_for_signature" and not any(
            d.is_open for d in getattr(convention, "documents", [])):
        # (sent as a document to sign in the application: its signatories are asked instead)
        # To sign on paper: its authorised signatory, else every member (one gets designated).
        signatory = current_signatory(convention.organisation_id)
        members = [signatory] if signatory is not None else db.session.scalars(select(User).where(
            User.organisation_id == convention.organisation_id, User.active.is_(True),
            User.role == Role.MEMBER))
        for member in members:
            queue("convention_to_sign", member, context,
                  idempotency_key=f"convention:{event.id}:{member.id}", dossier_id=dossier.id)
    elif event.transition in ("sign", "terminate"):
        for animator in staff_recipients(dossier):
            queue("convention_signed_for_staff" if event.transition == "sign"
                  else "convention_terminated_for_staff", animator, context,
                  idempotency_key=f"convention:{event.id}:{animator.id}",
                  dossier_id=dossier.id)


@payment_request_transitioned.connect
def on_payment_request_decided(request, event, actor, **_):
    """The holder hears of the organisation's decision on their payment request, with its
    reason (issue 18, follow-up)."""
    convention = request.convention
    dossier = convention.dossier
    holder = dossier.holder
    locale = locale_of(holder)
    queue("convention_payment_decided", holder, {
        "full_name": holder.display_name, "number": dossier.number, "title": dossier.title,
        "organisation": convention.organisation.name,
        "amount": format_cents(request.payment.amount_cents, locale),
        "planned_date": format_date(request.payment.planned_date, "d MMMM yyyy",
                                    locale=locale),
        "approved": event.transition == "approve", "reason": event.comment,
        "url": tracking_url(dossier)},
        idempotency_key=f"payment-request:{event.id}", dossier_id=dossier.id)
