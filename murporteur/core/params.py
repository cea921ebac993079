"""One way to read what a request carries: ids, integers, pages, days, instants, choices and
text, each within bounds, whatever arrives.

A reader answers the value, or None when the text is not one or lies out of bounds: it never
raises. The caller says what None means where it reads: a list filter drops the value (what
someone expects of a filter), the API answers its JSON 400, a form field shows its message.
``str.isdigit()`` is never the test: it says yes to "²" and "٣", which ``int()`` refuses or
reads as 3; only ASCII digits are numbers here, and only as many as the column holds.

Ids in addresses are read by the ``id`` route converter (``/conventions/<id:convention_id>``):
an id no column can hold is "not found" before any view runs.

Business dates (sessions, calls, payments, conventions) have a plausible range of their own,
checked at the form's field (``BusinessDate``) and again by the rules
(``check_business_day``), so that a typing slip never reaches the database and date arithmetic
(a session's slots) never overflows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError

from murporteur.core.errors import DomainError

#: PostgreSQL's ``integer``: every id column, and the widest integer a filter compares.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
#: Pages beyond this are no list anyone browses; the offset stays far within ``bigint``.
MAX_PAGE = 100_000
#: What a filter accepts: wide enough for any real search, narrow enough that date arithmetic
#: (a day after, a time zone) never leaves Python's years 1 to 9999.
FILTER_FIRST_DAY, FILTER_LAST_DAY = date(1900, 1, 1), date(2200, 12, 31)
#: What a session, a call, a payment or a convention may be dated.
BUSINESS_FIRST_DAY, BUSINESS_LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)

_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")


def integer(raw: str | None, *, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """The integer ``raw`` writes in ASCII digits, if it lies within [low, high]."""
    if not isinstance(raw, str) or not _INTEGER.fullmatch(raw.strip()):
        return None
    value = int(raw.strip())
    return value if low <= value <= high else None


def identifier(raw: str | None) -> int | None:
    """A row's id: a positive integer an id column can hold."""
    return integer(raw, low=1)


def identifiers(raws: Iterable[str]) -> list[int]:
    """The ids among ``raws``, each once, in their order; the others are dropped."""
    ids = (identifier(raw) for raw in raws)
    return list(dict.fromkeys(i for i in ids if i is not None))


def page(raw: str | None) -> int:
    """A page number from 1 to ``MAX_PAGE``; anything else is the first page."""
    return integer(raw, low=1, high=MAX_PAGE) or 1


def day(raw: str | None, *, first: date = FILTER_FIRST_DAY,
        last: date = FILTER_LAST_DAY) -> date | None:
    """An ISO 8601 day (``2026-01-31``) within [first, last]."""
    if not isinstance(raw, str):
        return None
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        return None
    return value if first <= value <= last else None


# A "+" typed in a URL arrives as a space: "2026-01-01T00:00:00 01:00" meant "+01:00".
_OFFSET_AS_SPACE = re.compile(r" (\d{2}:?\d{2})$")


def instant(raw: str | None, *, first: date = FILTER_FIRST_DAY, last: date = FILTER_LAST_DAY,
            clamp: bool = False) -> datetime | None:
    """An ISO 8601 date and time with its offset (``Z`` or ``±hh:mm``), as UTC, on a day
    within [first, last]; with ``clamp``, one beyond is brought back to the bound (for a
    "since" filter, the year 1 and the year 1900 select the same rows). Without an offset
    it is ambiguous, so not one."""
    if not isinstance(raw, str):
        return None
    try:
        value = datetime.fromisoformat(_OFFSET_AS_SPACE.sub(r"+\1", raw.strip()))
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    # The day is checked before the conversion, which overflows near years 1 and 9999.
    if clamp and value.date() < first:
        return datetime.combine(first, time.min, tzinfo=UTC)
    if clamp and value.date() > last:
        return datetime.combine(last, time.max, tzinfo=UTC)
    if not first <= value.date() <= last:
        return None
    return value.astimezone(UTC)


def choice(raw: str | None, allowed: Iterable[str], default: str | None = None) -> str | None:
    """``raw`` if it is one of ``allowed``, else ``default``."""
    return raw if isinstance(raw, str) and raw in set(allowed) else default


def text(raw: str | None, max_length: int) -> str:
    """Free text, trimmed, cut at ``max_length`` characters (a search, a name)."""
    return raw.strip()[:max_length] if isinstance(raw, str) else ""


_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def token(raw: str | None, max_length: int) -> str | None:
    """A key the app drew (URL-safe characters, as ``secrets.token_urlsafe`` writes them),
    at most ``max_length`` long: anything else is no key of ours."""
    if not isinstance(raw, str) or len(raw) > max_length or not _TOKEN.fullmatch(raw):
        return None
    return raw


# --- Ids in addresses -------------------------------------------------------------------------

class IdConverter(IntegerConverter):
    """``<id:name>``: a row's id in an address. Only ASCII digits, and only what an id column
    holds: anything else is "not found" (never an overflow in the database)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, min=1, max=INT_MAX)


def register_converters(app: Flask) -> None:
    """Before the blueprints: their rules name the converter."""
    app.url_map.converters["id"] = IdConverter


# --- Business dates ---------------------------------------------------------------------------

def _out_of_range_message():
    return _l("Indiquez une date entre le %(first)s et le %(last)s.",
              first=f"{BUSINESS_FIRST_DAY:%d/%m/%Y}", last=f"{BUSINESS_LAST_DAY:%d/%m/%Y}")


def is_business_day(value: date | datetime | None) -> bool:
    if isinstance(value, datetime):
        value = value.date()
    return value is None or BUSINESS_FIRST_DAY <= value <= BUSINESS_LAST_DAY


def check_business_day(value: date | datetime | None) -> None:
    """The rules' check: a date out of the plausible range is a slip, refused with why."""
    if not is_business_day(value):
        raise DomainError(_out_of_range_message())


class BusinessDate:
    """The form's check, at the field: ``DateField(..., validators=[BusinessDate()])``."""

    def __call__(self, form, field) -> None:
        if not is_business_day(field.data):
            raise ValidationError(_out_of_range_message())
