"""Celery tasks of the conventions domain: the reminders about payments and ends of term.

Each one is a plain function taking ``now`` (tests call it directly) and a beat task around it
that commits and hands the mails over. They go to the active members of the convention's
organisation and to the active animators, once: a payment keeps when it was reminded, and the
idempotency keys make a second run on the same day send nothing more.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date
from celery import shared_task
from flask_babel import force_locale
from sqlalchemy import select

from murporteur.accounts.models import Role, User
from murporteur.conventions.labels import KIND_LABELS
from murporteur.conventions.models import Convention, Payment
from murporteur.conventions.workflow import ENDING_STATES, FINISHED
from murporteur.core.db import utcnow
from murporteur.core.money import format_cents
from murporteur.core.timeutil import paris_today
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.services import active_animators, locale_of, queue

#: How long before its planned date a payment is announced, and before its end a convention.
DUE_NOTICE = timedelta(days=7)
ENDING_NOTICE = timedelta(days=30)


def recipients(convention: Convention) -> list[User]:
    """Who hears about a convention's money and term: its organisation's active members, then
    the active animators."""
    members = db.session.scalars(select(User).where(
        User.role == Role.MEMBER, User.organisation_id == convention.organisation_id,
        User.active.is_(True)).order_by(User.id))
    return [*members, *active_animators()]


def _day(value: date, locale: str) -> str:
    return format_date(value, "d MMMM yyyy", locale=locale)


def convention_context(convention: Convention, locale: str) -> dict:
    """What every convention mail says, written in ``locale`` (JSON values only)."""
    dossier = convention.dossier
    with force_locale(locale):
        kind = str(KIND_LABELS[convention.kind])
    return {"number": dossier.number, "title": dossier.title,
            "structure_name": dossier.structure_name,
            "organisation": convention.organisation.name, "kind": kind,
            "committed": format_cents(convention.committed_cents, locale),
            "paid": format_cents(convention.paid_cents, locale),
            "remaining": format_cents(convention.remaining_cents, locale),
            "url": external_url("conventions.show_convention", convention_id=convention.id)}


def _payments(*conditions) -> list[Payment]:
    """Unpaid payments of conventions not yet over that match ``conditions``."""
    return list(db.session.scalars(select(Payment).join(Convention).where(
        Payment.paid_date.is_(None), Convention.state.not_in(FINISHED), *conditions)
        .order_by(Payment.planned_date, Payment.id)))


def _remind_payments(key: str, stamp: str, now: datetime, *conditions, details=None) -> int:
    """Tell about each unpaid payment matching ``conditions`` not yet stamped ``stamp`` (the
    column keeping when it was reminded), then stamp it. ``details(payment)`` adds to the
    mail's context. Returns how many payments were told about."""
    payments = _payments(getattr(Payment, stamp).is_(None), *conditions)
    for payment in payments:
        convention = payment.convention
        for user in recipients(convention):
            locale = locale_of(user)
            queue(key, user, dict(convention_context(convention, locale),
                                  full_name=user.display_name,
                                  amount=format_cents(payment.amount_cents, locale),
                                  planned_date=_day(payment.planned_date, locale),
                                  **(details(payment) if details else {})),
                  idempotency_key=f"{key.replace('_', '-')}:{payment.id}:{user.id}",
                  dossier_id=convention.dossier_id)
        setattr(payment, stamp, now)
    db.session.flush()
    return len(payments)


def remind_payments_due(now: datetime | None = None) -> int:
    """A week before a planned payment, its convention's people are told. Returns how many
    payments were announced."""
    now = now or utcnow()
    return _remind_payments("convention_payment_due", "reminded_due_at", now,
                            Payment.planned_date == paris_today(now) + DUE_NOTICE)


def remind_payments_overdue(now: datetime | None = None) -> int:
    """From the day after its planned date, a payment still not marked as paid is signalled,
    once. Returns how many payments were signalled."""
    now = now or utcnow()
    today = paris_today(now)
    return _remind_payments("convention_payment_overdue", "reminded_overdue_at", now,
                            Payment.planned_date < today,
                            details=lambda p: {"days_late": (today - p.planned_date).days})


def remind_conventions_ending(now: datetime | None = None) -> int:
    """A month before a running convention ends, its people are told what is left to pay.
    Returns how many conventions were announced."""
    now = now or utcnow()
    conventions = list(db.session.scalars(select(Convention).where(
        Convention.end_date == paris_today(now) + ENDING_NOTICE,
        Convention.state.in_(ENDING_STATES)).order_by(Convention.id)))
    for convention in conventions:
        assert convention.end_date is not None  # selected by its end date
        unpaid = [p for p in convention.payments if p.paid_date is None]
        for user in recipients(convention):
            locale = locale_of(user)
            queue("convention_ending", user, dict(
                convention_context(convention, locale), full_name=user.display_name,
                end_date=_day(convention.end_date, locale), unpaid_count=len(unpaid)),
                idempotency_key=f"convention-ending:{convention.id}:{user.id}",
                dossier_id=convention.dossier_id)
    db.session.flush()
    return len(conventions)


@shared_task(name="murporteur.conventions.remind_payments_due", ignore_result=True)
def remind_payments_due_task() -> int:
    count = remind_payments_due()
    commit_and_dispatch()
    return count


@shared_task(name="murporteur.conventions.remind_payments_overdue", ignore_result=True)
def remind_payments_overdue_task() -> int:
    count = remind_payments_overdue()
    commit_and_dispatch()
    return count


@shared_task(name="murporteur.conventions.remind_conventions_ending", ignore_result=True)
def remind_conventions_ending_task() -> int:
    count = remind_conventions_ending()
    commit_and_dispatch()
    return count
