"""The mails the accounts ask for: the accounts send a signal, the notifications queue it."""

from __future__ import annotations

from murporteur import signals
from murporteur.notifications.services import queue


@signals.password_reset_requested.connect
def on_password_reset(user, url, hours, token_id, locale=None, **_):
    queue("password_reset", user, {"reset_url": url, "full_name": user.full_name,
                                   "hours": hours},
          idempotency_key=f"password-reset:{token_id}", sensitive=True, locale=locale)
