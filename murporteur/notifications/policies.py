"""Who may open a notification: the person it was written for."""

from __future__ import annotations

from murporteur.accounts.models import User
from murporteur.core.policy import permission
from murporteur.notifications.models import InAppNotification


@permission("open_notification")
def may_open_notification(user: User | None, entry: InAppNotification) -> bool:
    return user is not None and user.is_authenticated and entry.user_id == user.id
