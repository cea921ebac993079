"""The benchmark's ceiling: the dashboard's SQL with nothing around it (``BENCH=1`` only).

``GET /_bench/dashboard-sql?user=<animator id>&<dashboard filters>`` runs the statements the
dashboard runs for its rows — the tab counts, the total and the page of 50 rows with their
document counts and deadlines — at the Core level (no ORM objects, no template, no login,
no session cookie), and answers a line of text. The load scenario compares each page's
throughput with this one's. The route does not exist unless ``BENCH`` is set, which the
settings refuse in production.
"""

from __future__ import annotations

from flask import Blueprint, abort, request
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from murporteur.accounts.models import Role, User
from murporteur.core import params
from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.submissions.models import Document, Dossier
from murporteur.triage import dashboard, keyset

bp = Blueprint("bench", __name__, url_prefix="/_bench")


@bp.get("/dashboard-sql")
def dashboard_sql():
    user_id = params.identifier(request.args.get("user"))
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.role != Role.ANIMATOR:
        abort(404)
    f = dashboard.Filters.from_args(request.args)
    connection = db.session.connection()
    # The tab counts (one statement).
    base = dashboard.dossier_query(f, user, with_tab=False).subquery()
    row = aliased(Dossier, base)
    counts = connection.execute(select(*[
        func.coalesce(func.sum(case((dashboard.tab_condition(tab, user, row), 1),
                                              else_=0)), 0) for tab in dashboard.TABS])
        .select_from(base)).one()
    # The total of the tab, then its page of rows.
    query = dashboard.dossier_query(f, user)
    total = connection.execute(select(func.count()).select_from(query.subquery())).scalar()
    no_call, no_answer = dashboard.overdue_condition(utcnow())
    documents = (select(func.count(Document.id))
                 .where(Document.dossier_id == Dossier.id, Document.removed.is_(False))
                 .correlate(Dossier).scalar_subquery())
    page = keyset.ordered(query.add_columns(documents, no_call, no_answer), f) \
        .limit(dashboard.PAGE_SIZE).offset((f.page - 1) * dashboard.PAGE_SIZE)
    rows = connection.execute(page).all()
    return f"tabs={list(counts)} total={total} rows={len(rows)}\n", 200, {
        "Content-Type": "text/plain; charset=utf-8"}
