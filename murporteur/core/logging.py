"""Structured logs: one JSON object per line, with the request id, for every process.

``LOG_FORMAT=json`` (the default in production) makes the web process, the Celery worker and
beat, and gunicorn's access log write lines like::

    {"time": "2026-11-24T03:12:45.120Z", "level": "INFO", "logger": "murporteur.notifications",
     "message": "sent", "request_id": "5f0c…", "outbox_id": 42, "task": "…"}

Every ``extra={...}`` field given to a log call becomes a key of the object. ``text`` (the
default in development and tests) keeps the classic one-line format, request id included.

The request id comes from the ``X-Request-ID`` header when it is sane (what a reverse proxy
sets), else is generated; it is echoed in the response's ``X-Request-ID`` header. In a Celery
task, the task's id and name stand in for it.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

#: The id of the work in progress outside a request (a Celery task).
current_task_id: ContextVar[str | None] = ContextVar("current_task_id", default=None)

# The attributes every LogRecord has: anything else was passed with ``extra=``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "request_id", "taskName"}


def request_id() -> str | None:
    """The id of the current request, or of the current task, or None."""
    if has_request_context():
        return g.get("request_id")
    return current_task_id.get()


def accept_request_id(header: str | None) -> str:
    """The client's (or the proxy's) id when it looks like one, else a new one."""
    if header and SANE_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (``-`` when there is none), for both formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id() or "-"
        return True


def _jsonable(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id and
    every extra field of the call."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = _jsonable(value)
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).strip()
        if record.stack_info:
            entry["stack"] = record.stack_info
        if entry["request_id"] == "-":
            entry["request_id"] = None
        return json.dumps(entry, ensure_ascii=False)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Give the root logger one handler on stderr in ``log_format`` (idempotent).

    A handler someone else installed (pytest's capture, Celery's) keeps its place but gets our
    formatter and filter, so that every line has the same shape.
    """
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
        root.setLevel(level)
    for handler in root.handlers:
        install(handler, log_format)


def install(handler: logging.Handler, log_format: str) -> None:
    if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
        handler.addFilter(RequestIdFilter())
    # pytest's capture handlers keep their own format; everything else gets ours.
    if type(handler).__module__.startswith("_pytest"):
        return
    handler.setFormatter(formatter(log_format))


def init_app(app: Flask) -> None:
    """The request id of each request, and the log format of the process."""
    configure(app.config["LOG_FORMAT"])
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # WeasyPrint tells every layout step of every PDF, fontTools every font it subsets:
    # their warnings and errors still come through.
    for chatty in ("weasyprint.progress", "fontTools"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if not app.config.get("REDIS_URL"):
        # In-process tasks use kombu's memory transport, which has no host to name: its
        # "No hostname was supplied" is not news.
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)

    @app.before_request
    def _request_id():
        g.request_id = accept_request_id(request.headers.get("X-Request-ID"))

    @app.after_request
    def _echo_request_id(response):
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response


_celery_format: str | None = None


def install_celery_hooks(log_format: str) -> None:
    """Celery's worker and beat logs in the same format, with the task's id as request id."""
    global _celery_format
    first = _celery_format is None
    _celery_format = log_format
    if not first:
        return
    from celery.signals import (
        after_setup_logger,
        after_setup_task_logger,
        task_postrun,
        task_prerun,
    )

    def _setup(logger=None, **_kwargs):
        for handler in (logger or logging.getLogger()).handlers:
            install(handler, _celery_format)

    after_setup_logger.connect(_setup, weak=False)
    after_setup_task_logger.connect(_setup, weak=False)

    tokens = {}

    def _prerun(task_id=None, task=None, **_kwargs):
        tokens[task_id] = current_task_id.set(task_id)

    def _postrun(task_id=None, **_kwargs):
        token = tokens.pop(task_id, None)
        if token is not None:
            current_task_id.reset(token)

    task_prerun.connect(_prerun, weak=False)
    task_postrun.connect(_postrun, weak=False)


try:  # gunicorn is a dependency of the web process only; the class is used by its config.
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class GunicornLogger(_GunicornLogger):
    """gunicorn's error and access logs in the application's format (``logger_class`` in
    ``gunicorn.conf.py``): each access line is an object with the request's id."""

    def setup(self, cfg):
        super().setup(cfg)
        import os

        log_format = os.environ.get("LOG_FORMAT") or (
            "json" if os.environ.get("MURPORTEUR_ENV") == "production" else "text")
        for logger in (self.error_log, self.access_log):
            for handler in logger.handlers:
                handler.setFormatter(formatter(log_format))
                handler.addFilter(RequestIdFilter())

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict
                or self.cfg.syslog):
            return
        rid = next((v for k, v in (resp.headers or []) if k.lower() == "x-request-id"), None)
        duration_ms = round(request_time.total_seconds() * 1000, 1)
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) \
            else str(resp.status)
        self.access_log.info(
            "%s %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), status,
            extra={"request_id": rid or "-", "method": environ.get("REQUEST_METHOD"),
                   "path": environ.get("PATH_INFO"), "status": int(status),
                   "duration_ms": duration_ms, "bytes": getattr(resp, "sent", None),
                   "remote_addr": environ.get("REMOTE_ADDR"),
                   "user_agent": environ.get("HTTP_USER_AGENT")})
