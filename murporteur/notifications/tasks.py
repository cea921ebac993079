"""Celery tasks of the notifications domain: ids in, idempotent."""

from __future__ import annotations

from celery import shared_task

from murporteur.extensions import db
from murporteur.notifications import delivery, services
from murporteur.notifications.models import OutboxState


# Acknowledged once done, and handed back to the broker when the worker dies under it: a worker
# killed before its claim loses nothing; one killed after leaves the row in ``sending``, for
# beat's recovery after OUTBOX_STUCK_SECONDS (the claim makes either way send the mail once).
@shared_task(bind=True, name="murporteur.notifications.send_outbox_message",
             max_retries=None, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_outbox_message(self, outbox_id: int) -> str | None:
    """Send one row; while it stays queued (a failed attempt), try again later. ``deliver``
    marks it failed after OUTBOX_MAX_ATTEMPTS attempts, which ends the retries."""
    state = delivery.deliver(outbox_id)
    if state == OutboxState.QUEUED:
        raise self.retry(countdown=delivery.retry_delay(self.request.retries + 1))
    return state.value if state else None


@shared_task(name="murporteur.notifications.send_outbox_messages", ignore_result=True,
             acks_late=True, reject_on_worker_lost=True)
def send_outbox_messages(outbox_ids: list[int]) -> int:
    """Send the rows one commit wrote, one after the other; a row whose attempt failed goes on
    with its own retries (``send_outbox_message``), the others are not held back by it. The
    claim in ``deliver`` makes a message delivered twice (a worker lost midway) send once.
    Returns how many were sent."""
    sent = 0
    for outbox_id in outbox_ids:
        state = delivery.deliver(outbox_id)
        if state == OutboxState.QUEUED:
            send_outbox_message.apply_async((outbox_id,),
                                            countdown=delivery.retry_delay(1))
        sent += state == OutboxState.SENT
    return sent


@shared_task(name="murporteur.notifications.recover_outbox", ignore_result=True)
def recover_outbox() -> int:
    """Beat, every OUTBOX_RECOVERY_SECONDS (a minute): hand over again what the broker never
    received, and what a dead worker left in ``sending`` for OUTBOX_STUCK_SECONDS."""
    ids = delivery.recover_outbox()
    db.session.commit()
    for outbox_id in ids:
        send_outbox_message.delay(outbox_id)
    return len(ids)


@shared_task(name="murporteur.notifications.send_digests", ignore_result=True)
def send_digests() -> int:
    """Beat, every morning at 8:00 (Paris): one e-mail per person with their held-back news."""
    from murporteur.notifications.dispatch import commit_and_dispatch

    count = len(services.queue_digests())
    commit_and_dispatch()
    return count
