"""Hand outbox rows to Celery after — and only after — the transaction that wrote them commits.

``remember_for_dispatch`` queues the hand-over on the transaction (``core/aftercommit.py``): a
rollback forgets it, a commit makes it due, and it happens after the request or at
``commit_and_dispatch`` (code outside a request). When the broker is down the rows simply
stay queued: the recovery task picks them up later.
"""

from __future__ import annotations

import logging

from flask import current_app

from murporteur.core import aftercommit
from murporteur.core.aftercommit import AnySession

log = logging.getLogger(__name__)

#: Commit, then hand over what the commit made due (the tasks' and commands' way to commit).
commit_and_dispatch = aftercommit.commit


def remember_for_dispatch(session: AnySession, outbox_id: int) -> None:
    aftercommit.after_commit_together(hand_over_all, outbox_id, session=session)


def hand_over_all(outbox_ids: list[int]) -> None:
    """Enqueue the sending of the rows one commit wrote: one task for one row, one task for
    them all otherwise (an idea heard by the whole team: one message to the broker, not one
    per animator)."""
    if len(outbox_ids) == 1:
        hand_over(outbox_ids[0])
        return
    from murporteur.notifications.tasks import send_outbox_messages

    task = current_app.extensions["celery"].tasks[send_outbox_messages.name]
    try:
        task.delay(list(outbox_ids))
    except Exception as exc:  # broker unreachable: the rows wait in the outbox
        log.warning("outbox %s stay queued, broker unavailable: %s", outbox_ids, exc,
                    extra={"outbox_ids": outbox_ids})


def hand_over(outbox_id: int) -> None:
    """Enqueue the send task for one committed row (a dead broker: the row waits)."""
    from murporteur.notifications.tasks import send_outbox_message

    # The task as bound to this application's Celery app (in-process or on the broker).
    task = current_app.extensions["celery"].tasks[send_outbox_message.name]
    try:
        task.delay(outbox_id)
    except Exception as exc:  # broker unreachable: the row waits in the outbox
        log.warning("outbox %s stays queued, broker unavailable: %s", outbox_id, exc,
                    extra={"outbox_id": outbox_id})
