"""What the idea form keeps for one browser until the form is saved, so that a refusal loses
nothing:

- the files sent with it (``Document`` rows staged under the browser's key, see ``uploads``);
- the file sent to one field of a section a higher layer adds (a call's file question): the
  same staging, under a key of that field's own (``field_key``), so that it is neither listed
  nor attached among the form's documents but with its field;
- after a refused send, what was typed and what was refused (``StagedForm``): the POST is
  answered by a redirect to the form's GET, which draws them again (POST, redirect, GET: the
  Back button never asks to send the form again). Kept on the server, not in the session
  cookie (20,000 characters pasted into a field would not fit).

Everything staged goes after STAGED_UPLOAD_HOURS (beat, ``purge_staged_uploads``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage, MultiDict

from murporteur.core.db import rowcount, utcnow
from murporteur.extensions import db
from murporteur.submissions import services, uploads
from murporteur.submissions.models import Document, Dossier, StagedForm

#: The scope of the form of a new idea (a draft's form has the draft's public id).
NEW = "new"


def field_key(staging_key: str, field: str) -> str:
    """The staging key of the file sent to ``field`` (at most 64 characters, as its column:
    the browser's key is 32, a field's name is short)."""
    return f"{staging_key}:{field}"[:64]


def stage_field_file(upload: FileStorage, staging_key: str, field: str, *,
                     uploaded_by_id: int | None) -> Document:
    """Keep the file sent to ``field`` until the form is saved; it replaces the one kept for
    that field before. Raises ``uploads.UploadRefused`` (its message names the file)."""
    key = field_key(staging_key, field)
    previous = services.staged_documents(key)
    document = uploads.store(upload, staging_key=key, uploaded_by_id=uploaded_by_id)
    uploads.discard(previous)
    return document


def staged_field_file(staging_key: str, field: str) -> Document | None:
    """The file kept for ``field`` and not attached yet, if any."""
    found = services.staged_documents(field_key(staging_key, field))
    return found[-1] if found else None


def attach_field_file(dossier: Dossier, staging_key: str, field: str) -> Document | None:
    """Attach to ``dossier`` the file kept for ``field`` (when the form is saved)."""
    attached = services.attach_staged(dossier, field_key(staging_key, field))
    return attached[-1] if attached else None


# --- A refused send, kept for the page drawn again by GET ---------------------------------

@dataclass
class RefusedSend:
    """What a refused send held: the fields as sent, and the refusals as they were said."""

    values: MultiDict
    fields: dict[str, list[str]]
    messages: list[str]
    sections: dict[str, dict[str, str]]
    created_at: datetime


def keep_refused_send(staging_key: str, scope: str, posted: MultiDict, *,
                      fields: dict[str, list[str]], messages: list[str],
                      sections: dict[str, dict[str, str]]) -> None:
    """Keep what the form sent (no file, no CSRF token) and what was refused, replacing what
    an earlier refused send of the same form kept."""
    values = [[name, value] for name, value in posted.items(multi=True)
              if name != "csrf_token" and isinstance(value, str)]
    refusals = {"fields": fields, "messages": messages, "sections": sections}
    for attempt in range(2):
        try:
            with db.session.begin_nested():
                row = _staged_form(staging_key, scope)
                if row is None:
                    row = StagedForm(staging_key=staging_key, scope=scope)
                    db.session.add(row)
                row.values, row.refusals, row.created_at = values, refusals, utcnow()
            return
        except IntegrityError:
            if attempt:  # the same page sent twice at once: the other send's row is updated
                raise


def refused_send(staging_key: str, scope: str, *,
                 newer_than: datetime | None = None) -> RefusedSend | None:
    """What the last refused send of this form kept, unless the draft was saved since
    (``newer_than``: its last change, by its holder or the server's autosave)."""
    row = _staged_form(staging_key, scope)
    if row is None or (newer_than is not None and row.created_at < newer_than):
        return None
    refusals = row.refusals or {}
    return RefusedSend(MultiDict([tuple(pair) for pair in row.values or []]),
                       dict(refusals.get("fields", {})), list(refusals.get("messages", [])),
                       dict(refusals.get("sections", {})), row.created_at)


def forget_refused_send(staging_key: str, scope: str) -> None:
    """The form was saved: what its refused sends kept goes."""
    db.session.execute(delete(StagedForm).where(StagedForm.staging_key == staging_key,
                                                StagedForm.scope == scope))


def purge_refused_sends(now: datetime | None = None) -> int:
    """Drop what refused sends kept, older than STAGED_UPLOAD_HOURS; returns how many."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["STAGED_UPLOAD_HOURS"])
    return rowcount(db.session.execute(delete(StagedForm).where(StagedForm.created_at < cutoff)))


def _staged_form(staging_key: str, scope: str) -> StagedForm | None:
    return db.session.scalar(select(StagedForm).where(StagedForm.staging_key == staging_key,
                                                      StagedForm.scope == scope))
