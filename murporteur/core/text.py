"""Text helpers."""

from __future__ import annotations

import unicodedata
from typing import overload


@overload
def strip_accents(text: str) -> str: ...
@overload
def strip_accents(text: None) -> None: ...
def strip_accents(text: str | None) -> str | None:
    """``"Crèche à Vénissieux"`` → ``"Creche a Venissieux"`` (case kept)."""
    if text is None:
        return None
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def french_order(column):
    """``column`` as French readers sort it: « Épargne » among the E's, case aside (the app
    registers ``unaccent`` on SQLite; PostgreSQL has the extension)."""
    from sqlalchemy import func

    return func.lower(func.unaccent(column))
