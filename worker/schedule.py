"""What Celery beat runs, and when (times in Europe/Paris). Documented in the README."""

from datetime import timedelta

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Outbox rows the broker never received (it was down) or a dead worker left half-sent
    # (OUTBOX_STUCK_SECONDS): every minute (OUTBOX_RECOVERY_SECONDS, see beat_schedule).
    "recover-outbox": {
        "task": "murporteur.notifications.recover_outbox",
        "schedule": timedelta(minutes=1),
    },
    # Background jobs the broker never received, or a dead worker left running
    # (JOB_STUCK_SECONDS): every minute, like the outbox.
    "recover-jobs": {
        "task": "murporteur.jobs.recover",
        "schedule": timedelta(minutes=1),
    },
    # Finished background jobs and their files (PDFs), JOB_RETENTION_DAYS after they ended.
    "purge-jobs": {
        "task": "murporteur.jobs.purge",
        "schedule": crontab(hour=3, minute=30),
    },
    # Audit entries a missed hand-over left unchained (issue 16): every minute.
    "chain-audit-trail": {
        "task": "murporteur.audit.chain",
        "schedule": timedelta(minutes=1),
    },
    # The reporting's figures of this year and the last, computed again when a change made
    # them stale (issue 16): the page after a change reads them instead of computing them.
    "warm-figures": {
        "task": "murporteur.reporting.warm_figures",
        "schedule": timedelta(minutes=1),
    },
    # Each animator's planned calls of the day.
    "remind-calls": {
        "task": "murporteur.triage.remind_calls",
        "schedule": crontab(hour=7, minute=30),
    },
    # Holders asked for information a week ago who have not answered: once per request, in
    # the morning, when people read their mail.
    "remind-unanswered-requests": {
        "task": "murporteur.triage.remind_unanswered_requests",
        "schedule": crontab(hour=9, minute=0),
    },
    # The daily digest of those who chose it, at 8:00.
    "send-digests": {
        "task": "murporteur.notifications.send_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    # Three days before a convened session, the members whose organisation still owes
    # positions: after the morning digest, early enough in the working day to act on it.
    "remind-missing-positions": {
        "task": "murporteur.committee.remind_missing_positions",
        "schedule": crontab(hour=8, minute=15),
    },
    # The eve of a session, once the day's answers are in, the animators see which
    # organisations still owe a position on which dossier.
    "digest-missing-positions": {
        "task": "murporteur.committee.digest_missing_positions",
        "schedule": crontab(hour=17, minute=0),
    },
    # The first day of each quarter, after the morning digest: each member hears of the
    # projects a single organisation backs, that theirs could join (crossed interventions).
    "quarterly-crossed-digest": {
        "task": "murporteur.committee.quarterly_crossed_digest",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=8, minute=30),
    },
    # Conventions, once a day after the calls' reminder and before the digest: payments due
    # in a week, payments past their date and still not marked as paid, conventions ending in
    # a month. Each payment or convention is announced once (a second run sends nothing).
    "remind-convention-payments-due": {
        "task": "murporteur.conventions.remind_payments_due",
        "schedule": crontab(hour=7, minute=45),
    },
    "remind-convention-payments-overdue": {
        "task": "murporteur.conventions.remind_payments_overdue",
        "schedule": crontab(hour=7, minute=45),
    },
    "remind-conventions-ending": {
        "task": "murporteur.conventions.remind_conventions_ending",
        "schedule": crontab(hour=7, minute=45),
    },
    # Calls (calls/tasks.py): a holder's draft answering a call closing in three days.
    "remind-closing-call-drafts": {
        "task": "murporteur.calls.remind_closing_drafts",
        "schedule": crontab(hour=9, minute=30),
    },
    # The holders' reports (issue 18): a week before each reporting date, then the day after
    # and weekly, three times at most, while no report came.
    "remind-convention-reports": {
        "task": "murporteur.conventions.remind_reports",
        "schedule": crontab(hour=7, minute=50),
    },
    # Retention (privacy/retention.py), at night when nobody edits: first the warnings two
    # weeks ahead, then the drafts whose notice has run, then the finished dossiers' data.
    "warn-expiring-drafts": {
        "task": "murporteur.privacy.warn_expiring_drafts",
        "schedule": crontab(hour=3, minute=0),
    },
    "delete-expired-drafts": {
        "task": "murporteur.privacy.delete_expired_drafts",
        "schedule": crontab(hour=3, minute=10),
    },
    "anonymise-finished-dossiers": {
        "task": "murporteur.privacy.anonymise_finished_dossiers",
        "schedule": crontab(hour=3, minute=20),
    },
    # Uploads still waiting for the antivirus's verdict (broker or daemon was down).
    "rescan-pending-documents": {
        "task": "murporteur.submissions.rescan_pending",
        "schedule": crontab(minute="*/15"),
    },
    # Files sent with an idea form that was never saved (STAGED_UPLOAD_HOURS old): hourly,
    # so that what an abandoned or abusive form left on disk does not pile up.
    "purge-staged-uploads": {
        "task": "murporteur.submissions.purge_staged_uploads",
        "schedule": crontab(minute=40),
    },
}


def beat_schedule(config) -> dict:
    """The schedule, with the outbox recovery at the configured period."""
    schedule = dict(BEAT_SCHEDULE)
    schedule["recover-outbox"] = dict(
        schedule["recover-outbox"],
        schedule=timedelta(seconds=config["OUTBOX_RECOVERY_SECONDS"]))
    return schedule
