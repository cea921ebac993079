"""The landlords' reporting for their property-tax relief (abattement de TFPB): the
conventions marked as an action in a priority neighbourhood (QPV), with the axis of the
national framework, per landlord, year, QPV and axis — on a page, as CSV, XLSX and PDF."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur.accounts.models import Organisation, OrganisationKind, User
from murporteur.audit import services as audit
from murporteur.conventions.models import Convention, TfpbAxis
from murporteur.conventions.policies import may_manage_convention
from murporteur.conventions.workflow import SIGNED_STATES
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.tables import Cents
from murporteur.extensions import db

AXIS_LABELS = {
    TfpbAxis.STAFF_PRESENCE: _l("Renforcement de la présence du personnel de proximité"),
    TfpbAxis.STAFF_TRAINING: _l("Formation et soutien des personnels de proximité"),
    TfpbAxis.EXTRA_MAINTENANCE: _l("Sur-entretien"),
    TfpbAxis.WASTE: _l("Gestion des déchets, des encombrants et des épaves"),
    TfpbAxis.RESIDENTIAL_PEACE: _l("Tranquillité résidentielle"),
    TfpbAxis.TENANT_CONSULTATION: _l("Concertation et sensibilisation des locataires"),
    TfpbAxis.SOCIAL_LINK: _l("Animation, lien social, vivre ensemble"),
    TfpbAxis.SMALL_WORKS: _l("Petits travaux d'amélioration de la qualité de service"),
}


def mark(convention: Convention, actor: User, axis: TfpbAxis | None, qpv: str) -> None:
    """Mark ``convention`` as a QPV action on ``axis`` (None: not one)."""
    if not may_manage_convention(actor):
        raise AccessDenied(_l("Réservé à l'équipe d'animation."))
    qpv = (qpv or "").strip()
    if axis is not None and not qpv:
        raise DomainError(_l("Indiquez le quartier prioritaire (QPV) de l'action."))
    if axis is not None and convention.organisation.kind != OrganisationKind.LANDLORD:
        raise DomainError(_l("Seule la convention d'un bailleur compte pour l'abattement de "
                             "TFPB."))
    convention.tfpb_axis, convention.tfpb_qpv = axis, qpv if axis is not None else ""
    db.session.flush()
    audit.record(actor, "convention.tfpb", convention, {"axis": axis, "qpv": qpv})


@dataclass(frozen=True)
class Row:
    landlord: str
    year: int
    qpv: str
    axis: str
    actions: int
    committed_cents: int
    in_kind_cents: int


def rows(year: int | None = None) -> list[Row]:
    """One row per landlord, year (of the convention's start, else of its signature), QPV
    and axis: the number of signed actions and their amounts."""
    query = (select(Convention, Organisation.name).join(Organisation)
             .where(Convention.tfpb_axis.is_not(None),
                    Convention.state.in_(list(SIGNED_STATES))))
    groups: dict[tuple, list[Convention]] = {}
    for convention, name in db.session.execute(query):
        day = convention.start_date or (convention.signed_at.date()
                                        if convention.signed_at else None)
        if day is None or (year is not None and day.year != year):
            continue
        key = (name, day.year, convention.tfpb_qpv, convention.tfpb_axis)
        groups.setdefault(key, []).append(convention)
    return [Row(name, y, qpv, str(AXIS_LABELS[axis]), len(items),
                sum(c.committed_cents for c in items), sum(c.in_kind_cents for c in items))
            for (name, y, qpv, axis), items in sorted(groups.items(),
                                                      key=lambda kv: tuple(map(str, kv[0])))]


HEADERS = (_l("Bailleur"), _l("Année"), _l("QPV"), _l("Axe du cadre national"), _l("Actions"),
           _l("Montant engagé (€)"), _l("Valorisation en nature (€)"))


def table(data: list[Row]) -> list[list]:
    """The rows as cells for ``core.tables`` (amounts as ``Cents``)."""
    return [[r.landlord, r.year, r.qpv, r.axis, r.actions, Cents(r.committed_cents),
             Cents(r.in_kind_cents)] for r in data]
