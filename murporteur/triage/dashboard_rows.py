"""The dashboard's page: the tabs' counts, the page's rows (with their deadlines and the
columns asked for) and the number of dossiers in the tab."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from murporteur.accounts.models import User
from murporteur.core.db import utcnow
from murporteur.core.timeutil import PARIS
from murporteur.extensions import db
from murporteur.submissions.models import Document, Dossier
from murporteur.triage import dashboard
from murporteur.triage.dashboard import Filters, dossier_query, overdue_condition
from murporteur.triage.fulltext import full_text
from murporteur.triage.keyset import INDEXED_SORTS, decode_cursor, keyset_condition, ordered_on
from murporteur.triage.tab_counts import (
    costed_in_memory,
    counted_tab_counts,
    counted_with_page,
    kept_tab_counts,
)


def dashboard_view(f: Filters, user: User, now: datetime | None = None, *, options=(),
                   extras: dict[str, Any] | None = None
                   ) -> tuple[dict[str, int], list[Row], int]:
    """The tabs' counts, the page's rows and the number of dossiers in the tab.

    Without filters: the counts kept by the lifecycle, the page read through the order's
    index. With filters or a search, when the page's order sorts the matches (a search, or a
    column no index orders): the matches read once for the counts and the page's ids
    (``counted_with_page``), then those rows. Otherwise (the order of arrival, which an index
    gives): the counts, then the page, which the planner reads through that index when the
    matches are many (a materialized reading would sort them all) or sorts when they are few.
    """
    if not f.q and not f.active_count:
        counts = kept_tab_counts(user)
        rows, total = dashboard_page(f, user, now, counts=counts, options=options,
                                     extras=extras)
        return counts, rows, total
    costed_in_memory()
    if full_text(f.q) or f.sort not in INDEXED_SORTS:
        counts, ids = counted_with_page(f, user)
    else:
        counts, ids = counted_tab_counts(f, user), None
    rows, total = dashboard_page(f, user, now, counts=counts, ids=ids, options=options,
                                 extras=extras)
    return counts, rows, total


@dataclass
class Row:
    dossier: Dossier
    document_count: int
    age_days: int
    overdue_call: bool
    overdue_answer: bool
    #: The values of the ``extras`` columns asked for (``columns.extras``).
    extras: dict[str, Any] = field(default_factory=dict)


def dashboard_page(f: Filters, user: User, now: datetime | None = None, *,
                   counts: dict[str, int] | None = None, ids: list[int] | None = None,
                   options=(), extras: dict[str, Any] | None = None) -> tuple[list[Row], int]:
    """The page of rows under ``f`` and the number of dossiers in the tab (read from
    ``counts``, the tabs' counts under the same filters, when given: the filtered count is
    not computed twice). ``ids``: the page's dossiers, already found (``counted_with_page``).
    ``options`` load what the columns shown read, for all the rows at once; ``extras`` (name
    → expression) are read with each row."""
    extras = extras or {}
    now = now or utcnow()
    no_call, no_answer = overdue_condition(now)
    documents = (select(func.count(Document.id))
                 .where(Document.dossier_id == Dossier.id, Document.removed.is_(False))
                 .correlate(Dossier).scalar_subquery())
    query = dossier_query(f, user)
    if counts is not None:
        total = counts[f.tab]
    else:
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if ids is not None:
        query = select(Dossier).where(Dossier.id.in_(ids))
    cursor = decode_cursor(f.after or f.before, f) if (f.after or f.before) else None
    query, column = ordered_on(query.add_columns(documents, no_call, no_answer,
                                                 *extras.values()), f,
                               reverse=bool(cursor and f.before))
    query = query.options(*options)
    if ids is not None:
        rows = list(db.session.execute(query).all()) if ids else []
        if cursor is not None and f.before:
            rows.reverse()
    elif cursor is not None:
        value, ident = cursor
        rows = list(db.session.execute(query.where(keyset_condition(
            column, value, ident, forward=bool(f.after), ascending=f.direction == "asc"))
            .limit(dashboard.PAGE_SIZE)).all())
        if f.after and value is not None and len(rows) < dashboard.PAGE_SIZE:
            # The page reaches the rows without a value, last in the order.
            rows += db.session.execute(query.where(column.is_(None))
                                       .limit(dashboard.PAGE_SIZE - len(rows))).all()
        if f.before:
            rows.reverse()
    else:
        rows = list(db.session.execute(
            query.limit(dashboard.PAGE_SIZE).offset((f.page - 1) * dashboard.PAGE_SIZE)).all())
    today = now.astimezone(PARIS).date()
    return [Row(d, count, (today - d.submitted_at.astimezone(PARIS).date()).days,
                bool(late_call), bool(late_answer), dict(zip(extras, more, strict=True)))
            for d, count, late_call, late_answer, *more in rows], total
