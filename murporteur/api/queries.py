"""What each API endpoint's query accepts, declared once: the views load with these schemas
(``load_query``), openapi.py describes the parameters from them. How a single value is read
(instants, choices, bounded integers, cursors) is in ``values.py``."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError

from murporteur.api.services import DEFAULT_LIMIT, MAX_LIMIT, InvalidParameter
from murporteur.api.values import BoundedInteger, Choice, Cursor, Instant, describe
from murporteur.committee.workflow import SESSION_STATES
from murporteur.conventions.workflow import CONVENTION_STATES
from murporteur.core import params
from murporteur.submissions.workflow import STATES as DOSSIER_STATES


class Query(Schema):
    """An endpoint's query parameters: any other is refused (a misspelt filter would
    otherwise list everything). A parameter given is read, even empty (an empty cursor, state
    or instant is not one); a parameter left out filters nothing."""

    class Meta:
        unknown = RAISE


class NoQuery(Query):
    pass


class PageQuery(Query):
    limit = BoundedInteger(1, MAX_LIMIT, f"limit must be an integer from 1 to {MAX_LIMIT}",
                           load_default=DEFAULT_LIMIT, metadata=describe("Rows per page."))
    after_id = Cursor(data_key="cursor", metadata=describe(
        "The next_cursor of the previous page (opaque)."))


def _state(options) -> Choice:
    return Choice(options, metadata=describe("Only rows in this state."))


def _updated_since() -> Instant:
    return Instant(metadata=describe(
        "Only rows changed at or after this instant (ISO 8601 with an offset)."))


class DossierQuery(PageQuery):
    state = _state(DOSSIER_STATES)
    updated_since = _updated_since()


class SessionQuery(PageQuery):
    state = _state(SESSION_STATES)


class ConventionQuery(PageQuery):
    state = _state(CONVENTION_STATES)
    updated_since = _updated_since()


class PaymentQuery(PageQuery):
    pass


class PremisesQuery(PageQuery):
    pass


class StatsQuery(Query):
    year = BoundedInteger(params.BUSINESS_FIRST_DAY.year, params.BUSINESS_LAST_DAY.year,
                          "year must be a year such as 2026",
                          metadata=describe("Default: the current year."))


def load_query(schema: Schema, args) -> dict:
    """``args`` read by ``schema``; the first parameter refused raises ``InvalidParameter``:
    an unknown one first (by name), then the declared ones in their order."""
    try:
        return schema.load(args.to_dict() if hasattr(args, "to_dict") else args)
    except ValidationError as exc:
        errors = exc.normalized_messages()
    declared = {f.data_key or name: name for name, f in schema.fields.items()}
    unknown = sorted(set(errors) - set(declared))
    if unknown:
        accepted = ", ".join(sorted(declared)) or "no parameter"
        raise InvalidParameter(unknown[0], f"unknown parameter {unknown[0]!r}; this endpoint "
                               f"accepts {accepted}") from None
    parameter = next(key for key in declared if key in errors)
    raise InvalidParameter(parameter, errors[parameter][0]) from None

