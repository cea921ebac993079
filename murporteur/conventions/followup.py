"""Following a convention up with its holder (issue 18, item 4).

The animators set the convention's indicators (with their targets) and its reporting dates;
the holder submits a report per reporting date (a value per indicator, a text, supporting
documents) and may ask for one of the scheduled payments not yet paid; the organisation's
members (or an animator) approve or refuse that request with a reason, through the lifecycle
engine. The holder is reminded a week before each reporting date, then the day after and
weekly, three times at most, while no report came (``remind_reports``, a beat task).

Supporting documents are documents of the convention (``DocumentKind.CONVENTION``): its
organisation's members, the animators and the holder see them; the other organisations never.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from babel.dates import format_date
from celery import shared_task
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from murporteur.accounts.models import User
from murporteur.audit import services as audit
from murporteur.conventions import history, signatures
from murporteur.conventions.models import (
    MAX_FIGURE,
    Convention,
    Indicator,
    IndicatorKind,
    Payment,
    PaymentRequest,
    PaymentRequestEvent,
    ProgressReport,
    ReportingDate,
    ReportValue,
)
from murporteur.conventions.policies import may_report, may_set_followup
from murporteur.conventions.tasks import convention_context, recipients
from murporteur.conventions.workflow import ENDING_STATES, FINISHED, PaymentRequestState
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition
from murporteur.core.money import format_cents
from murporteur.core.params import check_business_day
from murporteur.core.timeutil import paris_today
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.services import locale_of, queue
from murporteur.submissions import uploads
from murporteur.submissions.models import DocumentKind
from murporteur.triage.notifications import tracking_url

#: The indicators proposed, with their unit; a free one takes a name and a unit.
INDICATOR_LABELS = {
    IndicatorKind.PEOPLE: (_l("Personnes touchées"), _l("personnes")),
    IndicatorKind.JOBS: (_l("Emplois créés"), _l("emplois")),
    IndicatorKind.HOURS: (_l("Heures d'activité"), _l("heures")),
    IndicatorKind.FREE: (_l("Autre indicateur"), ""),
}
#: Reminders: a week before a reporting date, then the day after and every week, 3 times.
BEFORE_NOTICE = timedelta(days=7)
AFTER_EVERY = timedelta(days=7)
MAX_REMINDERS_AFTER = 3
MAX_DOCUMENTS = 10


# --- Who may do what (``policies``) --------------------------------------------------------

def may_decide(user: User | None, request: PaymentRequest) -> bool:
    """The organisation's members and the animators approve or refuse a payment request."""
    return request.lifecycle.may(request, "approve", user)


# --- Setting the follow-up (the animators; the organisation's members once signed) ---------

def check_figure(value: int | None, field: str) -> int:
    if value is None or not isinstance(value, int) or isinstance(value, bool):
        raise DomainError(str(_l("Indiquez un nombre entier, par exemple 12.")), field=field)
    if value < 0:
        raise DomainError(str(_l("Indiquez un nombre positif ou nul.")), field=field)
    if value > MAX_FIGURE:
        raise DomainError(str(_l("Ce nombre semble trop élevé : %(max)s au plus.",
                                 max=f"{MAX_FIGURE:,}".replace(",", " "))), field=field)
    return value


def check_figures(convention: Convention, values: Mapping[int, int | None]) -> dict[int, int]:
    """A report's figures, one per indicator still followed: whole numbers from 0, below
    ``MAX_FIGURE`` (each refusal names its indicator's field)."""
    return {i.id: check_figure(values.get(i.id), f"indicator_{i.id}")
            for i in convention.current_indicators}


def add_indicator(convention: Convention, actor: User, kind: IndicatorKind, target: int | None,
                  name: str = "", unit: str = "") -> Indicator:
    if not may_set_followup(actor, convention):
        raise AccessDenied(str(_l("Vous ne pouvez pas faire cette action.")))
    if convention.state in FINISHED:
        raise DomainError(str(_l("Cette convention est terminée.")))
    target = check_figure(target, "target")
    label, default_unit = INDICATOR_LABELS[kind]
    name, unit = (name or "").strip(), (unit or "").strip()
    if kind == IndicatorKind.FREE:
        if not name:
            raise DomainError(str(_l("Nommez l'indicateur.")), field="name")
        if not unit:
            raise DomainError(str(_l("Indiquez son unité, par exemple « ateliers »")),
                              field="unit")
    name, unit = name or str(label), unit or str(default_unit)
    if any(i.name.casefold() == name.casefold() for i in convention.indicators):
        raise DomainError(str(_l("La convention suit déjà cet indicateur.")), field="name")
    indicator = Indicator(convention=convention, kind=kind, name=name[:120], unit=unit[:40],
                          target=target)
    db.session.add(indicator)
    db.session.flush()
    audit.record(actor, "convention.indicator_added", convention,
                 {"name": indicator.name, "target": target})
    history.record(convention, actor, "indicator_added", name=indicator.name, target=target,
                   unit=indicator.unit)
    signatures.changed(convention, actor)  # the indicators are in the document to sign
    return indicator


