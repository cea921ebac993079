"""The calls' daily work: holders with a draft answering a call that closes in three days
are reminded once (the outbox's idempotency key makes a second run send nothing)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from celery import shared_task

from murporteur.accounts.models import TokenPurpose
from murporteur.accounts.services import issue_link
from murporteur.calls import services
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.services import locale_of, queue


def remind_closing_drafts(day: date | None = None) -> int:
    responses = services.drafts_to_remind(day)
    for response in responses:
        draft, call = response.dossier, response.call
        holder = draft.holder
        link = issue_link(holder, TokenPurpose.RESUME_DRAFT, dossier_id=draft.id)
        queue("call_closing_reminder", holder, {
            "contact_name": draft.contact_name, "title": draft.title or "",
            "call_title": call.title,
            "closes_on": format_date(call.closes_on, "d MMMM yyyy", locale=locale_of(holder)),
            "resume_url": external_url("accounts.follow_link", token=link.signed)},
            idempotency_key=f"call-closing:{call.id}:{draft.id}", dossier_id=draft.id,
            sensitive=True)
    db.session.flush()
    return len(responses)


@shared_task(name="murporteur.calls.remind_closing_drafts", ignore_result=True)
def remind_closing_drafts_task() -> int:
    count = remind_closing_drafts()
    commit_and_dispatch()
    return count
