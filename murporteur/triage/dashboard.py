"""The animators' dashboard: tabs, filters, search, sort and deadlines, as one query.

``Filters`` reads the URL (every filter lives there, so a view can be bookmarked and shared);
``dossier_query`` turns it into a SELECT that the page, the counts and the exports share.
The search is in ``fulltext``, the orders and cursors in ``keyset``, the tabs' counts in
``tab_counts`` and the page's rows in ``dashboard_rows``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ARRAY,
    String,
    and_,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
)

from murporteur.accounts.models import User
from murporteur.collective import references
from murporteur.collective import settings as collective_settings
from murporteur.core import params
from murporteur.core.timeutil import PARIS
from murporteur.extensions import db
from murporteur.submissions.choices import PriorityArea, Stage
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import FINISHED, IN_TRIAGE, STATES, DossierState
from murporteur.triage.fulltext import search_condition
from murporteur.triage.keyset import SORTS, decode_cursor
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
        conditions.append(search_condition(f.q))
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
