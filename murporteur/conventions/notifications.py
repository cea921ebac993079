"""What a convention's moves send: the organisation's members are asked to sign; the team
hears of a signature or a termination. Runs inside the sender's transaction."""

from __future__ import annotations

from sqlalchemy import select

from murporteur import signals
from murporteur.accounts.models import Role, User
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.services import queue
from murporteur.triage.notifications import dossier_context
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
        members = db.session.scalars(select(User).where(
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
