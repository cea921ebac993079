"""Money is kept in integer cents; this is the one place that reads and writes euros."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency

_SPACES = re.compile(r"[\s\u00a0\u202f']")


class AmountError(ValueError):
    """The text is not an amount in euros."""


def parse_euros(text: str) -> int:
    """Read an amount typed by a person (``12 000``, ``1 234,56 €``, ``1234.5``) into cents."""
    cleaned = _SPACES.sub("", text or "").replace("€", "").replace("EUR", "")
    if not cleaned:
        raise AmountError("empty")
    if "," in cleaned and "." in cleaned:
        # "1.234,56": the dot groups thousands, the comma is the decimal separator.
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", cleaned):
        raise AmountError(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards it
        raise AmountError(text) from exc
    return int(value * 100)


@lru_cache(maxsize=16384)
def format_cents(cents: int | None, locale: str = "fr") -> str:
    """``123456`` → ``1 234,56 €`` in French, ``€1,234.56`` in English. Remembered: a grid
    or a report shows the same amounts many times, and Babel lays each one out slowly."""
    if cents is None:
        return ""
    amount = Decimal(cents) / 100
    fmt = "#,##0 ¤" if cents % 100 == 0 else None
    if locale.startswith("fr"):
        fmt = "#,##0\u00a0¤" if cents % 100 == 0 else "#,##0.00\u00a0¤"
    elif cents % 100 == 0:
        fmt = "¤#,##0"
    return format_currency(amount, "EUR", format=fmt, locale=locale, currency_digits=False)


def cents_to_input(cents: int | None) -> str:
    """The value to put back in an amount field: ``800000`` → ``8000``, ``1050`` → ``10,50``."""
    if cents is None:
        return ""
    euros, rest = divmod(cents, 100)
    return f"{euros}" if rest == 0 else f"{euros},{rest:02d}"
