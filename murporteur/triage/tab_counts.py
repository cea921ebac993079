"""How many dossiers each tab of the dashboard holds: the counts the database keeps when no
filter is set, else counted under the filters (with the page's ids when one reading gives both).
"""

from __future__ import annotations

from sqlalchemy import String, case, cast, func, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import aliased

from murporteur.accounts.models import User
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.submissions.tallies import tallies
from murporteur.submissions.workflow import DossierState
from murporteur.triage import dashboard
from murporteur.triage.dashboard import TABS, Filters, dossier_query, tab_condition
from murporteur.triage.keyset import decode_cursor, keyset_condition, ordered_on


def kept_tab_counts(user: User) -> dict[str, int]:
    """How many dossiers each tab holds, from the counts the database keeps per state and
    assignee (``submissions.tallies``): a few dozen rows, whatever the number of dossiers."""
    counts = tallies()
    finished = {str(s) for s in TABS["finished"][1] or ()}
    user_id = user.id  # once: ``user`` is often the request's proxy, dear to read per row
    tabs_of: dict[str, list[str]] = {}  # a state's tabs, found once per state
    result = dict.fromkeys(TABS, 0)
    for (state, assignee), count in counts.items():
        result["all"] += count
        if state == DossierState.SUBMITTED:  # assigned or not: the badge's meaning
            result["to_qualify"] += count
        if assignee == user_id and state not in finished:
            result["mine"] += count
        if state not in tabs_of:
            tabs_of[state] = [tab for tab, (_label, states) in TABS.items()
                              if states is not None and state in states]
        for tab in tabs_of[state]:
            result[tab] += count
    return result


def tab_counts(f: Filters, user: User) -> dict[str, int]:
    """How many dossiers each tab holds under the other filters: the kept counts without
    filters, else one query (through the indexes of the filters and of the search)."""
    if not f.q and not f.active_count:
        return kept_tab_counts(user)
    costed_in_memory()
    return counted_tab_counts(f, user)


def costed_in_memory() -> None:
    """The filtered reads of this transaction planned for data in memory, on one process
    (PostgreSQL).

    At the default cost of a random page (4: a spinning disk), the planner prefers walking
    the whole period of a date filter through its index, the dossiers being stored in the
    order they were sent, to combining the indexes of the filters (a bitmap AND) and reading
    only the matches: at 100,000 dossiers, 40,000 rows read (50 ms) against 1,526 (12 ms) for
    a theme, a stage and a year. The dossiers and their indexes are in memory, where a page
    read at random costs about what a page read in order does (PostgreSQL's documentation
    suggests 1.1).

    Parallel workers: a search for a common word (8,500 matches at 100,000 dossiers) is read
    by two workers and a leader, which costs more than it saves for a read of 5 to 10 ms:
    the matches, their counts and the page took 19.7 ms with workers against 9.2 ms without
    (EXPLAIN ANALYZE, best of 15; a count alone 16.5 against 4.4). Workers are started for
    each statement, and under load (several requests at once) they take the cores the other
    requests need. SET LOCAL (``set_config(…, true)``): until the end of the transaction,
    the request's; both in one statement.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sql_text(
            "SELECT set_config('random_page_cost', '1.1', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"))


def counted_tab_counts(f: Filters, user: User) -> dict[str, int]:
    """How many dossiers each tab holds under the other filters, in one query."""
    base = dossier_query(f, user, with_tab=False).subquery()
    row = aliased(Dossier, base)
    columns = [func.coalesce(func.sum(case((tab_condition(tab, user, row), 1), else_=0)), 0)
               .label(tab) for tab in TABS]
    result = db.session.execute(select(*columns).select_from(base)).one()
    return dict(zip(TABS, result, strict=True))


def counted_with_page(f: Filters, user: User) -> tuple[dict[str, int], list[int]]:
    """How many dossiers each tab holds under the filters and the ids of the page's
    dossiers, from one reading of the dossiers that match.

    The matches (id, state, assignee, sort key) are read once, through the indexes of the
    filters and of the search, into a materialized CTE; the tabs' counts and the page (its
    offset, or its cursor) are taken from it. Counting, then reading the page in a second
    statement, read every match twice; the page's statement sorted whole rows.
    """
    cursor = decode_cursor(f.after or f.before, f) if (f.after or f.before) else None
    keyed, column = ordered_on(dossier_query(f, user, with_tab=False), f)
    hits = keyed.order_by(None).with_only_columns(
        Dossier.id, Dossier.state, Dossier.assigned_to_id, column.label("sort_key")) \
        .cte("hits").prefix_with("MATERIALIZED", dialect="postgresql")
    ascending = (f.direction == "asc") != bool(cursor and f.before)
    order = hits.c.sort_key.asc() if ascending else hits.c.sort_key.desc()
    page = select(hits.c.id).where(tab_condition(f.tab, user, hits.c)).order_by(
        order.nulls_first() if cursor and f.before else order.nulls_last(),
        hits.c.id.asc() if ascending else hits.c.id.desc())
    if cursor is not None:
        value, ident = cursor
        forward = bool(f.after)
        position = keyset_condition(hits.c.sort_key, value, ident, forward=forward,
                           ascending=f.direction == "asc", ids=hits.c.id)
        if forward and value is not None:  # the rows without a value come last
            position = or_(position, hits.c.sort_key.is_(None))
        page = page.where(position).limit(dashboard.PAGE_SIZE)
    else:
        page = page.limit(dashboard.PAGE_SIZE).offset((f.page - 1) * dashboard.PAGE_SIZE)
    listed = page.subquery()
    ids = select(func.aggregate_strings(cast(listed.c.id, String), ",")).scalar_subquery()
    counts = [func.coalesce(func.sum(case((tab_condition(tab, user, hits.c), 1), else_=0)), 0)
              for tab in TABS]
    *numbers, joined = db.session.execute(select(*counts, ids).select_from(hits)).one()
    return (dict(zip(TABS, numbers, strict=True)),
            [int(i) for i in joined.split(",")] if joined else [])
