"""The animators' dashboard: tabs, filters, search, sort and deadlines, as one query.

``Filters`` reads the URL (every filter lives there, so a view can be bookmarked and shared);
``dossier_query`` turns it into a SELECT that the page, the counts and the exports share.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ARRAY,
    ColumnClause,
    ColumnElement,
    Integer,
    String,
    and_,
    any_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    tuple_,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import InstrumentedAttribute, aliased

from murporteur.accounts.models import User
from murporteur.collective import references
from murporteur.collective import settings as collective_settings
from murporteur.core import params
from murporteur.core.db import utcnow
from murporteur.core.text import strip_accents
from murporteur.core.timeutil import PARIS
from murporteur.extensions import db
from murporteur.submissions.choices import PriorityArea, Stage
from murporteur.submissions.models import Document, Dossier
from murporteur.submissions.tallies import tallies
from murporteur.submissions.workflow import FINISHED, IN_TRIAGE, STATES, DossierState
from murporteur.triage.models import Qualification, dossier_label

_hooks = Namespace()

interest_condition = _hooks.signal("dashboard-interest-condition", doc="""
The « interested organisation » filter, answered by a later stage (the committee). Sender:
the organisation's id. A receiver returns a condition on ``Dossier`` (the dossiers that
organisation showed interest in), or None.
""")

interest_choices = _hooks.signal("dashboard-interest-choices", doc="""
The organisations the « interested organisation » filter offers. A receiver returns a list
of ``Organisation``.
""")

call_condition = _hooks.signal("dashboard-call-condition", doc="""
The « call » filter, answered by a higher layer (calls). Sender: the call's id. A receiver
returns a condition on ``Dossier`` (the ideas answering that call), or None.
""")

call_choices = _hooks.signal("dashboard-call-choices", doc="""
The calls the « call » filter offers. A receiver returns a list of (id, title).
""")


call_title_asked = _hooks.signal("dashboard-call-title", doc="""
The « call » column of the table and its exports, answered by a higher layer (calls). A
receiver returns a scalar expression correlated to ``Dossier``: the title of the call or need
the dossier answers (NULL for none).
""")


def call_title():
    """The title of the call a dossier answers, as a column (NULL without the calls)."""
    found = [e for _receiver, e in call_title_asked.send() if e is not None]
    return found[0] if found else null()


def calls_to_filter() -> list:
    """The choices of the « call » filter (none without the calls)."""
    return [c for _receiver, found in call_choices.send() for c in (found or [])]


def interested_organisations() -> list:
    """The choices of the « interested organisation » filter (none without a committee)."""
    return [o for _receiver, found in interest_choices.send() for o in (found or [])]


def _interest(organisation_id: int):
    found = [condition for _receiver, condition in interest_condition.send(organisation_id)
             if condition is not None]
    return or_(*found) if found else false()


PAGE_SIZE = 50
NUMBER = re.compile(r"^\s*MP-\d{4}-\d{4,}\s*$", re.IGNORECASE)

#: tab -> (label, states it shows; None: see tab_condition)
TABS: dict[str, tuple[object, frozenset[DossierState] | None]] = {
    "to_qualify": (_l("À qualifier"), None),
    "mine": (_l("Mes dossiers"), None),
    "waiting": (_l("En attente du porteur"), frozenset({DossierState.NEEDS_INFO})),
    "retained": (_l("Retenus"), frozenset({DossierState.RETAINED})),
    "on_agenda": (_l("À l'ordre du jour"), frozenset({DossierState.ON_AGENDA})),
    "supported": (_l("Soutenus"), frozenset({DossierState.SUPPORTED})),
    "conventioned": (_l("Conventionnés"), frozenset({DossierState.CONVENTIONED})),
    "finished": (_l("Terminés"), FINISHED),
    "all": (_l("Tous"), None),
}

SORTS = {
    "number": Dossier.number, "title": Dossier.title, "structure": Dossier.structure_name,
    "town": Dossier.town, "submitted": Dossier.submitted_at, "state": Dossier.state,
}
#: The sorts an index reads in order, ties included (``ix_dossier_submitted_keyset``).
INDEXED_SORTS = frozenset({"submitted"})


@dataclass
class Filters:
    tab: str = "to_qualify"
    q: str = ""
    states: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    neighbourhood: str = ""
    priority_area: str = ""
    assigned: str = ""  # a user id, "none", or empty
    labels: list[int] = field(default_factory=list)
    # An organisation that showed interest in committee (supports, or wants to meet).
    interested: int | None = None
    call: int | None = None  # the ideas answering one call or need
    submitted_from: date | None = None
    submitted_to: date | None = None
    sort: str = "submitted"
    direction: str = "desc"
    page: int = 1
    # Keyset pagination (deep pages cost what the first does): the page after, or before,
    # the row a cursor names (``encode_cursor``); the page number is then only shown.
    after: str = ""
    before: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> Filters:
        """Read the URL; what cannot be understood is ignored and said in ``errors``."""
        f = cls()
        # A search typed without a tab looks in every tab (issue 17).
        f.tab = args.get("tab") or ("all" if (args.get("q") or "").strip() else "to_qualify")
        if f.tab not in TABS:
            f.tab = "to_qualify"
        f.q = (args.get("q") or "").strip()[:200]
        f.states = [s for s in args.getlist("state") if s in STATES and s != DossierState.DRAFT]
        f.themes = [t for t in args.getlist("theme") if t in references.keys("theme")]
        f.stages = [s for s in args.getlist("stage") if s in Stage.__members__.values()]
        f.neighbourhood = (args.get("neighbourhood") or "").strip()[:100]
        area = args.get("priority_area", "")
        f.priority_area = area if area in PriorityArea.__members__.values() else ""
        assigned = args.get("assigned", "")
        f.assigned = "none" if assigned == "none" else str(params.identifier(assigned) or "")
        f.labels = params.identifiers(args.getlist("label"))
        f.interested = params.identifier(args.get("interested"))
        f.call = params.identifier(args.get("call"))
        for name in ("submitted_from", "submitted_to"):
            raw = args.get(name, "")
            if raw:
                setattr(f, name, params.day(raw))
                if getattr(f, name) is None and params.day(raw, first=date.min,
                                                           last=date.max):
                    f.errors.append(str(_l("La date « %(value)s » est ignorée : choisissez "
                                           "une date entre %(first)s et %(last)s.", value=raw,
                                           first=params.FILTER_FIRST_DAY.year,
                                           last=params.FILTER_LAST_DAY.year)))
                elif getattr(f, name) is None:
                    f.errors.append(str(_l("La date « %(value)s » n'est pas comprise "
                                           "(format attendu : AAAA-MM-JJ).", value=raw)))
        if f.submitted_from and f.submitted_to and f.submitted_from > f.submitted_to:
            f.errors.append(str(_l("La date de début est après la date de fin : elles ont "
                                   "été inversées.")))
            f.submitted_from, f.submitted_to = f.submitted_to, f.submitted_from
        f.sort = args.get("sort", "submitted")
        if f.sort not in SORTS and f.sort != "assigned":
            f.sort = "submitted"
        f.direction = "asc" if args.get("direction") == "asc" else "desc"
        f.page = params.page(args.get("page"))
        for name in ("after", "before"):
            raw = (args.get(name) or "")[:400]
            if raw and decode_cursor(raw, f) is None:
                f.errors.append(str(_l("Le lien de page n'est plus valable : la première "
                                       "page est affichée.")))
                f.page = 1
            elif raw:
                setattr(f, name, raw)
        if f.after and f.before:
            f.before = ""
        return f

    def to_args(self, **changes) -> dict:
        """The URL parameters of these filters (with ``changes``), empty values left out."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "errors"}
        values.update(changes)
        keep_cursor = changes.keys() <= {"page", "after", "before"} and values["page"] != 1
        args = {"tab": values["tab"], "q": values["q"], "state": values["states"],
                "theme": values["themes"], "stage": values["stages"],
                "neighbourhood": values["neighbourhood"],
                "priority_area": values["priority_area"], "assigned": values["assigned"],
                "label": values["labels"], "interested": values["interested"] or "",
                "call": values["call"] or "",
                "submitted_from": values["submitted_from"].isoformat()
                if values["submitted_from"] else "",
                "submitted_to": values["submitted_to"].isoformat()
                if values["submitted_to"] else "",
                "sort": values["sort"], "direction": values["direction"],
                "page": values["page"] if values["page"] != 1 else "",
                # A cursor belongs to a page of these very filters: any change drops it.
                "after": values["after"] if keep_cursor else "",
                "before": values["before"] if keep_cursor else ""}
        return {k: v for k, v in args.items() if v not in ("", [], None)}

    @property
    def active_count(self) -> int:
        return sum(bool(x) for x in (self.states, self.themes, self.stages, self.neighbourhood,
                                     self.priority_area, self.assigned, self.labels,
                                     self.interested, self.call, self.submitted_from,
                                     self.submitted_to))


