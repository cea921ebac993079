"""Sections a higher layer adds to the idea form (a call's questions, the premises asked for).

The submissions layer knows none of them: a higher layer (calls, premises) registers an
``IdeaFormExtension`` at import. Each is named by a request parameter (``/deposer?appel=…``)
carried through the form by a hidden input; for an existing draft the extension finds its value
itself (``value_for``). On each send of the form every active extension first keeps the files
sent to its fields (``keep_files``: staged under the browser's key, as the form's own files,
so that a refusal of anything else loses none), checks what was posted (``check``: field →
message, lenient for a draft), and saves it with the draft in the same transaction (``save``):
a refusal draws the page again with the messages at the fields and everything typed kept,
since the section is drawn from what was posted.

``staging_key`` is the browser's key of the form's staged files (``submissions.staging``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from murporteur.submissions.models import Document, Dossier


@dataclass
class Section:
    """What an extension adds to the form: a template (a name, or a Template object) drawn
    with ``section`` (its context) and ``errors`` (field → message) in its context."""

    template: Any
    id: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


class IdeaFormExtension:
    """Override what the extension needs; the defaults add nothing."""

    #: The request parameter that names the extension's value (``appel``, ``local``).
    param: str = ""

    def value_for(self, dossier: Dossier) -> str | None:
        """The value of an existing draft (its call, its premises), or None."""
        return None

    def section(self, value: str, *, dossier: Dossier | None, posted: MultiDict | None,
                staging_key: str) -> Section | None:
        """The section drawn in the form (``posted`` is None on a first display)."""
        return None

    def keep_files(self, value: str, files: MultiDict, *, dossier: Dossier | None,
                   staging_key: str, uploaded_by_id: int | None) -> dict[str, str]:
        """Store the files sent to the section's fields, staged (``submissions.staging``)
        until the form is saved, whatever else is refused; field → message for each file
        refused. Committed by the caller even when the form is refused."""
        return {}

    def documents(self, value: str, dossier: Dossier) -> list[Document]:
        """The draft's files the section shows at its own fields: the form's list of
        documents leaves them out (they are not removed or counted there)."""
        return []

    def check(self, value: str, posted: MultiDict, files: MultiDict, *,
              dossier: Dossier | None, submitting: bool, staging_key: str) -> dict[str, str]:
        """Field → message for each answer refused; ``submitting`` False for a draft, whose
        missing answers are not refused."""
        return {}

    def save(self, value: str, dossier: Dossier, posted: MultiDict, files: MultiDict, *,
             submitting: bool, staging_key: str) -> None:
        """Keep the answers with ``dossier`` (flushed, not committed: the request commits)."""


_registry: dict[str, IdeaFormExtension] = {}


def register(extension: IdeaFormExtension) -> IdeaFormExtension:
    if not extension.param:
        raise ValueError("An idea form extension needs a request parameter.")
    _registry[extension.param] = extension
    return extension


def unregister(param: str) -> None:
    _registry.pop(param, None)


@dataclass
class Active:
    """An extension in use on this form, with its value."""

    extension: IdeaFormExtension
    value: str
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def param(self) -> str:
        return self.extension.param


def active(dossier: Dossier | None, values: MultiDict) -> list[Active]:
    """The extensions this form uses: a draft's own value first, else the request's (one
    that is too long or empty is ignored)."""
    found = []
    for extension in list(_registry.values()):
        value = extension.value_for(dossier) if dossier is not None else None
        if not value:
            raw = values.get(extension.param, "")
            value = raw.strip() if isinstance(raw, str) and len(raw) <= 100 else ""
        if value:
            found.append(Active(extension, value))
    return found


def keep_files(actives: list[Active], files: MultiDict, *, dossier: Dossier | None,
               staging_key: str, uploaded_by_id: int | None) -> None:
    """Each active extension's files kept first; the refusals wait for ``check``."""
    for item in actives:
        item.errors = dict(item.extension.keep_files(
            item.value, files, dossier=dossier, staging_key=staging_key,
            uploaded_by_id=uploaded_by_id))


def documents(actives: list[Active], dossier: Dossier | None) -> list[Document]:
    """The draft's files the active sections show at their own fields."""
    if dossier is None:
        return []
    return [d for item in actives for d in item.extension.documents(item.value, dossier)]


def check(actives: list[Active], posted: MultiDict, files: MultiDict, *,
          dossier: Dossier | None, submitting: bool, staging_key: str) -> bool:
    """Each active extension's check (a file refused by ``keep_files`` keeps its message);
    True when none refused anything."""
    for item in actives:
        found = item.extension.check(item.value, posted, files, dossier=dossier,
                                     submitting=submitting, staging_key=staging_key)
        item.errors = {**found, **item.errors}
    return not any(item.errors for item in actives)


def save(actives: list[Active], dossier: Dossier, posted: MultiDict, files: MultiDict, *,
         submitting: bool, staging_key: str) -> None:
    for item in actives:
        item.extension.save(item.value, dossier, posted, files, submitting=submitting,
                            staging_key=staging_key)


def sections(actives: list[Active], dossier: Dossier | None,
             posted: MultiDict | None, staging_key: str) -> list[Section]:
    drawn = []
    for item in actives:
        section = item.extension.section(item.value, dossier=dossier, posted=posted,
                                         staging_key=staging_key)
        if section is not None:
            section.errors = item.errors
            drawn.append(section)
    return drawn


def messages(actives: list[Active]) -> list[str]:
    """Every refusal, for the summary at the top of the form."""
    return [str(message) for item in actives for message in item.errors.values()]