def add_reporting_date(convention: Convention, actor: User, due_date: date) -> ReportingDate:
    if not may_set_followup(actor, convention):
        raise AccessDenied(str(_l("Vous ne pouvez pas faire cette action.")))
    if convention.state in FINISHED:
        raise DomainError(str(_l("Cette convention est terminée.")))
    try:
        check_business_day(due_date)
    except DomainError as exc:
        raise DomainError(exc.message, field="due_date") from None
    if any(d.due_date == due_date for d in convention.reporting_dates):
        raise DomainError(str(_l("Cette date de suivi est déjà prévue.")), field="due_date")
    reporting_date = ReportingDate(convention=convention, due_date=due_date)
    db.session.add(reporting_date)
    db.session.flush()
    audit.record(actor, "convention.reporting_date_added", convention,
                 {"due_date": due_date.isoformat()})
    history.record(convention, actor, "reporting_date_added", date=due_date)
    return reporting_date


# --- The holder's reports and requests ----------------------------------------------------

def store_documents(convention: Convention, actor: User, files: Iterable) -> list:
    files = [f for f in files if f and f.filename]
    if len(files) > MAX_DOCUMENTS:
        raise DomainError(str(_l("%(n)s fichiers au plus.", n=MAX_DOCUMENTS)),
                          field="documents")
    documents = []
    for upload in files:
        try:
            documents.append(uploads.store(
                upload, uploaded_by_id=actor.id, dossier_id=convention.dossier_id,
                kind=DocumentKind.CONVENTION, convention_id=convention.id,
                organisation_id=convention.organisation_id))
        except uploads.UploadRefused as exc:
            raise DomainError(exc.message, field="documents") from None
    return documents


def submit_report(reporting_date: ReportingDate, actor: User, values: Mapping[int, int | None],
                  text: str, files: Iterable = ()) -> ProgressReport:
    """The holder's report for ``reporting_date``: ``values`` by indicator id (every indicator
    of the convention, integers from 0), a text, and supporting documents."""
    convention = reporting_date.convention
    if not may_report(actor, convention):
        raise AccessDenied(str(_l("Vous ne pouvez pas faire cette action.")))
    if reporting_date.report is not None:
        raise DomainError(str(_l("Un bilan a déjà été envoyé pour cette date.")))
    checked = check_figures(convention, values)
    text = (text or "").strip()
    if not text:
        raise DomainError(str(_l("Racontez en quelques lignes où en est le projet.")),
                          field="text")
    report = ProgressReport(convention_id=convention.id, reporting_date=reporting_date,
                            text=text, submitted_by_id=actor.id)
    report.values = [ReportValue(indicator_id=ident, value=value)
                     for ident, value in checked.items()]
    db.session.add(report)
    report.documents = store_documents(convention, actor, files)
    db.session.flush()
    audit.record(actor, "convention.report_submitted", convention,
                 {"due_date": reporting_date.due_date.isoformat(), "values": checked})
    return report


def open_request(payment: Payment) -> PaymentRequest | None:
    """The payment's request still waiting or approved (a refused one may be asked again)."""
    return next((r for r in reversed(payment.requests)
                 if r.state != PaymentRequestState.REFUSED), None)


def latest_request(payment: Payment) -> PaymentRequest | None:
    return payment.requests[-1] if payment.requests else None


def requestable(convention: Convention) -> list[Payment]:
    """The scheduled payments the holder may ask for: not paid, not already asked."""
    return [p for p in convention.payments if p.paid_date is None and open_request(p) is None]