def deadlines() -> tuple[int, int]:
    return (collective_settings.get("first_call_days"),
            collective_settings.get("holder_answer_days"))


def overdue_condition(now: datetime):
    """Late: no first call within FIRST_CALL_DAYS, or no answer within HOLDER_ANSWER_DAYS."""
    call_days, answer_days = deadlines()
    no_call = and_(Dossier.state.in_(IN_TRIAGE),
                   Dossier.first_call_at.is_(None),
                   Dossier.submitted_at < now - timedelta(days=call_days))
    no_answer = and_(Dossier.state == DossierState.NEEDS_INFO,
                     Dossier.state_changed_at < now - timedelta(days=answer_days))
    return no_call, no_answer


def tab_condition(tab: str, user: User, row=Dossier):
    """The dossiers of ``tab`` (on ``row``: the dossier table or an alias of it)."""
    states = TABS[tab][1]
    if states is not None:
        return row.state.in_(states)
    if tab == "to_qualify":
        # The dossiers whose badge says « À qualifier »: received, assigned or not (issue 17).
        return row.state == DossierState.SUBMITTED
    if tab == "mine":
        return and_(row.assigned_to_id == user.id, row.state.not_in(TABS["finished"][1]))
    return literal(True)


FRENCH: ColumnClause[Any] = literal_column("'french'::regconfig")


