"""Background jobs: asked for in a request, run by a worker, followed on their page.

- ``start`` writes the job in the caller's transaction (or returns the one already queued or
  running for the same work) and hands its id to Celery once that transaction commits
  (``core/aftercommit``). A broker that does not answer refuses nothing: the job stays queued,
  and beat's sweep (``recover``) hands it over again.
- ``run`` claims the job with a conditional update (queued → running, attempts + 1), so that a
  job is run by one worker at a time and a finished one is never run again; the attempt number
  is the run's token, and what a run writes (its progress, its outcome) is written only while
  the job is still that run's — a worker that beat gave up on cannot overwrite the next one.
- A transient fault (the database or the shared volume away for a moment) puts the job back
  in the queue for another attempt, MAX_ATTEMPTS in all; a refusal of the rules, or a fault of
  the code, fails it at once, with a message for the person and a "Réessayer".
- The file of a finished job is kept under ``UPLOAD_DIR/jobs/`` — the volume every web machine
  and every worker mount (README, "Several web machines") — and is purged, with its row,
  JOB_RETENTION_DAYS after the job ended.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError

from murporteur.accounts.models import User
from murporteur.core import aftercommit
from murporteur.core.db import rowcount, utcnow
from murporteur.core.errors import DomainError
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.jobs.models import ACTIVE_STATES, BackgroundJob, JobState
from murporteur.jobs.registry import JobKind, Result, kind_of
from murporteur.notifications.services import LANGUAGES, add_in_app

log = logging.getLogger(__name__)

#: Runs of one job before a transient fault fails it for good.
MAX_ATTEMPTS = 3
#: Seconds before the next attempt after a transient fault: 30 s, then 60 s.
RETRY_SECONDS = 30
#: A queued job older than this was not received by the broker: the sweep hands it over again.
UNSENT_AFTER = timedelta(minutes=1)
#: Faults that pass: the database or the shared volume did not answer for a moment.
TRANSIENT = (OperationalError, OSError)
FOLDER = "jobs"


class TakenOver(Exception):
    """The job is no longer this run's (the sweep gave it to another run): stop quietly."""


# --- Asking -------------------------------------------------------------------------------

def start(kind: str, requested_by: User | None, parameters: dict, *, subject: str = "",
          dedupe_key: str = "", locale: str | None = None) -> BackgroundJob:
    """The job doing ``kind`` with ``parameters``: the one already queued or running with the
    same ``dedupe_key``, else a new one, handed to a worker after the commit."""
    kind_of(kind)  # an unknown kind is a mistake of the code: said now, not by the worker
    existing = db.session.scalar(select(BackgroundJob).where(
        BackgroundJob.kind == kind, BackgroundJob.dedupe_key == dedupe_key,
        BackgroundJob.state.in_(ACTIVE_STATES)).order_by(BackgroundJob.id).limit(1))
    if existing is not None:
        return existing
    job = BackgroundJob(kind=kind, requested_by=requested_by, parameters=parameters,
                        subject=subject, dedupe_key=dedupe_key,
                        locale=locale or current_app.config["BABEL_DEFAULT_LOCALE"],
                        state=JobState.QUEUED, progress=0, step="queued")
    db.session.add(job)
    db.session.flush()
    aftercommit.after_commit(hand_over, job.id)
    return job


def retry(job: BackgroundJob, user: User) -> BackgroundJob:
    """A failed job asked for again (its "Réessayer"): queued afresh, for ``user``."""
    if job.state != JobState.FAILED:
        return job
    job.state, job.progress, job.step = JobState.QUEUED, 0, "queued"
    job.attempts, job.error, job.failure, job.finished_at = 0, None, None, None
    job.requested_by, job.heartbeat_at = user, utcnow()
    db.session.flush()
    aftercommit.after_commit(hand_over, job.id)
    return job


