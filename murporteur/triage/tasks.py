"""Celery tasks of the triage domain."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from babel.dates import format_date
from celery import shared_task
from sqlalchemy import select

from murporteur.collective import settings as collective_settings
from murporteur.core.db import utcnow
from murporteur.core.timeutil import PARIS, to_paris
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.models import OutboxMessage
from murporteur.notifications.services import locale_of, queue
from murporteur.triage.services import calls_to_remind, unanswered_requests


def remind_calls(now: datetime | None = None) -> int:
    """Tell each animator, in the morning, of the calls they planned for the day."""
    now = now or utcnow()
    today = to_paris(now).date()
    start = datetime.combine(today, time.min, tzinfo=PARIS)
    calls = calls_to_remind(start, start + timedelta(days=1))
    for call in calls:
        assert call.scheduled_at is not None  # calls_to_remind selects the day's planned calls
        dossier = call.dossier
        queue("call_reminder", call.animator, {
            "number": dossier.number, "title": dossier.title,
            "contact_name": dossier.contact_name, "phone": dossier.phone,
            "time": to_paris(call.scheduled_at).strftime("%H:%M"),
            "url": external_url("triage.show_dossier", number=dossier.number)},
            idempotency_key=f"call-reminder:{call.id}", dossier_id=dossier.id)
        call.reminder_sent_at = now
    db.session.flush()
    return len(calls)


@shared_task(name="murporteur.triage.remind_calls", ignore_result=True)
def remind_calls_task() -> int:
    count = remind_calls()
    commit_and_dispatch()
    return count


def remind_unanswered_requests(now: datetime | None = None) -> int:
    """A week after the team asked a holder for information without an answer, the holder is
    reminded once (per request: a new request starts a new week). Returns how many."""
    from murporteur.triage.notifications import dossier_context, tracking_url

    now = now or utcnow()
    reminded = 0
    for dossier, asked_at, question in unanswered_requests(
            now - timedelta(days=collective_settings.get("holder_reminder_days"))):
        key = f"answer-reminder:{dossier.id}:{int(asked_at.timestamp())}"
        if db.session.scalar(select(OutboxMessage.id).where(
                OutboxMessage.idempotency_key == key)) is not None:
            continue  # this request was already reminded
        queue("answer_reminder", dossier.holder, dict(
            dossier_context(dossier), question=question or "",
            asked_on=format_date(to_paris(asked_at), "d MMMM yyyy",
                                 locale=locale_of(dossier.holder)),
            tracking_url=tracking_url(dossier)),
            idempotency_key=key, dossier_id=dossier.id, sensitive=True)
        reminded += 1
    db.session.flush()
    return reminded


@shared_task(name="murporteur.triage.remind_unanswered_requests", ignore_result=True)
def remind_unanswered_requests_task() -> int:
    count = remind_unanswered_requests()
    commit_and_dispatch()
    return count
