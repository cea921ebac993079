"""The reporting's figures, kept in Redis between requests (``core.cache``), keyed by the
version of the data they are computed from.

The version is the tokens of ``figures_version``, which database triggers change in every
transaction that writes a table the figures read (``reporting.models``). It is read first,
in one statement, then the figures are computed (or read): figures computed after a commit
are at least as new as the version read before it, and a reader who sees that commit reads a
new version, hence a new key. A rolled back write leaves the tokens as they were. So a cached
figure is never older than the data its key names. Without Redis the figures are computed at
each request, as before.

What is cached is plain data (JSON): the organisations of a table come back as
``OrganisationRef`` (their id and name, what the page and the charts read).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import select

from murporteur.accounts.models import Organisation
from murporteur.core import cache
from murporteur.extensions import db
from murporteur.reporting import exchanges, services
from murporteur.reporting.models import FiguresVersion
from murporteur.reporting.periods import Period
from murporteur.reporting.results import (
    BreakdownRow,
    Figures,
    Medians,
    Money,
    OrganisationRow,
    QuarterRow,
)
from murporteur.reporting.services import SupportedProject

#: Bumped when what is stored changes shape: older entries are then never read.
FORMAT = 1


@dataclass(frozen=True)
class OrganisationRef:
    """An organisation as a cached figure names it."""

    id: int
    name: str


def version() -> str:
    """A short word that changes whenever the data the figures read does: read once per
    request, before its first figure (each time outside a request)."""
    if not has_request_context():
        return _read_version()
    if _VERSION not in request.environ:
        request.environ[_VERSION] = _read_version()
    return request.environ[_VERSION]


_VERSION = "murporteur.figures_version"


def _read_version() -> str:
    tokens = db.session.execute(
        select(FiguresVersion.slot, FiguresVersion.token).order_by(FiguresVersion.slot)).all()
    joined = "|".join(f"{slot}:{token}" for slot, token in tokens)
    return hashlib.sha256(joined.encode()).hexdigest()[:24]


def _key(what: str, period: Period, *more) -> str:
    parts = [f"figures{FORMAT}", version(), what, period.start.isoformat(),
             period.end.isoformat(), period.kind, *(str(m) for m in more)]
    return ":".join(parts)


# --- Figures ------------------------------------------------------------------------------

def _dump_money(money: Money) -> dict:
    return asdict(money)


def _dump_figures(figures: Figures) -> dict:
    return {
        "funnel": figures.funnel, "sessions_held": figures.sessions_held,
        "collective": _dump_money(figures.collective), "money": _dump_money(figures.money),
        "crossed": figures.crossed, "backed": figures.backed,
        "medians": asdict(figures.medians),
        "by_theme": [asdict(r) for r in figures.by_theme],
        "by_stage": [asdict(r) for r in figures.by_stage],
        "by_priority_area": [asdict(r) for r in figures.by_priority_area],
        "by_organisation": [{"id": r.organisation.id, "name": r.organisation.name,
                             "money": _dump_money(r.money), "supported": r.supported}
                            for r in figures.by_organisation],
        "quarters": [{"counts": q.counts, "money": _dump_money(q.money)}
                     for q in figures.quarters],
    }


def _load_figures(data: dict, period: Period, organisation: Organisation | None) -> Figures:
    quarters = period.quarters()
    return Figures(
        period=period, organisation=organisation, funnel=data["funnel"],
        sessions_held=data["sessions_held"], collective=Money(**data["collective"]),
        money=Money(**data["money"]), crossed=data["crossed"], backed=data["backed"],
        medians=Medians(**data["medians"]),
        by_theme=[BreakdownRow(**r) for r in data["by_theme"]],
        by_stage=[BreakdownRow(**r) for r in data["by_stage"]],
        by_priority_area=[BreakdownRow(**r) for r in data["by_priority_area"]],
        by_organisation=[OrganisationRow(OrganisationRef(r["id"], r["name"]),  # type: ignore[arg-type]
                                         Money(**r["money"]), r["supported"])
                         for r in data["by_organisation"]],
        quarters=[QuarterRow(q, row["counts"], Money(**row["money"]))
                  for q, row in zip(quarters, data["quarters"], strict=True)])


def figures(period: Period, organisation: Organisation | None = None) -> Figures:
    """``services.figures``, from the cache when the data has not changed since."""
    scope = organisation.id if organisation is not None else "all"
    return cache.remember(
        _key("figures", period, scope),
        lambda: services.figures(period, organisation), _dump_figures,
        lambda data: _load_figures(data, period, organisation))


# --- Supported projects and the crossed interventions' trend --------------------------------

def _dump_supported(value: tuple[list[SupportedProject], int]) -> dict:
    projects, count = value
    return {"count": count, "projects": [
        {**asdict(p), "supported_at": p.supported_at.isoformat()} for p in projects]}


def _load_supported(data: dict) -> tuple[list[SupportedProject], int]:
    return ([SupportedProject(**{**p, "supported_at": datetime.fromisoformat(p["supported_at"])})
             for p in data["projects"]], data["count"])


def supported(period: Period, limit: int) -> tuple[list[SupportedProject], int]:
    """The first ``limit`` projects supported in the period, and how many there are."""
    return cache.remember(
        _key("supported", period, limit),
        lambda: (services.supported_projects(period, limit=limit),
                 services.supported_count(period)),
        _dump_supported, _load_supported)


def crossed_trend(year: int) -> list[tuple[int, int, int, float | None]]:
    """``exchanges.crossed_trend``, from the cache when the data has not changed since."""
    return cache.remember(
        _key("trend", Period.of_year(year)), lambda: exchanges.crossed_trend(year),
        lambda rows: [list(r) for r in rows], lambda rows: [tuple(r) for r in rows])


# --- Warming ----------------------------------------------------------------------------------

#: The reporting page's list of supported projects: the first ones, the whole list in its
#: export and the yearly report (PDF).
SUPPORTED_ON_PAGE = 20


def warm(years: list[int] | None = None) -> list[int]:
    """Compute, if they are not cached for the current version, the collective's figures of
    ``years`` (this year and the last, by default) as the reporting page reads them: the
    first reader after a change then finds them ready (beat, every minute). The years
    computed again are returned (none when nothing changed)."""
    from murporteur.core import cache as store
    from murporteur.core.timeutil import paris_today

    if years is None:
        this_year = paris_today().year
        years = [this_year, this_year - 1]
    if store.client() is None:
        return []  # nowhere to keep them: each page computes its own
    computed = []
    for year in years:
        period = Period.of_year(year)
        key = store.PREFIX + _key("figures", period, "all")
        if store.exists(key):
            continue
        figures(period)
        supported(period, SUPPORTED_ON_PAGE)
        crossed_trend(year)
        computed.append(year)
    return computed
