"""What happens to an outbox row once queued (``services.queue``): laid out in its
recipient's language, sent once whatever the number of workers given its id, retried with a
growing delay, recovered when its hand-over or its worker was lost, sent again by an admin."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update
from werkzeug.utils import import_string

from murporteur.collective import settings as collective_settings
from murporteur.core.db import rowcount, utcnow
from murporteur.extensions import db
from murporteur.notifications import mailer
from murporteur.notifications.dispatch import remember_for_dispatch
from murporteur.notifications.models import OutboxMessage, OutboxState

log = logging.getLogger(__name__)

#: What a row may carry besides its text, listed in its context as ids and JSON values
#: (``{"kind": "session_ics", "session_id": 1, "item_id": None}``) and built when it is sent,
#: from the objects as they are then. kind -> the function, by import path (read lazily: the
#: domains that build attachments import this module), taking the other keys and returning
#: ``(filename, mimetype, bytes)``, or None when its object is gone.
ATTACHMENTS = {
    "session_ics": "murporteur.committee.calendar:session_attachment",
    "minutes_pdf": "murporteur.committee.minutes:minutes_attachment",
    "flash_agenda_ics": "murporteur.meetings.calendar:agenda_attachment",
}



def render(row: OutboxMessage) -> tuple[str, str, str]:
    """Subject, plain text and HTML of ``row``, in its recipient's language."""
    return render_notification(row.key, row.context, row.locale)


def render_notification(key: str, context: dict, locale: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of notification ``key`` with ``context``, in ``locale``
    (an outbox row's, or an entry's example for the admins' previews)."""
    context = dict(context, contact_email=collective_settings.get("contact_email"))
    base = f"notifications/{key}"
    with force_locale(locale):
        if key == "digest":
            # Each held-back notification appears as its own subject line, with its link.
            context["entries"] = [
                {"summary": " ".join(render_template(
                    f"notifications/{item['key']}.subject.txt", **item["context"]).split()),
                 "url": item["context"].get("url")}
                for item in context.get("items", [])]
        subject = render_template(f"{base}.subject.txt", **context).strip()
        text = render_template(f"{base}.txt", **context)
        html = render_template(f"{base}.html", subject=subject, **context)
    return " ".join(subject.split()), text, html


def attachments_of(row: OutboxMessage) -> list[tuple[str, str, bytes]]:
    """The files ``row`` carries, built now, in its recipient's language."""
    built = []
    with force_locale(row.locale):
        for spec in row.context.get("attachments") or []:
            params = {k: v for k, v in spec.items() if k != "kind"}
            attachment = import_string(ATTACHMENTS[spec["kind"]])(**params)
            if attachment is not None:
                built.append(attachment)
    return built


def deliver(outbox_id: int) -> OutboxState | None:
    """Send one outbox row once. Returns its state afterwards, None when there was nothing to do.

    The row is claimed with a conditional update, so that two workers given the same id (a
    retry racing a recovery, a message delivered twice by the broker) send one e-mail. The
    claim's attempt number is its token: the outcome is written only while the row is still
    this attempt's, so that a worker finishing late never overwrites the attempt that took the
    row over after a recovery (``recover_outbox``).
    """
    now = utcnow()
    token = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.state == OutboxState.QUEUED)
        .values(state=OutboxState.SENDING, attempts=OutboxMessage.attempts + 1,
                sending_since=now)
        .returning(OutboxMessage.attempts)
    ).scalar_one_or_none()
    db.session.commit()
    if token is None:
        log.info("outbox %s: nothing to send (gone, sent or being sent)", outbox_id,
                 extra={"outbox_id": outbox_id})
        return None
    try:
        row = db.session.get_one(OutboxMessage, outbox_id, populate_existing=True)
        subject, text, html = render(row)
        message = mailer.build_message(row, subject, text, html,
                                       attachments=attachments_of(row))
        # No transaction held while the mail server answers (nor SQLite's writer lock).
        db.session.rollback()
        transport = mailer.send(message)
    except Exception as exc:  # the transport's faults are many; each one is recorded
        error = f"{type(exc).__name__}: {exc}"[:2000]
        state = (OutboxState.FAILED if token >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
                 else OutboxState.QUEUED)
        if not _record_attempt(outbox_id, token, (OutboxState.SENDING,), state=state,
                               last_error=error, sending_since=None):
            return None  # taken back by the recovery meanwhile: its own attempt goes on
        log.warning("outbox %s: attempt %s failed: %s", outbox_id, token, error,
                    extra={"outbox_id": outbox_id})
        return state
    # Sent: recorded even when the recovery took the row back meanwhile but no other attempt
    # claimed it yet (that attempt then finds it sent and sends nothing).
    if not _record_attempt(outbox_id, token, (OutboxState.SENDING, OutboxState.QUEUED),
                           state=OutboxState.SENT, sent_at=utcnow(), sending_since=None,
                           transport=transport, subject=subject, text_body=text,
                           html_body=html, last_error=None):
        log.warning("outbox %s: sent by attempt %s after another attempt took it over; the "
                    "recipient may receive it twice (OUTBOX_STUCK_SECONDS too short?)",
                    outbox_id, token, extra={"outbox_id": outbox_id})
        return None
    log.info("outbox %s: sent to %s by %s", outbox_id, row.recipient_email, transport,
             extra={"outbox_id": outbox_id})
    return OutboxState.SENT


