"""Prometheus metrics (``prometheus-client``): requests, latencies, Celery tasks, outbox backlog.

``GET /metrics`` serves them in the text exposition format. It is not public: with
``METRICS_TOKEN`` set it asks for ``Authorization: Bearer <token>``; without, it answers only
requests made from the machine itself (127.0.0.1 or ::1) that did not come through a proxy
(no ``X-Forwarded-For``).

Under gunicorn (several processes), set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory
that the web processes share (wiped at each start): each worker writes its counters there and
a scrape adds them up (``gunicorn.conf.py`` forgets the workers that exit). The outbox gauge
is computed at scrape time from the database, so it is the same whichever worker answers.
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("murporteur_http_requests_total", "HTTP requests answered",
                   ["method", "endpoint", "status"])
LATENCY = Histogram("murporteur_http_request_duration_seconds",
                    "Time to answer an HTTP request (until the response starts)",
                    ["method", "endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
TASKS = Counter("murporteur_celery_tasks_total", "Celery tasks run, by outcome",
                ["task", "outcome"])

bp = Blueprint("metrics", __name__)
_celery_hooked = False


class OutboxCollector:
    """The outbox backlog by state, read from the database at each scrape."""

    def collect(self):
        from murporteur.web.pages import outbox_counts

        gauge = GaugeMetricFamily("murporteur_outbox_messages",
                                  "Outbox rows by state (queued and sending are the backlog)",
                                  labels=["state"])
        try:
            counts = outbox_counts()
        except Exception:  # the database is down: /readyz says so, the scrape still answers
            from murporteur.extensions import db

            db.session.rollback()
            counts = {}
        for state, count in counts.items():
            gauge.add_metric([state], count)
        yield gauge


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, TASKS):
            registry.register(collector)
    registry.register(OutboxCollector())
    return registry


def allowed(req) -> bool:
    """Whether this request may read the metrics (see the module's docstring)."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = req.headers.get("Authorization", "")
        return given.startswith("Bearer ") and hmac.compare_digest(
            given.removeprefix("Bearer ").strip().encode(), token.encode())
    return req.remote_addr in ("127.0.0.1", "::1") and "X-Forwarded-For" not in req.headers


@bp.get("/metrics")
def metrics():
    if not allowed(request):
        abort(403)
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _hook_celery() -> None:
    global _celery_hooked
    if _celery_hooked:
        return
    from celery.signals import task_failure, task_retry, task_success

    def name_of(sender) -> str:
        return getattr(sender, "name", None) or str(sender)

    task_success.connect(lambda sender=None, **_: TASKS.labels(name_of(sender), "succeeded")
                         .inc(), weak=False)
    task_failure.connect(lambda sender=None, **_: TASKS.labels(name_of(sender), "failed")
                         .inc(), weak=False)
    task_retry.connect(lambda sender=None, **_: TASKS.labels(name_of(sender), "retried")
                       .inc(), weak=False)
    _celery_hooked = True


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    _hook_celery()

    @app.before_request
    def _start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            # The route's name, never the URL: a bounded number of series.
            endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
            REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
            LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
        return response
