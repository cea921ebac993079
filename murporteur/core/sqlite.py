"""SQLite as the embedded default that takes a burst of requests.

- Foreign keys enforced, and transactions (savepoints included) begun by SQLAlchemy rather
  than guessed by the driver.
- WAL: readers never wait for the writer, nor the writer for readers.
- The transactions of a request that may write (anything but GET, HEAD, OPTIONS) and of a
  Celery task begin with ``BEGIN IMMEDIATE``: they queue for the single writer's lock at their
  first statement, waiting up to ``BUSY_TIMEOUT_MS``, instead of failing with "database is
  locked" when a read turns into a write while another writer went first. Commands (one
  person at a terminal) begin deferred: a second connection they open to read the schema must
  not wait for their own first one.
- What still meets a lock (a page that writes during a GET, a wait beyond the timeout) is
  done again whole: each view is run up to ``ATTEMPTS`` times, rolled back in between.
"""

from __future__ import annotations

import functools
import logging
import random
import time

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from murporteur.core.text import strip_accents

log = logging.getLogger(__name__)

#: How long a transaction waits for the writer's lock before SQLite gives up.
BUSY_TIMEOUT_MS = 20_000
#: Runs of one view when SQLite still answers "database is locked".
ATTEMPTS = 3
READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")


def configure(engine) -> None:
    """The pragmas of every connection of ``engine`` and the way its transactions begin."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        # PostgreSQL's unaccent, for the dashboard's search ("creche" finds "Crèche").
        dbapi_connection.create_function("unaccent", 1, strip_accents, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
            # Durable at each checkpoint, not at each commit: safe in WAL, and much faster.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if may_write() else "BEGIN")


def may_write() -> bool:
    """Whether the transaction beginning now belongs to concurrent work that may write: a
    request other than a read-only one, or a Celery task."""
    if has_request_context():
        return request.method not in READ_ONLY_METHODS
    from celery import current_task

    return bool(current_task)


def is_locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and any(
        words in str(exc.orig) for words in ("database is locked", "database table is locked",
                                             "database is busy"))


def retry_when_locked(function, *, attempts: int = ATTEMPTS):
    """``function`` run again whole (after a rollback) when SQLite says it is locked, up to
    ``attempts`` times; the last refusal is raised."""
    from murporteur.extensions import db

    @functools.wraps(function)
    def run(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            try:
                return function(*args, **kwargs)
            except OperationalError as exc:
                if not is_locked(exc) or attempt == attempts:
                    raise
                db.session.rollback()
                _rewind_uploads()
                log.warning("database locked, unit of work run again (attempt %s of %s)",
                            attempt + 1, attempts)
                time.sleep(random.uniform(0.05, 0.2) * attempt)
        raise AssertionError("unreachable")

    return run


def _rewind_uploads() -> None:
    """The request's files readable again from their start, for the view's next run."""
    if has_request_context():
        for upload in request.files.values():
            upload.stream.seek(0)


def retry_views_when_locked(app: Flask) -> None:
    """Every view of ``app`` run again whole when the database is locked."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = retry_when_locked(view)
