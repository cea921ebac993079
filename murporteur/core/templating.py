"""Formatting shared by templates, e-mails and exports: Paris time and euros. The templates'
wiring (filters, globals, the bell) is the web shell's (``murporteur/web/templating.py``)."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from flask_babel import format_date, format_datetime, get_locale
from markupsafe import Markup

from murporteur.core.money import format_cents
from murporteur.core.timeutil import to_paris

#: The letters of a date pattern that read the time of day (quoted text aside).
_TIME_FIELDS = re.compile(r"[HhKkmsSaAzZvVOxX]")


def paris_datetime(value: datetime | None, fmt: str = "d MMMM yyyy 'à' HH:mm") -> str:
    if value is None:
        return ""
    locale = str(get_locale() or "fr")
    if locale.startswith("en"):
        fmt = fmt.replace("'à'", "'at'")
    paris = to_paris(value)
    if not _TIME_FIELDS.search(re.sub(r"'[^']*'", "", fmt)):
        return _day(paris.date(), fmt, locale)  # a day only: the same text for the whole day
    return _moment(paris, fmt, locale)


@lru_cache(maxsize=8192)
def _moment(moment: datetime, fmt: str, locale: str) -> str:
    """A moment in ``fmt``, remembered: the committee grid shows a hundred slot times, a few
    dozen distinct ones, at 35 µs each through Babel. ``locale`` is the current one (computed
    by the caller from ``get_locale()``), part of the key because the text is laid out in it."""
    return format_datetime(moment, fmt)


@lru_cache(maxsize=8192)
def _day(day: date, fmt: str, locale: str) -> str:
    """A day in ``fmt`` (no time of day in it), remembered: a page of 50 dossiers shows a few
    distinct days, and Babel lays each one out slowly."""
    return babel_format_date(day, fmt, locale=locale)


def paris_date(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_date(to_paris(value).date(), "d MMMM yyyy")


def tel_link(phone: str | None) -> Markup:
    """A phone number people tap to call: ``<a href="tel:+33612345678">06 12 34 56 78</a>``
    (digits and a leading + only in the address; the number shown as typed)."""
    if not phone:
        return Markup("")
    digits = re.sub(r"[^0-9+]", "", phone)
    digits = digits[:1] + digits[1:].replace("+", "")
    if len(re.sub(r"\D", "", digits)) < 6:
        return Markup.escape(phone)
    return Markup('<a href="tel:{0}">{1}</a>').format(digits, phone)


def euros(cents: int | None) -> str:
    return format_cents(cents, str(get_locale() or "fr"))
