"""Celery tasks of the triage domain."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from celery import shared_task

from murporteur.core.db import utcnow
from murporteur.core.timeutil import PARIS, to_paris
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.services import queue
from murporteur.triage.services import calls_to_remind


def remind_calls(now: datetime | None = None) -> int:
    """Tell each animator, in the morning, of the calls they planned for the day."""
    now = now or utcnow()
    today = to_paris(now).date()
    start = datetime.combine(today, time.min, tzinfo=PARIS)
    calls = calls_to_remind(start, start + timedelta(days=1))
    for call in calls:
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
