"""Uploaded documents: the type is read from the content, the bytes kept outside static/.

Files are stored under ``UPLOAD_DIR`` with random names in two-letter shards; the name the
person gave is kept, cleaned, in the database only, and used when the file is downloaded.

Files sent with an idea form that is not saved yet are *staged* under the browser's key, so
that nothing is lost when the form has an error. What one browser keeps staged is capped
(STAGED_UPLOAD_MAX_MB, STAGED_UPLOAD_MAX_FILES), and beat deletes staged files older than
STAGED_UPLOAD_HOURS (``purge_staged``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

import filetype
from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.extensions import db
from murporteur.submissions import scanning
from murporteur.submissions.models import Document, DocumentKind

MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024
_CHUNK = 64 * 1024

#: Accepted types, as sniffed from the first bytes, with the extension they are served under.
ACCEPTED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/png": "png",
    "image/jpeg": "jpg",
}
ACCEPTED_LABEL = "PDF, ODT, DOCX, ODS, XLSX, PNG, JPEG"


class UploadRefused(DomainError):
    """A file was refused; the message names it and says why."""


def sniff(head: bytes) -> str | None:
    """The accepted MIME type of a file starting with ``head``, or None."""
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        return None
    return kind.mime


def clean_name(name: str | None) -> str:
    """A displayable file name: no directories, no control characters, at most 120 chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + dot + ext[:9]) if dot else name[:120]
    return name or "document"


def download_name(document: Document) -> str:
    """The name a file is downloaded under, its extension matching its real type."""
    ext = ACCEPTED_TYPES.get(document.content_type, "bin")
    name = document.original_name
    if name.lower().endswith("." + ext) or (ext == "jpg" and name.lower().endswith(".jpeg")):
        return name
    return f"{name}.{ext}"


def send(document: Document):
    """The response that downloads ``document``: always as an attachment, under a name
    with its real type's extension, never sniffed, never cached. The caller has checked
    that the user may see it (``policies.may_view_document``) and that the antivirus
    does not hold it."""
    response = send_file(path_of(document), mimetype=document.content_type,
                         as_attachment=True, download_name=download_name(document),
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path_of(document: Document) -> Path:
    return _upload_root() / document.storage_name[:2] / document.storage_name


def store(upload: FileStorage, *, uploaded_by_id: int | None = None,
          dossier_id: int | None = None, staging_key: str | None = None,
          kind: DocumentKind = DocumentKind.HOLDER, convention_id: int | None = None,
          organisation_id: int | None = None) -> Document:
    """Check and keep one uploaded file; raises ``UploadRefused`` with a message for the user.

    ``kind`` and the owner ids say who will see it (``submissions.policies``): the caller
    gives them now, so that a file is never, even for a moment, visible to more people than
    it should be."""
    name = clean_name(upload.filename)
    head = upload.stream.read(8192)
    if not head:
        raise UploadRefused(_l("« %(name)s » est vide.", name=name))
    content_type = sniff(head)
    if content_type is None:
        raise UploadRefused(_l("« %(name)s » n'est pas d'un type accepté (%(types)s). Le type "
                               "est lu dans le contenu du fichier, pas dans son nom.",
                               name=name, types=ACCEPTED_LABEL))
    storage_name = secrets.token_hex(16)
    target = _upload_root() / storage_name[:2] / storage_name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > MAX_FILE_SIZE:
                    raise UploadRefused(_l("« %(name)s » dépasse 10 Mo.", name=name))
                digest.update(chunk)
                out.write(chunk)
                chunk = upload.stream.read(_CHUNK)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    document = Document(original_name=name, storage_name=storage_name,
                        content_type=content_type, size=size, sha256=digest.hexdigest(),
                        uploaded_by_id=uploaded_by_id, dossier_id=dossier_id,
                        staging_key=staging_key, kind=kind, convention_id=convention_id,
                        organisation_id=organisation_id)
    db.session.add(document)
    db.session.flush()
    scanning.mark_for_scan(document)
    return document


def store_many(uploads: list[FileStorage], already: int, **owner) -> tuple[list[Document],
                                                                             list[str]]:
    """Keep every acceptable file of ``uploads``; returns the documents and the refusals.

    ``already`` counts the documents the dossier holds: the total may not exceed MAX_FILES.
    """
    documents: list[Document] = []
    errors: list[str] = []
    for upload in uploads:
        if not upload or not upload.filename:
            continue
        if already + len(documents) >= MAX_FILES:
            errors.append(str(_l("« %(name)s » n'a pas été ajouté : %(n)s fichiers au plus.",
                                 name=clean_name(upload.filename), n=MAX_FILES)))
            continue
        try:
            documents.append(store(upload, **owner))
        except UploadRefused as exc:
            errors.append(str(exc.message))
    return documents, errors


# --- Staged files: capped per browser, purged after a while ---------------------------------

def _staged(staging_key: str | None = None):
    """Files of the idea form not attached to a dossier yet (unticked ones included: their
    bytes are still on disk)."""
    clause = (Document.staging_key.is_not(None) if staging_key is None
              else Document.staging_key == staging_key)
    return (clause, Document.dossier_id.is_(None), Document.message_id.is_(None))


def over_staging_cap(staging_key: str, fresh: list[Document]) -> list[Document]:
    """The files of ``fresh`` (just sent, newest last) that take what this browser keeps
    staged beyond STAGED_UPLOAD_MAX_FILES files or STAGED_UPLOAD_MAX_MB; the newest go first.
    Files already attached to a dossier are never among them."""
    if not fresh:
        return []
    config = current_app.config
    max_files = config["STAGED_UPLOAD_MAX_FILES"]
    max_bytes = config["STAGED_UPLOAD_MAX_MB"] * 1024 * 1024
    count, total = db.session.execute(
        select(func.count(Document.id), func.coalesce(func.sum(Document.size), 0))
        .where(*_staged(staging_key))).one()
    over = []
    for document in reversed(fresh):
        if count <= max_files and total <= max_bytes:
            break
        if document.staging_key == staging_key and document.dossier_id is None:
            over.append(document)
            count, total = count - 1, total - document.size
    return over[::-1]


def not_kept_message(document: Document) -> str:
    return str(_l("« %(name)s » n'a pas été gardé : les fichiers en attente sur cet appareil "
                  "ne peuvent dépasser %(n)s fichiers ni %(mb)s Mo tant que votre idée n'est "
                  "pas enregistrée. Corrigez le formulaire ou enregistrez le brouillon, puis "
                  "ajoutez ce fichier de nouveau.", name=document.original_name,
                  n=current_app.config["STAGED_UPLOAD_MAX_FILES"],
                  mb=current_app.config["STAGED_UPLOAD_MAX_MB"]))


def discard(documents: list[Document]) -> None:
    """Delete staged documents: the rows, then their bytes (quarantined ones included)."""
    paths = [(path_of(d), scanning.quarantine_path(d)) for d in documents]
    for document in documents:
        db.session.delete(document)
    db.session.flush()
    for stored, quarantined in paths:
        stored.unlink(missing_ok=True)
        quarantined.unlink(missing_ok=True)


def stale_staged(now: datetime | None = None) -> list[Document]:
    """Staged files older than STAGED_UPLOAD_HOURS: their form was never saved."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["STAGED_UPLOAD_HOURS"])
    return list(db.session.scalars(select(Document).where(
        *_staged(), Document.created_at < cutoff).order_by(Document.id)))


def purge_staged(now: datetime | None = None) -> int:
    """Delete the stale staged files, rows and bytes; returns how many went."""
    documents = stale_staged(now)
    discard(documents)
    return len(documents)
