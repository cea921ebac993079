"""What Celery beat runs, and when (times in Europe/Paris). Documented in the README."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Outbox rows the broker never received (it was down) or a dead worker left half-sent.
    "recover-outbox": {
        "task": "murporteur.notifications.recover_outbox",
        "schedule": crontab(minute="*/5"),
    },
}
