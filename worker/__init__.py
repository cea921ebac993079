"""The Celery entry point: ``celery -A worker worker`` and ``celery -A worker beat``.

It builds the Flask application from the environment (the same variables as the web process)
and exposes its Celery app; tasks live in each domain's ``tasks.py``.
"""

from murporteur import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
