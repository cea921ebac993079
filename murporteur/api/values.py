"""How the API writes and reads a value: instants, choices, bounded integers, cursors, amounts
and the reporting's figures. The readers are ``core/params``'s, so that the bounds stay written
once; a value refused raises marshmallow's ``ValidationError`` with the message the API answers
(in English, for the developers who call it)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from marshmallow import ValidationError, fields
from marshmallow.validate import OneOf, Range

from murporteur.api.services import InvalidParameter, decode_cursor
from murporteur.core import params

#: An opaque token only this API makes (clients pass back what they got); the custom format
#: names it for tools that generate requests (the schemathesis test registers it).
CURSOR_FORMAT = "murporteur-cursor"


def choices_of(enum_or_table) -> list[str]:
    return [getattr(v, "value", v) for v in enum_or_table]


def enum_value(value) -> str | None:
    return getattr(value, "value", value)


def euros(cents: int) -> str:
    return str(Decimal(cents).scaleb(-2))


def utc_text(value: datetime) -> str:
    """An instant as the API writes it: ISO 8601 in UTC, ending with Z."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def describe(text: str, **more) -> dict:
    return {"description": text, **more}


class Instant(fields.DateTime):
    """Out: ISO 8601 in UTC, ending with Z. In: an ISO 8601 date and time with its offset
    (``params.instant``, brought back within the filters' bounds)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("metadata", describe("ISO 8601, in UTC (ends with Z)."))
        super().__init__(**kwargs)

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return None if value is None else utc_text(value)

    def _deserialize(self, value, attr, data, **kwargs):
        instant = params.instant(value, clamp=True)
        if instant is None:
            raise ValidationError(f"{self.data_key or attr} must be an ISO 8601 date and time "
                                  "with its timezone offset (Z or ±hh:mm), e.g. "
                                  "2026-01-31T09:00:00+01:00")
        return instant


class Choice(fields.String):
    """One of ``options`` (the document lists them): out, an enum's value; in, the text if it
    is one of them (``params.choice``)."""

    def __init__(self, options, **kwargs) -> None:
        self.options = choices_of(options)
        super().__init__(validate=OneOf(self.options), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return enum_value(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if params.choice(value, self.options) is None:
            raise ValidationError(f"unknown {self.data_key or attr} {value!r}; one of "
                                  f"{', '.join(sorted(self.options))}")
        return value


class BoundedInteger(fields.Integer):
    """In: an integer in ASCII digits within [low, high] (``params.integer``); the bounds
    are the document's minimum and maximum."""

    def __init__(self, low: int, high: int, message: str, **kwargs) -> None:
        self.message = message
        super().__init__(validate=Range(low, high), **kwargs)
        self.low, self.high = low, high

    def _deserialize(self, value, attr, data, **kwargs):
        number = params.integer(value, low=self.low, high=self.high)
        if number is None:
            raise ValidationError(self.message)
        return number


class Cursor(fields.String):
    """The ``next_cursor`` of the previous page: the last id it showed."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return decode_cursor(value)
        except InvalidParameter as exc:
            raise ValidationError(exc.message) from exc


class Figures(fields.Dict):
    """The reporting's figures, JSON-ready: Decimals as strings, days and instants in ISO
    8601, enums as their values, and each ``…_cents`` amount with its ``…_euros`` twin."""

    def _serialize(self, value, attr, obj, **kwargs):
        data = _jsonable(value)
        for key, figure in list(data.items()):
            if key.endswith("_cents") and isinstance(figure, int):
                data[key.removesuffix("_cents") + "_euros"] = euros(figure)
        return data


def _jsonable(value):
    if isinstance(value, dict):
        return {str(enum_value(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return enum_value(value)


