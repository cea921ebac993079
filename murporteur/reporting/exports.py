"""The reporting's files: conventions and payments of a period (CSV streamed, XLSX in constant
memory); the yearly report (PDF) is a background job (``reporting/jobs.py``).

Columns in French, dates in Europe/Paris, amounts in euros: ``1234,56`` in the CSV, numbers
formatted in euros in the XLSX (so that a spreadsheet adds them up).
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from murporteur.accounts.models import Organisation, User
from murporteur.audit import services as audit
from murporteur.conventions.models import Convention, Payment
from murporteur.conventions.workflow import CONVENTION_STATES
from murporteur.core.tables import BATCH, Cents
from murporteur.core.timeutil import to_paris
from murporteur.extensions import db
from murporteur.reporting.services import Period
from murporteur.submissions.models import Dossier

CONVENTION_HEADERS = (
    _l("Dossier"), _l("Projet"), _l("Porteur"), _l("Organisation"), _l("Type"), _l("État"),
    _l("Référence"), _l("Signée le"), _l("Début"), _l("Fin"), _l("Montant engagé (€)"),
    _l("Valorisation en nature (€)"), _l("Versé à ce jour (€)"))

PAYMENT_HEADERS = (
    _l("Dossier"), _l("Projet"), _l("Organisation"), _l("Référence de la convention"),
    _l("Date prévue"), _l("Montant prévu (€)"), _l("Versé le"), _l("Montant versé (€)"))


ORGANISATION_HEADERS = (
    _l("Organisation"), _l("Projets soutenus"), _l("Conventions signées"),
    _l("Montant engagé (€)"), _l("Montant versé (€)"), _l("Valorisation en nature (€)"))

SUPPORTED_HEADERS = (
    _l("Dossier"), _l("Projet"), _l("Porteur"), _l("Soutenu le"), _l("Organisations"),
    _l("Montant engagé (€)"), _l("Valorisation en nature (€)"))


def _day(value) -> str:
    return value.isoformat() if value else ""


def convention_rows(period: Period, organisation_id: int | None = None,
                    restricted: bool = False) -> Iterator[list]:
    """The conventions signed in the period (of one organisation when ``restricted``, or
    when an animator chose one)."""
    from murporteur.conventions.labels import KIND_LABELS

    paid = select(Payment.convention_id, func.sum(Payment.paid_amount_cents).label("paid")) \
        .where(Payment.paid_date.is_not(None)).group_by(Payment.convention_id).subquery()
    start, until = period.bounds
    query = (select(Dossier.number, Dossier.title, Dossier.structure_name, Organisation.name,
                    Convention.kind, Convention.state, Convention.reference,
                    Convention.signed_at, Convention.start_date, Convention.end_date,
                    Convention.committed_cents, Convention.in_kind_cents, paid.c.paid)
             .join(Dossier, Dossier.id == Convention.dossier_id)
             .join(Organisation, Organisation.id == Convention.organisation_id)
             .outerjoin(paid, paid.c.convention_id == Convention.id)
             .where(Convention.signed_at >= start, Convention.signed_at < until)
             .order_by(Convention.signed_at, Convention.id))
    if restricted or organisation_id is not None:
        query = query.where(Convention.organisation_id == organisation_id)
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        yield [row.number or "", row.title, row.structure_name, row.name,
               str(KIND_LABELS.get(row.kind, row.kind)),
               str(CONVENTION_STATES[row.state].label), row.reference,
               _day(to_paris(row.signed_at).date()), _day(row.start_date), _day(row.end_date),
               Cents(row.committed_cents), Cents(row.in_kind_cents), Cents(row.paid or 0)]


def payment_rows(period: Period, organisation_id: int | None = None,
                 restricted: bool = False) -> Iterator[list]:
    """The payments made in the period, and those planned in it and not made yet."""
    query = (select(Dossier.number, Dossier.title, Organisation.name, Convention.reference,
                    Payment.planned_date, Payment.amount_cents, Payment.paid_date,
                    Payment.paid_amount_cents)
             .join(Convention, Convention.id == Payment.convention_id)
             .join(Dossier, Dossier.id == Convention.dossier_id)
             .join(Organisation, Organisation.id == Convention.organisation_id)
             .where(or_(Payment.paid_date.between(period.start, period.end),
                        Payment.paid_date.is_(None)
                        & Payment.planned_date.between(period.start, period.end)))
             .order_by(func.coalesce(Payment.paid_date, Payment.planned_date), Payment.id))
    if restricted or organisation_id is not None:
        query = query.where(Convention.organisation_id == organisation_id)
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        yield [row.number or "", row.title, row.name, row.reference, _day(row.planned_date),
               Cents(row.amount_cents), _day(row.paid_date),
               Cents(row.paid_amount_cents) if row.paid_date else ""]


def organisation_rows(period: Period, organisation_id: int | None = None,
                      restricted: bool = False) -> Iterator[list]:
    """The page's table by organisation, every organisation (of one when ``restricted`` or
    chosen; none for a member without an organisation)."""
    from murporteur.reporting import cache

    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if restricted and organisation is None:
        return
    for row in cache.figures(period, organisation).by_organisation:
        yield [row.organisation.name, row.supported, row.money.conventions,
               Cents(row.money.committed_cents), Cents(row.money.paid_cents),
               Cents(row.money.in_kind_cents)]


def supported_rows(period: Period, _organisation_id: int | None = None,
                   _restricted: bool = False) -> Iterator[list]:
    """Every project supported in the period (the collective's list, as on the page)."""
    from murporteur.reporting.services import supported_projects

    for project in supported_projects(period):
        yield [project.number, project.title, project.structure_name,
               _day(to_paris(project.supported_at).date()), ", ".join(project.organisations),
               Cents(project.committed_cents), Cents(project.in_kind_cents)]


def record_export(actor: User, name: str, *, fmt: str, period: Period,
                  organisation_id: int | None) -> None:
    """Keep in the journal who exported which table, of which period and organisation."""
    audit.record(actor, f"export.{name}", ("export", name), {
        "format": fmt, "period": period.slug, "organisation_id": organisation_id})


def record_yearly_report(actor: User, year: int) -> None:
    """Keep in the journal who asked for the yearly report of ``year``."""
    audit.record(actor, "export.yearly_report", ("export", "yearly_report"), {"year": year})
