"""A background job: slow work (a long PDF, a convocation to every member) done by a worker
while the person who asked follows its progress on a page of its own."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from murporteur.core.db import UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


#: The states of a job still to finish: asking for the same work again joins it.
ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class BackgroundJob(Model):
    __tablename__ = "background_job"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_is_a_percentage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Which registered kind of work (``jobs/registry.py``): the domain that declared it runs it.
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # Who asked (the bell tells them when it is over); None for work the system started.
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # JSON values only (ids, a year): the task reads the objects again when it runs.
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    # What the work is about ("committee_session:12"), so that its page shows the progress.
    subject: Mapped[str] = mapped_column(String(80), default="", index=True)
    # The same kind and key while queued or running is the same job: asked twice, done once.
    dedupe_key: Mapped[str] = mapped_column(String(200))
    # The language of the page it was asked from: documents and messages are written in it.
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    state: Mapped[JobState] = mapped_column(str_enum(JobState, "job_state"),
                                            default=JobState.QUEUED, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # A short code of the current step ("rendering"), put in words by the page.
    step: Mapped[str] = mapped_column(String(40), default="queued")
    # Each run claims the job with attempts + 1; that number is the run's token.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The file it produced, kept under UPLOAD_DIR/jobs/ until JOB_RETENTION_DAYS have passed.
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_mimetype: Mapped[str | None] = mapped_column(String(100))
    result_storage: Mapped[str | None] = mapped_column(String(80))
    result_size: Mapped[int | None] = mapped_column(Integer)
    # What the run reports besides a file (how many convocations were written…).
    summary: Mapped[dict | None] = mapped_column(JSON)
    # Why it failed: for the logs and the operators…
    error: Mapped[str | None] = mapped_column(Text)
    # …and, when the rules refused it, the refusal as people read it ({"fr": …, "en": …}).
    failure: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last sign of life (queued, claimed, each step): beat's sweep hands over again a job
    # queued for too long and takes back one whose worker went silent (JOB_STUCK_SECONDS).
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    requested_by = relationship("User")

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def done(self) -> bool:
        return self.state == JobState.DONE

    @property
    def failed(self) -> bool:
        return self.state == JobState.FAILED
