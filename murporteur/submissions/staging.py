"""What the idea form keeps for one browser until the form is saved, so that a refusal loses
nothing: the files sent with it (``Document`` rows staged under the browser's key, see
``uploads``) and the file sent to one field of a section a higher layer adds (a call's file
question): the same staging, under a key of that field's own (``field_key``), so that it is
neither listed nor attached among the form's documents but with its field.
"""

from __future__ import annotations

from werkzeug.datastructures import FileStorage

from murporteur.submissions import services, uploads
from murporteur.submissions.models import Document, Dossier


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
