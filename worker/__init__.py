"""The Celery entry point: ``celery -A worker worker`` and ``celery -A worker beat``.

It builds the Flask application from the environment (the same variables as the web process)
and exposes its Celery app; tasks live in each domain's ``tasks.py``, the beat schedule in
``worker/schedule.py``.
"""

from murporteur import create_app
from worker.schedule import BEAT_SCHEDULE

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = BEAT_SCHEDULE