def dossier_document():
    """The dossier's searchable text, as indexed by ``ix_dossier_search`` (PostgreSQL).

    ``murporteur_unaccent`` is ``unaccent`` declared immutable (an index needs it); the
    expression must stay exactly the migration's for the index to be used.
    """
    text: ColumnClause[Any] = literal_column("' '")
    parts = [func.coalesce(column, literal_column("''")) for column in (
        Dossier.title, Dossier.summary, Dossier.structure_name, Dossier.contact_name,
        Dossier.number)]
    joined: ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        joined = joined.op("||")(text).op("||")(part)
    return func.to_tsvector(FRENCH, func.murporteur_unaccent(joined))


def email_document(user=User):
    """A user's e-mail address as indexed by ``ix_user_account_email_search``."""
    return func.to_tsvector(FRENCH, func.murporteur_unaccent(user.email))


def _search_condition(q: str):
    if NUMBER.match(q):
        # Numbers are written upper case (MP-2026-00042): the unique index answers.
        return Dossier.number == q.strip().upper()
    holder = aliased(User)
    if db.session.get_bind().dialect.name == "postgresql":
        # Accent-insensitive French full text: "creche" finds "crèche", "cafés" finds "café".
        # The dossier's words, or its holder's e-mail address: each document is the
        # expression of a GIN index (migration 0008). The holders whose address matches are
        # found first (a subquery run once), so that the dossiers are read from the union of
        # two indexes (a bitmap OR) instead of every dossier being joined to the matches.
        query = func.plainto_tsquery("french", func.unaccent(q))

        def holders(*conditions) -> ColumnElement[Any]:
            found = select(func.array_agg(holder.id)).where(*conditions).scalar_subquery()
            return Dossier.holder_id == any_(cast(found, ARRAY(Integer)))

        return or_(
            dossier_document().op("@@")(query),
            holders(email_document(holder).op("@@")(query)),
            # The few holders kept apart from a staff address: the address they typed.
            holders(holder.contact_email.is_not(None), func.to_tsvector(
                FRENCH, func.murporteur_unaccent(holder.contact_email)).op("@@")(query)))
    # SQLite: every word somewhere in those fields, accents and case folded (the app
    # registers ``unaccent`` on SQLite connections).
    holder_email = select(func.coalesce(holder.contact_email, holder.email)) \
        .where(holder.id == Dossier.holder_id) \
        .correlate(Dossier).scalar_subquery()
    words = [w for w in strip_accents(q).lower().split() if w]
    haystack = func.lower(func.unaccent(
        Dossier.title + " " + Dossier.summary + " " + Dossier.structure_name + " "
        + Dossier.contact_name + " " + func.coalesce(holder_email, "")))
    return and_(*[haystack.contains(word) for word in words]) if words else literal(True)


