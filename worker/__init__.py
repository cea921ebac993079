"""The Celery entry point: ``celery -A worker worker`` and ``celery -A worker beat``.

It builds the Flask application from the environment (the same variables as the web process)
and exposes its Celery app; tasks live in each domain's ``tasks.py``, the beat schedule in
``worker/schedule.py``.
"""

from murporteur import create_app
from murporteur.core.logging import install_celery_hooks
from worker.schedule import beat_schedule

flask_app = create_app()
# The worker's and beat's logs in the web process's format (LOG_FORMAT), task id included.
install_celery_hooks(flask_app.config["LOG_FORMAT"])
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = beat_schedule(flask_app.config)
# A worker stuck on the mail server is stopped (prefork pool) well before beat's recovery takes
# its row back (OUTBOX_STUCK_SECONDS): a live worker and the recovery never send the same mail.
# Likewise a background job is stopped well before the sweep takes it back (JOB_STUCK_SECONDS
# without a sign of life): a job is never run by two workers at once.
celery.conf.task_annotations = {
    "murporteur.notifications.send_outbox_message": {
        "time_limit": max(1, flask_app.config["OUTBOX_STUCK_SECONDS"] // 2)},
    "murporteur.jobs.run": {"time_limit": max(1, flask_app.config["JOB_STUCK_SECONDS"] // 2)},
}
