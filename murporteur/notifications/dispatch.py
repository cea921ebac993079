"""Hand outbox rows to Celery after — and only after — the transaction that wrote them commits.

``queue`` remembers the new row ids on the session; the ``after_commit`` hook moves them to
the ready list (a rollback forgets them); ``dispatch_ready`` enqueues them. It runs after each
request and wherever code outside a request commits (``commit_and_dispatch``). When the broker
is down the rows simply stay queued: the recovery task picks them up later.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_PENDING = "murporteur.outbox.pending"
_READY = "murporteur.outbox.ready"


def remember_for_dispatch(session: Session, outbox_id: int) -> None:
    session.info.setdefault(_PENDING, []).append(outbox_id)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING, None)
    if ids:
        session.info.setdefault(_READY, []).extend(ids)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def dispatch_ready(session: Session) -> list[int]:
    """Enqueue the send task for every committed row not yet handed over."""
    from flask import current_app

    from murporteur.notifications.tasks import send_outbox_message

    # The task as bound to this application's Celery app (in-process or on the broker).
    task = current_app.extensions["celery"].tasks[send_outbox_message.name]
    ids = session.info.pop(_READY, [])
    for outbox_id in ids:
        try:
            task.delay(outbox_id)
        except Exception as exc:  # broker unreachable: the row waits in the outbox
            log.warning("outbox %s stays queued, broker unavailable: %s", outbox_id, exc,
                        extra={"outbox_id": outbox_id})
    return ids


def commit_and_dispatch() -> None:
    """Commit the current session, then hand its new outbox rows to Celery."""
    from murporteur.extensions import db

    db.session.commit()
    dispatch_ready(db.session)
