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
