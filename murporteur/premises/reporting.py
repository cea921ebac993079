"""The premises' figures, per landlord and year: units offered (put under discussion by a
committee position), units let (a premises convention signed), the m² provided and the
in-kind value given (the rent waived, as the conventions value it). Read by the reporting
page (its "Locaux" section) and exported in CSV and XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from murporteur.accounts.models import Organisation
from murporteur.core.tables import Cents
from murporteur.extensions import db
from murporteur.premises.models import Letting, PremisesUnit, UnitEvent

HEADERS = [_l("Année"), _l("Bailleur"), _l("Locaux proposés"), _l("Locaux loués"),
           _l("Surface mise à disposition (m²)"), _l("Valeur en nature (loyers non perçus)")]


@dataclass
class PremisesLine:
    year: int
    organisation: str
    organisation_id: int
    offered: int = 0
    let: int = 0
    surface_m2: int = 0
    in_kind_cents: int = 0


def _bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def figures(year: int, organisation_id: int | None = None) -> list[PremisesLine]:
    """One line per landlord with something offered or let in ``year`` (all of them, or one)."""
    start, end = _bounds(year)
    lines: dict[int, PremisesLine] = {}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).tuples().all())

    def line(org_id: int) -> PremisesLine:
        if org_id not in lines:
            lines[org_id] = PremisesLine(year, names.get(org_id, "?"), org_id)
        return lines[org_id]

    offered = select(PremisesUnit.organisation_id, func.count(func.distinct(UnitEvent.unit_id)))\
        .join(PremisesUnit, PremisesUnit.id == UnitEvent.unit_id)\
        .where(UnitEvent.transition == "offer", UnitEvent.created_at >= start,
               UnitEvent.created_at < end).group_by(PremisesUnit.organisation_id)
    let = select(Letting.organisation_id, func.count(func.distinct(Letting.unit_id)),
                 func.coalesce(func.sum(Letting.surface_m2), 0),
                 func.coalesce(func.sum(Letting.in_kind_cents), 0))\
        .where(Letting.started_at >= start, Letting.started_at < end)\
        .group_by(Letting.organisation_id)
    if organisation_id is not None:
        offered = offered.where(PremisesUnit.organisation_id == organisation_id)
        let = let.where(Letting.organisation_id == organisation_id)
    for org_id, count in db.session.execute(offered).tuples():
        line(org_id).offered = int(count)
    for org_id, count, surface, in_kind in db.session.execute(let).tuples():
        target = line(org_id)
        target.let, target.surface_m2, target.in_kind_cents = int(count), int(surface), \
            int(in_kind)
    return sorted(lines.values(), key=lambda item: item.organisation)


def totals(lines: list[PremisesLine]) -> PremisesLine:
    total = PremisesLine(lines[0].year if lines else 0, str(_l("Total")), 0)
    for item in lines:
        total.offered += item.offered
        total.let += item.let
        total.surface_m2 += item.surface_m2
        total.in_kind_cents += item.in_kind_cents
    return total


def rows(year: int, organisation_id: int | None = None) -> list[list]:
    """The export's rows (``core.tables``: amounts as ``Cents``)."""
    return [[item.year, item.organisation, item.offered, item.let, item.surface_m2,
             Cents(item.in_kind_cents)] for item in figures(year, organisation_id)]
