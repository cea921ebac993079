"""The dashboard's orders and its keyset pages: a query in the order of the filters, and the
cursor (sort value and id of the row at a page's edge) that the next or previous page is read
from, so that page 200 costs what page 1 does."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, tuple_
from sqlalchemy.orm import InstrumentedAttribute, aliased

from murporteur.accounts.models import User
from murporteur.submissions.models import Dossier
from murporteur.triage.fulltext import full_text

if TYPE_CHECKING:
    from murporteur.triage.dashboard import Filters

SORTS = {
    "number": Dossier.number, "title": Dossier.title, "structure": Dossier.structure_name,
    "town": Dossier.town, "submitted": Dossier.submitted_at, "state": Dossier.state,
}
#: The sorts an index reads in order, ties included (``ix_dossier_submitted_keyset``).
INDEXED_SORTS = frozenset({"submitted"})


def ordered(query, f: Filters):
    """``query`` in the order of ``f``, the dossier's id breaking ties."""
    return ordered_on(query, f)[0]


def ordered_on(query, f: Filters, *, reverse: bool = False):
    """``query`` in the order of ``f`` (the dossier's id breaking ties), or its exact reverse;
    with the column sorted on."""
    column: InstrumentedAttribute[Any]
    if f.sort == "assigned":
        assignee = aliased(User)
        query = query.outerjoin(assignee, assignee.id == Dossier.assigned_to_id)
        column = assignee.full_name
    else:
        column = SORTS[f.sort]
    key: Any = column
    if full_text(f.q):
        # A full-text search's matches are read from its GIN index, then sorted (its export,
        # a page read without ``counted_with_page``). Walking the index of the order instead
        # (as the planner would, for a frequent word) computes the document of each dossier
        # it passes, at a cost the planner does not see: the sort key wrapped in COALESCE is
        # one no index offers.
        key = func.coalesce(column)
    ascending = (f.direction == "asc") != reverse
    order = key.asc() if ascending else key.desc()
    tie = Dossier.id.asc() if ascending else Dossier.id.desc()
    nulls = order.nulls_first() if reverse else order.nulls_last()
    return query.order_by(nulls, tie), column


def encode_cursor(f: Filters, dossier: Dossier) -> str:
    """The position of ``dossier`` in the order of ``f``: its sort value and its id."""
    if f.sort == "assigned":
        value: Any = dossier.assigned_to.full_name if dossier.assigned_to else None
    else:
        value = getattr(dossier, SORTS[f.sort].key)
    if isinstance(value, datetime):
        value = value.isoformat()
    elif value is not None:
        value = str(value)
    raw = json.dumps([f.sort, f.direction, value, dossier.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, f: Filters) -> tuple[Any, int] | None:
    """(sort value, id) of a cursor made for the sort of ``f``; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        sort, direction, value, ident = json.loads(raw)
        if (sort, direction) != (f.sort, f.direction) or not isinstance(ident, int) \
                or not (value is None or isinstance(value, str)):
            return None
        if value is not None and sort == "submitted":
            value = datetime.fromisoformat(value)
        return value, ident
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def keyset_condition(column, value, ident: int, *, forward: bool, ascending: bool, ids=Dossier.id):
    """The rows after (``forward``) or before the position (value, ident) in the order
    ``column`` asc/desc NULLS LAST, ``ids`` asc/desc; from a position with a value, only the
    rows with one (those without come last: ``dashboard_page`` reads them when a page reaches
    them). Those are one row comparison, (column, id) beyond (value, ident): the index of the
    order (``ix_dossier_submitted_keyset``) reads from the position on, however deep."""
    greater = ascending == forward
    if value is None:  # among the last rows, those without a value
        tie = (ids > ident) if greater else (ids < ident)
        return and_(column.is_(None), tie) if forward \
            else or_(column.is_not(None), and_(column.is_(None), tie))
    position = tuple_(column, ids)
    # A tuple of values: SQLAlchemy binds each as its column's type (a UTC timestamp…).
    return position > (value, ident) if greater else position < (value, ident)
