"""Celery tasks of the background jobs: the job's id in, idempotent (a job already done, or
being run, is not run again)."""

from __future__ import annotations

import logging

from celery import shared_task

from murporteur.extensions import db
from murporteur.jobs import services
from murporteur.jobs.models import BackgroundJob, JobState

log = logging.getLogger(__name__)


# Acknowledged once done, handed back to the broker when the worker dies under it: the claim
# makes a second delivery harmless, and a run killed half-way is taken back by the sweep.
@shared_task(bind=True, name="murporteur.jobs.run", max_retries=None, ignore_result=True,
             acks_late=True, reject_on_worker_lost=True)
def run_job(self, job_id: int) -> str | None:
    """Run one job; after a transient fault it is queued again, and tried again later
    (``services.run`` fails it after MAX_ATTEMPTS runs, which ends the retries)."""
    state = services.run(job_id)
    if state == JobState.QUEUED:
        attempts = db.session.get_one(BackgroundJob, job_id).attempts
        raise self.retry(countdown=services.retry_delay(attempts))
    return state.value if state else None


@shared_task(name="murporteur.jobs.recover", ignore_result=True)
def recover_jobs() -> int:
    """Beat, every minute: hand over again the jobs the broker never received, and those a
    dead worker left running (JOB_STUCK_SECONDS without a sign of life)."""
    ids = services.recover()
    db.session.commit()
    for job_id in ids:
        services.hand_over(job_id)
    if ids:
        log.info("%s job(s) handed over again", len(ids), extra={"recovered": len(ids)})
    return len(ids)


@shared_task(name="murporteur.jobs.purge", ignore_result=True)
def purge_jobs() -> int:
    """Beat, every night: jobs ended JOB_RETENTION_DAYS ago go, with their files."""
    count = services.purge()
    db.session.commit()
    if count:
        log.info("%s finished job(s) purged", count, extra={"purged": count})
    return count