def _record_attempt(outbox_id: int, token: int, states: tuple[OutboxState, ...],
                    **values) -> bool:
    """Write the outcome of attempt ``token`` if the row is still in one of ``states`` and no
    later attempt claimed it; commits. False when the row was no longer this attempt's."""
    done = rowcount(db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.attempts == token,
               OutboxMessage.state.in_(states))
        .values(**values))) == 1
    db.session.commit()
    return done


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt: 30 s, 1 min, 2 min, 4 min… by default (exponential
    backoff from OUTBOX_RETRY_SECONDS)."""
    return current_app.config["OUTBOX_RETRY_SECONDS"] * 2 ** max(0, attempts - 1)


def resend(row: OutboxMessage) -> None:
    """An admin sends a failed row again: it goes back to the queue with fresh attempts."""
    row.state = OutboxState.QUEUED
    row.attempts = 0
    row.last_error = None
    remember_for_dispatch(db.session, row.id)


def recover_outbox(now=None, *, unsent_after: timedelta | None = None,
                   stuck_after: timedelta | None = None) -> list[int]:
    """Rows that should have left and did not: queued ones never handed over (the broker was
    down at commit time, a retry was lost) and ones stuck in ``sending`` by a dead worker.
    Stuck rows go back to the queue; returns every id to hand to Celery again.

    A queued row younger than ``unsent_after`` (two minutes, or the recovery period when
    shorter) is left to its own hand-over or retry; a row is stuck once in ``sending`` for
    longer than ``stuck_after`` (OUTBOX_STUCK_SECONDS, five minutes: a live worker gives up on
    the mail server well before)."""
    now = now or utcnow()
    config = current_app.config
    if unsent_after is None:
        unsent_after = timedelta(seconds=min(120, config["OUTBOX_RECOVERY_SECONDS"]))
    if stuck_after is None:
        stuck_after = timedelta(seconds=config["OUTBOX_STUCK_SECONDS"])
    stuck = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING,
               OutboxMessage.sending_since < now - stuck_after)
        .values(state=OutboxState.QUEUED, sending_since=None)
        .returning(OutboxMessage.id)).scalars().all()
    waiting = db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.state == OutboxState.QUEUED,
        OutboxMessage.created_at < now - unsent_after).order_by(OutboxMessage.id)).all()
    return sorted(set(stuck) | set(waiting))
