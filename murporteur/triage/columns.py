"""The dashboard's columns (issue 17, item 4): the table shows, and its exports write, the
columns each animator chose; the number and the title are always shown.

The choice made with the « Colonnes » control is the animator's default view (kept in
``ExportPreference``); a saved view keeps its own (``SavedView.columns``), shown when it is
opened without changing the default. The URL says the columns of a view (``column=…``):
names the dashboard does not know are left out, without a word.

Every column is an export column (``exports.COLUMNS``: its header and its reader); the table
draws some its own way (a link, a badge, a date with its age) and the others as their reader
reads them, on one line (the export selects the same values in one statement:
``exports.SOURCES``).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from murporteur.accounts.models import User
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.triage import dashboard, exports
from murporteur.triage.models import ExportPreference, Qualification

#: Always shown, first.
ALWAYS = ("number", "title")
#: The columns offered, in the order of the « Colonnes » control and of the table.
ORDER = (
    "number", "title", "structure_name", "contact_name", "town", "q_themes", "stage", "q_stage",
    "state", "assigned_to", "submitted_at", "activity", "deadlines", "call", "labels", "email",
    "phone", "legal_form", "neighbourhoods", "priority_area", "support_kinds",
    "financing_amount", "first_call_at", "summary", "need", "residents", "q_neighbourhoods",
    "q_priority_area", "q_legal_form", "q_support_kinds", "q_summary", "q_opinion",
)
#: A first visit's columns: fifteen dossiers and more to a 1280 × 800 screen.
DEFAULT = ("number", "title", "structure_name", "town", "submitted_at", "state", "assigned_to",
           "deadlines", "labels")
#: The columns the table sorts by (their ``keyset.SORTS`` key).
SORT_OF = {"number": "number", "title": "title", "structure_name": "structure", "town": "town",
           "submitted_at": "submitted", "state": "state", "assigned_to": "assigned"}


def offered() -> list[tuple[str, Any]]:
    """(name, header) of each column, in order."""
    return [(key, exports.COLUMNS[key][0]) for key in ORDER]


def _known(requested: Iterable[str] | None) -> list[str]:
    wanted = set(requested or ()) & set(ORDER)
    if not wanted:
        return []
    return [key for key in ORDER if key in wanted or key in ALWAYS]


def asked(requested: Iterable[str] | None) -> bool:
    """Whether the URL names columns the dashboard knows (a view's own)."""
    return bool(_known(requested))


def chosen(user: User, requested: Iterable[str] | None, *, remember: bool = False) -> list[str]:
    """The columns shown: those ``requested`` (the URL's; kept as the animator's default view
    when ``remember``), else the default view's, else ``DEFAULT``."""
    wanted = _known(requested)
    preference = db.session.scalar(select(ExportPreference).where(
        ExportPreference.user_id == user.id))
    if wanted and remember:
        if preference is None:
            db.session.add(ExportPreference(user_id=user.id, columns=wanted))
        else:
            preference.columns = wanted
    return wanted or _known(preference.columns if preference else None) or list(DEFAULT)


def loads(shown: list[str]) -> list:
    """What the rows of the page need loaded for ``shown``, for all of them at once."""
    options = []
    if "assigned_to" in shown:
        options.append(selectinload(Dossier.assigned_to))
    if "labels" in shown:
        options.append(selectinload(Dossier.labels))
    if "email" in shown:
        options.append(selectinload(Dossier.holder))
    if any(key.startswith("q_") for key in shown):
        options.append(selectinload(Dossier.qualification)
                       .selectinload(Qualification.theme_rows))
    return options


def extras(shown: list[str]) -> dict[str, Any]:
    """The columns read with each row of the page (name → expression)."""
    return {"call": dashboard.call_title()} if "call" in shown else {}


class _AsExported:
    """A dossier of the page as the columns' readers see one (the holder's address is where
    their mail goes)."""

    __slots__ = ("_dossier",)

    def __init__(self, dossier: Dossier) -> None:
        self._dossier = dossier

    @property
    def holder(self) -> SimpleNamespace:
        return SimpleNamespace(email=self._dossier.holder.mail_address)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._dossier, name)


def value(key: str, dossier: Dossier) -> exports.Cell | None:
    """What the table reads for a column of ``dossier`` (the export selects the same in its
    statement: ``exports.SOURCES``); None for a column the table draws from its own row."""
    reader = exports.COLUMNS[key][1]
    return reader(_AsExported(dossier)) if reader else None


def cell(key: str, dossier: Dossier) -> str:
    """A column the table draws as its reader reads it."""
    read = value(key, dossier)
    return str(read) if read is not None else ""