def hand_over(job_id: int) -> None:
    """Give the job's id to Celery (in-process without a broker; a dead broker: it waits)."""
    from murporteur.jobs.tasks import run_job

    task = current_app.extensions["celery"].tasks[run_job.name]
    try:
        task.delay(job_id)
    except Exception as exc:  # the broker did not answer: beat's sweep will hand it over
        log.warning("job %s stays queued, broker unavailable: %s", job_id, exc,
                    extra={"job_id": job_id})


def latest_about(subject: str, kinds: tuple[str, ...]) -> BackgroundJob | None:
    """The most recent job of one of ``kinds`` about ``subject`` (for that object's page)."""
    return db.session.scalar(select(BackgroundJob).where(
        BackgroundJob.subject == subject, BackgroundJob.kind.in_(kinds))
        .order_by(BackgroundJob.id.desc()).limit(1))


# --- Running ------------------------------------------------------------------------------

def run(job_id: int) -> JobState | None:
    """Do job ``job_id`` once, if it is queued. Returns its state afterwards (QUEUED: a
    transient fault, try again later), None when there was nothing to do."""
    now = utcnow()
    token = db.session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.state == JobState.QUEUED)
        .values(state=JobState.RUNNING, attempts=BackgroundJob.attempts + 1, started_at=now,
                heartbeat_at=now, step="gathering")
        .returning(BackgroundJob.attempts)).scalar_one_or_none()
    db.session.commit()
    if token is None:
        log.debug("job %s: nothing to do (gone, done or running)", job_id,
                 extra={"job_id": job_id})
        return None
    job = db.session.get_one(BackgroundJob, job_id, populate_existing=True)
    kind = kind_of(job.kind)

    def progress(percent: int, step: str) -> None:
        if not _write(job_id, token, (JobState.RUNNING,), progress=max(0, min(99, percent)),
                      step=step, heartbeat_at=utcnow()):
            raise TakenOver(job_id)

    try:
        with force_locale(job.locale):
            result = kind.run(job, progress)
            _finish(job, kind, token, result)
    except TakenOver:
        db.session.rollback()
        log.warning("job %s: taken over by another run, attempt %s stops", job_id, token,
                    extra={"job_id": job_id})
        return None
    except TRANSIENT as exc:
        db.session.rollback()
        again = token < MAX_ATTEMPTS
        state = JobState.QUEUED if again else JobState.FAILED
        log.warning("job %s: attempt %s met %s", job_id, token, exc, extra={"job_id": job_id})
        _write(job_id, token, (JobState.RUNNING,), state=state, step=state.value,
               error=_technical(exc), heartbeat_at=utcnow(),
               finished_at=None if again else utcnow())
        return state
    except DomainError as exc:
        db.session.rollback()
        _write(job_id, token, (JobState.RUNNING,), state=JobState.FAILED, step="failed",
               error=_technical(exc), failure=_in_every_language(exc.message),
               finished_at=utcnow())
        return JobState.FAILED
    except Exception as exc:  # a fault of the code: said in the logs, "Réessayer" on the page
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind.name, extra={"job_id": job_id})
        _write(job_id, token, (JobState.RUNNING,), state=JobState.FAILED, step="failed",
               error=_technical(exc), finished_at=utcnow())
        return JobState.FAILED
    # Routine, and the demo's console stays quiet: said at DEBUG (faults are warnings).
    log.debug("job %s (%s) done", job_id, kind.name, extra={"job_id": job_id})
    return JobState.DONE


def _finish(job: BackgroundJob, kind: JobKind, token: int, result: Result) -> None:
    """Keep the file, mark the job done and ring the requester's bell, in one commit."""
    values: dict = {"state": JobState.DONE, "progress": 100, "step": "done",
                    "finished_at": utcnow(), "heartbeat_at": utcnow(), "summary": result.summary,
                    "error": None, "failure": None}
    if result.content is not None:
        storage = f"{job.id}-{secrets.token_hex(8)}{Path(result.filename or '').suffix}"
        target = result_path(storage)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(result.content)
        values.update(result_storage=storage, result_name=result.filename,
                      result_mimetype=result.mimetype, result_size=len(result.content))
    if not _write(job.id, token, (JobState.RUNNING,), commit=False, **values):
        raise TakenOver(job.id)
    requester = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    if kind.notification and requester is not None and requester.active:
        add_in_app(requester, kind.notification, dict(
            kind.notification_context(job.parameters),
            url=external_url("jobs.show_job", job_id=job.id)))
    aftercommit.commit()


