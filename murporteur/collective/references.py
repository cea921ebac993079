"""Reference lists (themes, kinds of support, kinds of structure): one accessor for every
form, filter, export, report and API answer.

Dossiers and structures store an entry's key (a string); the words come from here, in the
reader's language. An archived entry keeps its words for what already uses it and is no
longer offered in forms. Entries are read once per request (or task) and kept in ``flask.g``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from murporteur.audit.services import record
from murporteur.collective.models import ReferenceEntry
from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.extensions import db

#: The lists the admin edits, and their names on screen.
LISTS = {
    "theme": _l("Thèmes"),
    "support_kind": _l("Types de soutien"),
    "structure_kind": _l("Types de structure"),
}
_KEY = re.compile(r"^[a-z0-9_]{1,32}$")
_CACHE = "_reference_lists"


@dataclass(frozen=True)
class Entry:
    key: str
    label_fr: str
    label_en: str
    archived: bool

    def label(self, locale: str | None = None) -> str:
        locale = locale or current_locale()
        return (self.label_en if locale == "en" else self.label_fr) or self.label_fr


def current_locale() -> str:
    return str(get_locale() or "fr") if has_request_context() else "fr"


def entries(list_name: str) -> list[Entry]:
    """Every entry of ``list_name``, archived ones included, in the admin's order."""
    cached: dict[str, list[Entry]] | None = g.get(_CACHE)
    if cached is None:
        cached = {}
        rows = db.session.scalars(select(ReferenceEntry).order_by(
            ReferenceEntry.list_name, ReferenceEntry.position, ReferenceEntry.id))
        for row in rows:
            cached.setdefault(row.list_name, []).append(
                Entry(row.key, row.label_fr, row.label_en, row.archived_at is not None))
        setattr(g, _CACHE, cached)
    return cached.get(list_name, [])


def _by_key(list_name: str) -> dict[str, Entry]:
    """``list_name``'s entries by key (built once per request: exports look up every row)."""
    index: dict[str, dict[str, Entry]] = g.setdefault(_CACHE + "_index", {})
    if list_name not in index:
        index[list_name] = {e.key: e for e in entries(list_name)}
    return index[list_name]


def forget() -> None:
    g.pop(_CACHE, None)
    g.pop(_CACHE + "_index", None)


def keys(list_name: str, *, archived: bool = True) -> list[str]:
    return [e.key for e in entries(list_name) if archived or not e.archived]


def label(list_name: str, key: Any, locale: str | None = None) -> str:
    """The words of ``key`` (an unknown key shows as itself: nothing is hidden)."""
    key = getattr(key, "value", key)
    entry = _by_key(list_name).get(key)
    if entry is not None:
        return entry.label(locale)
    return "" if key is None else str(key)


def choices(list_name: str, keep: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(key, words) of the entries a form offers: the active ones, and the archived ones in
    ``keep`` (what the edited object already holds, so that saving it loses nothing)."""
    kept = set(keep or ())
    return [(e.key, e.label()) for e in entries(list_name) if not e.archived or e.key in kept]


class Labels(Mapping[str, str]):
    """``list_name``'s words by key, in the reader's language, archived entries included:
    a drop-in for the label dictionaries the code used before the lists were editable."""

    def __init__(self, list_name: str) -> None:
        self.list_name = list_name

    def __getitem__(self, key: Any) -> str:
        entry = _by_key(self.list_name).get(getattr(key, "value", key))
        if entry is None:
            raise KeyError(key)
        return entry.label()

    def __iter__(self) -> Iterator[str]:
        return iter(keys(self.list_name))

    def __len__(self) -> int:
        return len(entries(self.list_name))


class Choices(Sequence[tuple[str, Any]]):
    """A form field's choices of ``list_name``, read when the form is shown (never at import):
    the active entries, after ``leading`` (a "choose" entry). Shared by every form of the
    class: a view that must keep an archived value assigns ``choices(list_name, keep)``."""

    def __init__(self, list_name: str, leading: Iterable[tuple[str, Any]] = ()) -> None:
        self.list_name, self.leading = list_name, list(leading)

    def _all(self) -> list[tuple[str, Any]]:
        return self.leading + choices(self.list_name)

    @overload
    def __getitem__(self, index: int) -> tuple[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, Any]]: ...

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self._all())


# ---------------------------------------------------------------------------- the admin's edits

def _words(label_fr: str, label_en: str) -> tuple[str, str]:
    label_fr, label_en = (label_fr or "").strip(), (label_en or "").strip()
    for name, value in (("label_fr", label_fr), ("label_en", label_en)):
        if not value:
            raise DomainError(_l("Ce champ est obligatoire."), field=name)
        if len(value) > 200 or "\x00" in value:
            raise DomainError(_l("%(n)s caractères au plus.", n=200), field=name)
    return label_fr, label_en


def _snapshot(entry: ReferenceEntry) -> dict:
    return {"list": entry.list_name, "key": entry.key, "label_fr": entry.label_fr,
            "label_en": entry.label_en, "position": entry.position,
            "archived": entry.archived_at is not None}


def create_entry(actor, list_name: str, key: str, label_fr: str, label_en: str,
                 position: int | None = None) -> ReferenceEntry:
    if list_name not in LISTS:
        raise DomainError(_l("Cette liste n'existe pas."))
    key = (key or "").strip()
    if not _KEY.match(key):
        raise DomainError(_l("La clé compte de 1 à 32 caractères : lettres minuscules sans "
                             "accent, chiffres ou souligné (par exemple circuits_courts)."),
                          field="key")
    if db.session.scalar(select(ReferenceEntry.id).where(
            ReferenceEntry.list_name == list_name, ReferenceEntry.key == key)) is not None:
        raise DomainError(_l("La clé « %(key)s » existe déjà dans cette liste.", key=key),
                          field="key")
    label_fr, label_en = _words(label_fr, label_en)
    if position is None:
        position = (db.session.scalar(select(func.max(ReferenceEntry.position)).where(
            ReferenceEntry.list_name == list_name)) or 0) + 10
    entry = ReferenceEntry(list_name=list_name, key=key, label_fr=label_fr,
                           label_en=label_en, position=position)
    db.session.add(entry)
    db.session.flush()
    record(actor, "reference_entry.create", entry, _snapshot(entry))
    forget()
    return entry


def update_entry(actor, entry: ReferenceEntry, label_fr: str, label_en: str,
                 position: int) -> ReferenceEntry:
    """The words and the place change; the key never does (dossiers store it)."""
    before = _snapshot(entry)
    entry.label_fr, entry.label_en = _words(label_fr, label_en)
    entry.position = position
    db.session.flush()
    record(actor, "reference_entry.update", entry, {"before": before,
                                                    "after": _snapshot(entry)})
    forget()
    return entry


def set_archived(actor, entry: ReferenceEntry, archived: bool) -> ReferenceEntry:
    if (entry.archived_at is not None) == archived:
        return entry
    entry.archived_at = utcnow() if archived else None
    db.session.flush()
    record(actor, "reference_entry.archive" if archived else "reference_entry.restore",
           entry, _snapshot(entry))
    forget()
    return entry
