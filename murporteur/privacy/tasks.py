"""Celery tasks of personal data: the retention jobs (beat, every night)."""

from __future__ import annotations

from celery import shared_task

from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.privacy import retention


@shared_task(name="murporteur.privacy.warn_expiring_drafts", ignore_result=True)
def warn_expiring_drafts() -> int:
    count = retention.warn_expiring_drafts()
    commit_and_dispatch()
    return count


@shared_task(name="murporteur.privacy.delete_expired_drafts", ignore_result=True)
def delete_expired_drafts() -> int:
    count = retention.delete_expired_drafts()
    commit_and_dispatch()
    return count


@shared_task(name="murporteur.privacy.anonymise_finished_dossiers", ignore_result=True)
def anonymise_finished_dossiers() -> int:
    count = retention.anonymise_finished()
    commit_and_dispatch()
    return count