def _write(job_id: int, token: int, states: tuple[JobState, ...], *, commit: bool = True,
           **values) -> bool:
    """Write ``values`` on the job if it is still in ``states`` and still run ``token``'s.
    Commits (and hands over what the commit made due) unless told not to."""
    done = rowcount(db.session.execute(update(BackgroundJob).where(
        BackgroundJob.id == job_id, BackgroundJob.attempts == token,
        BackgroundJob.state.in_(states)).values(**values))) == 1
    if commit:
        aftercommit.commit()
    return done


def _technical(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _in_every_language(message) -> dict[str, str]:
    """A refusal (a lazy string) in each language of the interface."""
    texts = {}
    for language in LANGUAGES:
        with force_locale(language):
            texts[language] = str(message)
    return texts


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after a transient fault: 30, then 60."""
    return RETRY_SECONDS * 2 ** max(0, attempts - 1)


# --- Beat: the sweep and the purge --------------------------------------------------------

def recover(now: datetime | None = None) -> list[int]:
    """Jobs to hand over again: queued ones the broker never received (older than a minute),
    and running ones whose worker went silent for JOB_STUCK_SECONDS (put back in the queue,
    or failed after MAX_ATTEMPTS runs)."""
    now = now or utcnow()
    silent_since = now - timedelta(seconds=current_app.config["JOB_STUCK_SECONDS"])
    stuck = db.session.execute(update(BackgroundJob).where(
        BackgroundJob.state == JobState.RUNNING, BackgroundJob.heartbeat_at < silent_since,
        BackgroundJob.attempts < MAX_ATTEMPTS)
        .values(state=JobState.QUEUED, step="queued", heartbeat_at=now)
        .returning(BackgroundJob.id)).scalars().all()
    db.session.execute(update(BackgroundJob).where(
        BackgroundJob.state == JobState.RUNNING, BackgroundJob.heartbeat_at < silent_since,
        BackgroundJob.attempts >= MAX_ATTEMPTS)
        .values(state=JobState.FAILED, step="failed", finished_at=now,
                error="The worker went silent at each attempt."))
    waiting = db.session.scalars(select(BackgroundJob.id).where(
        BackgroundJob.state == JobState.QUEUED,
        BackgroundJob.heartbeat_at < now - UNSENT_AFTER)).all()
    return sorted(set(stuck) | set(waiting))


def result_path(storage: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / FOLDER / storage


def purge(now: datetime | None = None) -> int:
    """Jobs ended more than JOB_RETENTION_DAYS ago go, with their files; so do files left
    behind by a run that never committed. Returns how many jobs went."""
    now = now or utcnow()
    limit = now - timedelta(days=current_app.config["JOB_RETENTION_DAYS"])
    old = db.session.execute(select(BackgroundJob.id, BackgroundJob.result_storage).where(
        BackgroundJob.state.in_((JobState.DONE, JobState.FAILED)),
        BackgroundJob.finished_at < limit)).all()
    for _id, storage in old:
        if storage:
            result_path(storage).unlink(missing_ok=True)
    if old:
        db.session.execute(delete(BackgroundJob).where(
            BackgroundJob.id.in_([job_id for job_id, _s in old])))
    folder = Path(current_app.config["UPLOAD_DIR"]) / FOLDER
    kept = set(db.session.scalars(select(BackgroundJob.result_storage).where(
        BackgroundJob.result_storage.is_not(None))))
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name not in kept and path.stat().st_mtime < limit.timestamp():
                path.unlink(missing_ok=True)
    return len(old)
