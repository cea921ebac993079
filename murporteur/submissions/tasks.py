"""Celery tasks of the submissions domain: the antivirus scan of uploaded documents, and the
purge of staged files whose form was never saved."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from sqlalchemy import select

from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.submissions import scanning, staging, uploads
from murporteur.submissions.models import Document

log = logging.getLogger(__name__)

#: A document still pending after this long was not handed over (broker down) or the
#: daemon kept failing: ``rescan_pending`` tries again.
STALE_SCAN = timedelta(minutes=10)


@shared_task(bind=True, name="murporteur.submissions.scan_document", max_retries=6,
             ignore_result=True)
def scan_document(self, document_id: int) -> str | None:
    try:
        status = scanning.scan(document_id)
    except scanning.ScannerUnavailable as exc:
        db.session.rollback()
        if self.request.is_eager:
            # In-process (no broker): no waiting retries inside a request; the file stays
            # withheld and ``rescan_pending`` tries again.
            log.warning("document %s waits for the antivirus: %s", document_id, exc)
            return scanning.PENDING
        raise self.retry(exc=exc, countdown=min(30 * 2 ** self.request.retries, 1800)) from exc
    commit_and_dispatch()
    return status


def stale_pending(now=None) -> list[int]:
    cutoff = (now or utcnow()) - STALE_SCAN
    return list(db.session.scalars(select(Document.id).where(
        Document.scan_status == scanning.PENDING, Document.created_at < cutoff)))


@shared_task(name="murporteur.submissions.rescan_pending", ignore_result=True)
def rescan_pending() -> int:
    """Beat, every 15 minutes: scan again what still waits for a verdict."""
    ids = stale_pending()
    for document_id in ids:
        scan_document.delay(document_id)
    return len(ids)


@shared_task(name="murporteur.submissions.purge_staged_uploads", ignore_result=True)
def purge_staged_uploads() -> int:
    """Beat, every hour: files sent with an idea form never saved, and what its refused sends
    kept (``staging``), older than STAGED_UPLOAD_HOURS, are deleted (rows and bytes). A second
    run finds nothing."""
    count = uploads.purge_staged()
    forms = staging.purge_refused_sends()
    db.session.commit()
    if count or forms:
        log.info("%s staged upload(s) and %s refused send(s) purged", count, forms,
                 extra={"purged": count, "forms": forms})
    return count + forms
