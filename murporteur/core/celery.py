"""The Celery application, bound to the Flask app (Flask's own Celery pattern).

With ``REDIS_URL`` unset, tasks run in-process (``task_always_eager``); they are still
handed over only after the database commit, by ``notifications.dispatch``.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from celery import Celery, Task
from flask import Flask, after_this_request, current_app, has_app_context
from werkzeug.local import LocalProxy

log = logging.getLogger(__name__)


def _proxied(app: Flask) -> Flask:
    """The application behind ``current_app`` (typed as the app, it is Werkzeug's proxy)."""
    return cast("LocalProxy[Flask]", app)._get_current_object()


def celery_init_app(app: Flask) -> Celery[Any]:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            # In-process, the task runs inside the request's app context and shares its
            # session; in a worker, each task gets its own context and session.
            if has_app_context() and _proxied(current_app) is app:
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    redis_url = app.config.get("REDIS_URL")
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=redis_url or "memory://",
        task_always_eager=not redis_url,
        task_eager_propagates=False,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        # A submission must not wait on a dead broker: fail fast, the row stays queued.
        task_publish_retry=False,
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5,
                                  "max_retries": 0},
        timezone="Europe/Paris",
        enable_utc=True,
        task_serializer="json",
        accept_content=["json"],
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def hand_over_after_response(task: Task, *args) -> None:
    """Give ``task(*args)`` to Celery once this request's response has left.

    For work whose cost must not show in the answer's timing (is this address known?): the
    request does the same thing whatever the arguments. With a broker the worker does the
    work; without one (or the broker down) it runs in this process, after the response.
    """
    bound = current_app.extensions["celery"].tasks[task.name]

    @after_this_request
    def _schedule(response):
        response.call_on_close(lambda: _hand_over(bound, args))
        return response


def _hand_over(task: Task, args: tuple) -> None:
    try:
        task.delay(*args)
    except Exception as exc:  # broker unreachable: the request must not be lost
        log.warning("task %s runs in-process, broker unavailable: %s", task.name, exc)
        task.apply(args=args)
