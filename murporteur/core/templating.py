"""Formatting shared by templates, e-mails and exports: Paris time and euros. The templates'
wiring (filters, globals, the bell) is the web shell's (``murporteur/web/templating.py``)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, format_datetime, get_locale

from murporteur.core.money import format_cents
from murporteur.core.timeutil import to_paris


def paris_datetime(value: datetime | None, fmt: str = "d MMMM yyyy 'à' HH:mm") -> str:
    if value is None:
        return ""
    locale = str(get_locale() or "fr")
    if locale.startswith("en"):
        fmt = fmt.replace("'à'", "'at'")
    return format_datetime(to_paris(value), fmt)


def paris_date(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_date(to_paris(value).date(), "d MMMM yyyy")


def euros(cents: int | None) -> str:
    return format_cents(cents, str(get_locale() or "fr"))