def _themes_condition(themes: list[str]):
    """The dossiers qualified with one of ``themes`` (``Dossier.qualified_themes``): its GIN
    index on PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return Dossier.qualified_themes.op("&&")(literal(themes, ARRAY(String(32))))
    kept = func.json_each(Dossier.qualified_themes).table_valued("value")
    return exists(select(kept.c.value).where(kept.c.value.in_(themes)))


def filter_conditions(f: Filters) -> list:
    """Every condition of ``f`` except the tab (which the counts vary)."""
    conditions = [Dossier.state != DossierState.DRAFT]
    # The stage, priority area and themes the qualification gave, else the holder's answers:
    # kept on the dossier, with their indexes (``triage.models.keep_filtered_answers``).
    if f.q:
        conditions.append(_search_condition(f.q))
    if f.states:
        conditions.append(Dossier.state.in_(f.states))
    if f.themes:
        conditions.append(_themes_condition(f.themes))
    if f.stages:
        conditions.append(Dossier.effective_stage.in_(f.stages))
    if f.priority_area:
        conditions.append(Dossier.effective_priority_area == f.priority_area)
    if f.neighbourhood:  # read through the qualification (``dossier_query`` joins it)
        text = func.lower(func.coalesce(Qualification.neighbourhoods, Dossier.neighbourhoods))
        conditions.append(text.contains(f.neighbourhood.lower()))
    if f.assigned == "none":
        conditions.append(Dossier.assigned_to_id.is_(None))
    elif f.assigned:
        conditions.append(Dossier.assigned_to_id == int(f.assigned))
    if f.labels:
        conditions.append(exists().where(dossier_label.c.dossier_id == Dossier.id,
                                         dossier_label.c.label_id.in_(f.labels)))
    if f.interested:
        conditions.append(_interest(f.interested))
    if f.call:
        found = [c for _receiver, c in call_condition.send(f.call) if c is not None]
        conditions.append(or_(*found) if found else false())
    if f.submitted_from:
        conditions.append(Dossier.submitted_at >= datetime.combine(
            f.submitted_from, time.min, tzinfo=PARIS))
    if f.submitted_to:
        conditions.append(Dossier.submitted_at < datetime.combine(
            f.submitted_to + timedelta(days=1), time.min, tzinfo=PARIS))
    return conditions


def dossier_query(f: Filters, user: User, *, with_tab: bool = True):
    """SELECT Dossier for the filters (outer-joined to its qualification when the
    neighbourhood filter reads it), unordered."""
    query = select(Dossier)
    if f.neighbourhood:
        query = query.outerjoin(Qualification, Qualification.dossier_id == Dossier.id)
    conditions = filter_conditions(f)
    if with_tab:
        conditions.append(tab_condition(f.tab, user))
    return query.where(*conditions)


def _full_text(f: Filters) -> bool:
    """Whether ``f`` searches the full text (PostgreSQL; a dossier number is looked up)."""
    return bool(f.q) and not NUMBER.match(f.q) \
        and db.session.get_bind().dialect.name == "postgresql"


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
    if _full_text(f):
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


def _keyset(column, value, ident: int, *, forward: bool, ascending: bool, ids=Dossier.id):
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


def kept_tab_counts(user: User) -> dict[str, int]:
    """How many dossiers each tab holds, from the counts the database keeps per state and
    assignee (``submissions.tallies``): a few dozen rows, whatever the number of dossiers."""
    counts = tallies()
    finished = {str(s) for s in TABS["finished"][1] or ()}
    result = dict.fromkeys(TABS, 0)
    for (state, assignee), count in counts.items():
        result["all"] += count
        if state == DossierState.SUBMITTED:  # assigned or not: the badge's meaning
            result["to_qualify"] += count
        if assignee == user.id and state not in finished:
            result["mine"] += count
        for tab, (_label, states) in TABS.items():
            if states is not None and state in states:
                result[tab] += count
    return result


def tab_counts(f: Filters, user: User) -> dict[str, int]:
    """How many dossiers each tab holds under the other filters: the kept counts without
    filters, else one query (through the indexes of the filters and of the search)."""
    if not f.q and not f.active_count:
        return kept_tab_counts(user)
    _costed_in_memory()
    return counted_tab_counts(f, user)


def _costed_in_memory() -> None:
    """The filtered reads of this transaction planned for data in memory (PostgreSQL).

    At the default cost of a random page (4: a spinning disk), the planner prefers walking
    the whole period of a date filter through its index, the dossiers being stored in the
    order they were sent, to combining the indexes of the filters (a bitmap AND) and reading
    only the matches: at 100,000 dossiers, 40,000 rows read (50 ms) against 1,526 (12 ms) for
    a theme, a stage and a year. The dossiers and their indexes are in memory, where a page
    read at random costs about what a page read in order does (PostgreSQL's documentation
    suggests 1.1). SET LOCAL: until the end of the transaction, the request's.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sql_text("SET LOCAL random_page_cost = 1.1"))


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
        position = _keyset(hits.c.sort_key, value, ident, forward=forward,
                           ascending=f.direction == "asc", ids=hits.c.id)
        if forward and value is not None:  # the rows without a value come last
            position = or_(position, hits.c.sort_key.is_(None))
        page = page.where(position).limit(PAGE_SIZE)
    else:
        page = page.limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE)
    listed = page.subquery()
    ids = select(func.aggregate_strings(cast(listed.c.id, String), ",")).scalar_subquery()
    counts = [func.coalesce(func.sum(case((tab_condition(tab, user, hits.c), 1), else_=0)), 0)
              for tab in TABS]
    *numbers, joined = db.session.execute(select(*counts, ids).select_from(hits)).one()
    return (dict(zip(TABS, numbers, strict=True)),
            [int(i) for i in joined.split(",")] if joined else [])


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
    _costed_in_memory()
    if _full_text(f) or f.sort not in INDEXED_SORTS:
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
        rows = list(db.session.execute(query.where(_keyset(
            column, value, ident, forward=bool(f.after), ascending=f.direction == "asc"))
            .limit(PAGE_SIZE)).all())
        if f.after and value is not None and len(rows) < PAGE_SIZE:
            # The page reaches the rows without a value, last in the order.
            rows += db.session.execute(query.where(column.is_(None))
                                       .limit(PAGE_SIZE - len(rows))).all()
        if f.before:
            rows.reverse()
    else:
        rows = list(db.session.execute(
            query.limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE)).all())
    today = now.astimezone(PARIS).date()
    return [Row(d, count, (today - d.submitted_at.astimezone(PARIS).date()).days,
                bool(late_call), bool(late_answer), dict(zip(extras, more, strict=True)))
            for d, count, late_call, late_answer, *more in rows], total
