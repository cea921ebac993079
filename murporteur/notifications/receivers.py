"""What the accounts' events send (the links people ask for). Each domain's own events are told
by its ``notifications.py`` (triage, committee, conventions). Runs inside the sender's
transaction."""

from __future__ import annotations

from murporteur import signals
from murporteur.core.db import utcnow
from murporteur.notifications.services import queue


@signals.login_link_requested.connect
def on_login_link(user, url, locale=None, **_):
    queue("login_link", user, {"login_url": url, "full_name": user.full_name},
          idempotency_key=f"login-link:{user.id}:{utcnow().timestamp()}", sensitive=True,
          locale=locale)


@signals.password_reset_requested.connect
def on_password_reset(user, url, hours, token_id, locale=None, **_):
    queue("password_reset", user, {"reset_url": url, "full_name": user.full_name,
                                   "hours": hours},
          idempotency_key=f"password-reset:{token_id}", sensitive=True, locale=locale)


@signals.invitation_sent.connect
def on_invitation(user, url, days, invitation_id, inviter="", locale=None, **_):
    queue("invitation", user, {"invitation_url": url, "full_name": user.full_name,
                               "days": days, "inviter": inviter, "email": user.email},
          idempotency_key=f"invitation:{invitation_id}", sensitive=True, locale=locale)


@signals.invitation_renewal_asked.connect
def on_invitation_renewal(user, invitation_id, inviter=None, **_):
    from sqlalchemy import select

    from murporteur.accounts.models import Role, User
    from murporteur.core.urls import external_url
    from murporteur.extensions import db

    recipients = [inviter] if inviter is not None and inviter.active else list(db.session.scalars(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True))))
    for recipient in recipients:
        queue("invitation_renewal_asked", recipient,
              {"person": user.display_name, "email": user.email,
               "url": external_url("people.show_person", user_id=user.id)},
              idempotency_key=f"invitation-renewal:{invitation_id}:{recipient.id}")
