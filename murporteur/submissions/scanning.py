"""Antivirus scanning of uploads with a ClamAV daemon (clamd's INSTREAM command).

When ``CLAMD_HOST`` or ``CLAMD_SOCKET`` is set, every new document is ``pending`` — never
served — until the task ``murporteur.submissions.scan_document`` has the daemon's verdict:
``clean``, or ``infected``: the file is moved to ``QUARANTINE_DIR`` and the holder told. Without
a daemon, documents are ``unscanned`` and served as before. The task is handed to Celery only
after the transaction that stored the document commits (``core/aftercommit.py``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from flask import current_app

from murporteur.core import aftercommit
from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.submissions.models import Document, DocumentKind

log = logging.getLogger(__name__)

PENDING, CLEAN, INFECTED, UNSCANNED = "pending", "clean", "infected", "unscanned"
#: Statuses under which a file is not served.
WITHHELD = frozenset({PENDING, INFECTED})


class ScannerUnavailable(Exception):
    """The daemon did not answer (or answered an error): the scan is tried again later."""


def scanner_configured() -> bool:
    return bool(current_app.config.get("CLAMD_HOST") or current_app.config.get("CLAMD_SOCKET"))


def _client():
    config = current_app.config
    if config.get("CLAMD_SOCKET"):
        return ClamdUnixSocket(path=config["CLAMD_SOCKET"], timeout=30)
    return ClamdNetworkSocket(host=config["CLAMD_HOST"], port=int(config["CLAMD_PORT"]),
                              timeout=30)


def scan_file(path: Path) -> tuple[str, str | None]:
    """``(CLEAN, None)`` or ``(INFECTED, signature)``; raises ``ScannerUnavailable``."""
    try:
        with path.open("rb") as stream:
            result = _client().instream(stream)
    except (ClamdError, OSError) as exc:
        raise ScannerUnavailable(str(exc)) from exc
    status, signature = next(iter(result.values()), (None, None))
    if status == "OK":
        return CLEAN, None
    if status == "FOUND":
        return INFECTED, signature
    raise ScannerUnavailable(f"unexpected answer from clamd: {result!r}")


def quarantine_path(document: Document) -> Path:
    return Path(current_app.config["QUARANTINE_DIR"]) / document.storage_name


def mark_for_scan(document: Document) -> None:
    """Withhold a new document until scanned (when a scanner is configured)."""
    if not scanner_configured():
        return
    document.scan_status = PENDING
    aftercommit.after_commit(hand_over, document.id)


def hand_over(document_id: int) -> None:
    """Hand a committed new document to the scan task (a dead broker: the recovery task
    ``rescan_pending`` picks it up)."""
    from murporteur.submissions.tasks import scan_document

    task = current_app.extensions["celery"].tasks[scan_document.name]
    try:
        task.delay(document_id)
    except Exception as exc:
        log.warning("document %s waits for its scan, broker unavailable: %s", document_id, exc)


def scan(document_id: int) -> str | None:
    """Scan one document and act on the verdict; returns its status, None when gone.

    Doing it twice is harmless: a document already judged is left alone.
    """
    document = db.session.get(Document, document_id)
    if document is None or document.scan_status != PENDING:
        return document.scan_status if document else None
    from murporteur.submissions.uploads import path_of

    path = path_of(document)
    if not path.exists():
        return document.scan_status
    verdict, signature = scan_file(path)
    document.scanned_at = utcnow()
    if verdict == INFECTED:
        quarantine(document, signature)
    else:
        document.scan_status = CLEAN
    db.session.flush()
    return document.scan_status


def quarantine(document: Document, signature: str | None) -> None:
    """Move the file out of the uploads, mark it, tell the person who sent it."""
    from murporteur.audit import services as audit
    from murporteur.submissions.uploads import path_of

    target = quarantine_path(document)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path_of(document), target)
    document.scan_status = INFECTED
    audit.record(None, "document.quarantine", document, {
        "dossier_id": document.dossier_id, "sha256": document.sha256, "signature": signature})
    _tell_holder(document)


def _tell_holder(document: Document) -> None:
    from murporteur.accounts.models import User
    from murporteur.core.urls import external_url
    from murporteur.notifications.services import queue

    dossier = document.dossier
    # Who sent it: the holder for their files; for the others (a convention's signed copy,
    # the team's attachments), its uploader — the holder may not even see those files.
    sender = db.session.get(User, document.uploaded_by_id) if document.uploaded_by_id else None
    recipient = dossier.holder if dossier is not None and (
        document.kind == DocumentKind.HOLDER or sender is None) else sender
    if recipient is None:
        return  # an anonymous upload not saved yet: the form shows the refusal itself
    # The dossier when the recipient is its holder (who is shown the way back to it).
    held = dossier if dossier is not None and dossier.holder_id == recipient.id else None
    context = {"file_name": document.original_name,
               "title": dossier.title if dossier else "",
               "reference": dossier.reference if dossier else "",
               "contact_name": held.contact_name if held else recipient.full_name}
    if held:
        context["url"] = (external_url("submissions.edit_draft", public_id=held.public_id)
                          if held.is_draft else
                          external_url("submissions.show_dossier", public_id=held.public_id))
    queue("document_infected", recipient, context,
          idempotency_key=f"document-infected:{document.id}",
          dossier_id=dossier.id if dossier else None, sensitive=True)