def request_payment(payment: Payment, actor: User, text: str,
                    files: Iterable = ()) -> PaymentRequest:
    convention = payment.convention
    if not may_report(actor, convention):
        raise AccessDenied(str(_l("Vous ne pouvez pas faire cette action.")))
    if payment.paid_date is not None:
        raise DomainError(str(_l("Ce versement est déjà fait.")))
    if open_request(payment) is not None:
        raise DomainError(str(_l("Ce versement est déjà demandé.")))
    text = (text or "").strip()
    if not text:
        raise DomainError(str(_l("Dites en quelques mots pourquoi le versement est dû.")),
                          field="text")
    request = PaymentRequest(convention=convention, payment=payment, text=text,
                             requested_by_id=actor.id, state=PaymentRequestState.REQUESTED)
    db.session.add(request)
    request.documents = store_documents(convention, actor, files)
    # Its history starts with the request itself; the lifecycle engine writes the decision.
    request.events.append(PaymentRequestEvent(
        actor=actor, transition="request", from_state=None,
        to_state=str(PaymentRequestState.REQUESTED), comment=text))
    db.session.flush()
    audit.record(actor, "convention.payment_requested", convention,
                 {"payment_id": payment.id, "request_id": request.id})
    for user in recipients(convention):
        locale = locale_of(user)
        queue("convention_payment_requested", user, dict(
            convention_context(convention, locale), full_name=user.display_name,
            amount=format_cents(payment.amount_cents, locale),
            planned_date=format_date(payment.planned_date, "d MMMM yyyy", locale=locale),
            text=text, url=external_url("followup.decide", convention_id=convention.id,
                                        request_id=request.id)),
            idempotency_key=f"payment-requested:{request.id}:{user.id}",
            dossier_id=convention.dossier_id)
    return request


def decide(request: PaymentRequest, actor: User, approve: bool, reason: str):
    """Approve or refuse, with a reason (the lifecycle's history keeps it)."""
    try:
        return apply_transition(request, "approve" if approve else "refuse", actor, reason)
    except AccessDenied:
        raise
    except DomainError as exc:
        raise DomainError(exc.message, field="reason") from None


# --- What the pages show ------------------------------------------------------------------

def report_status(reporting_date: ReportingDate, today: date) -> str:
    """``submitted``, ``overdue`` (the date passed without report) or ``upcoming``."""
    if reporting_date.report is not None:
        return "submitted"
    return "overdue" if reporting_date.due_date < today else "upcoming"


def totals_reported(convention: Convention) -> dict[int, int]:
    """The latest value reported per indicator (the figures are cumulative)."""
    latest: dict[int, int] = {}
    for reporting_date in convention.reporting_dates:
        if reporting_date.report is not None:
            for value in reporting_date.report.values:
                latest[value.indicator_id] = value.value
    return latest


# --- Reminders (a beat task, to the holder) ---------------------------------------------------

def _context(reporting_date: ReportingDate, holder: User, today: date) -> dict:
    convention = reporting_date.convention
    dossier = convention.dossier
    locale = locale_of(holder)
    return {"full_name": holder.display_name, "number": dossier.number,
            "title": dossier.title, "organisation": convention.organisation.name,
            "due_date": format_date(reporting_date.due_date, "d MMMM yyyy", locale=locale),
            "days_late": max((today - reporting_date.due_date).days, 0),
            "committed": format_cents(convention.committed_cents, locale),
            "url": tracking_url(dossier)}


def _waiting(*conditions) -> list[ReportingDate]:
    return list(db.session.scalars(
        select(ReportingDate).join(Convention).where(
            Convention.state.in_(ENDING_STATES),
            ~ReportingDate.id.in_(select(ProgressReport.reporting_date_id)), *conditions)
        .order_by(ReportingDate.due_date, ReportingDate.id)))


def remind_reports(now: datetime | None = None) -> int:
    """A week before a reporting date, the holder is reminded; the day after, if no report
    came, then every week, three times at most. Returns how many reminders were queued."""
    now = now or utcnow()
    today = paris_today(now)
    count = 0
    for reporting_date in _waiting(ReportingDate.reminded_before_at.is_(None),
                                   ReportingDate.due_date == today + BEFORE_NOTICE):
        holder = reporting_date.convention.dossier.holder
        queue("convention_report_due", holder, _context(reporting_date, holder, today),
              idempotency_key=f"convention-report-due:{reporting_date.id}",
              dossier_id=reporting_date.convention.dossier_id)
        reporting_date.reminded_before_at = now
        count += 1
    for reporting_date in _waiting(ReportingDate.due_date < today,
                                   ReportingDate.reminders_after < MAX_REMINDERS_AFTER,
                                   or_(ReportingDate.reminded_after_at.is_(None),
                                       ReportingDate.reminded_after_at <= now - AFTER_EVERY
                                       + timedelta(hours=1))):
        holder = reporting_date.convention.dossier.holder
        number = reporting_date.reminders_after + 1
        queue("convention_report_overdue", holder, _context(reporting_date, holder, today),
              idempotency_key=f"convention-report-overdue:{reporting_date.id}:{number}",
              dossier_id=reporting_date.convention.dossier_id)
        reporting_date.reminders_after = number
        reporting_date.reminded_after_at = now
        count += 1
    db.session.flush()
    return count


@shared_task(name="murporteur.conventions.remind_reports", ignore_result=True)
def remind_reports_task() -> int:
    count = remind_reports()
    commit_and_dispatch()
    return count
