"""Work that belongs to the current transaction: done when it commits, forgotten when it rolls
back. The one place where the outbox, the antivirus and the audit chain hold their work.

- ``before_commit(fn, *args)``: ``fn(*args)`` runs inside the transaction, just before it
  commits, and may still write (the audit chain links its entries there, under its lock);
- ``after_commit(fn, *args)``: ``fn(*args)`` runs once the transaction has committed (a Celery
  task handed its row's id); ``after_commit_together(fn, arg)``: likewise, but the args of the
  committed work are given to ``fn`` in one list (forty rows, one hand-over). It runs at
  ``run_committed``, called after each request and by ``commit`` wherever code outside a
  request commits, not inside SQLAlchemy's own commit hook: there the session may not emit
  SQL, and a task run in-process (no broker) needs the session.

A rollback forgets the work queued in what it undoes: the whole transaction, or just a
savepoint (``begin_nested``), whose work joins the enclosing transaction when released. A
session whose transaction is itself a savepoint of the connection (the test harness's
``join_transaction_mode="create_savepoint"``) behaves as one whose transaction is the
connection's: its commit is a commit.

The listeners sit on SQLAlchemy's ``Session`` class rather than on ``db.session``: the tests
bind their own sessions (plain ``Session`` objects) to a connection they roll back. They do
nothing to a session that queued no work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

log = logging.getLogger(__name__)

#: A session, or ``db.session`` (the registry that gives the current one).
AnySession = Session | scoped_session
_QUEUED = "murporteur.aftercommit.queued"
_COMMITTED = "murporteur.aftercommit.committed"
BEFORE, AFTER = "before", "after"


@dataclass(frozen=True)
class _Together:
    """The mark of work whose args are gathered into one call of ``fn``."""

    fn: Callable[[list], Any]


@dataclass(eq=False)
class _Work:
    when: str
    #: The innermost savepoint open when the work was queued (None: the transaction itself).
    savepoint: SessionTransaction | None
    fn: Callable[..., Any] | _Together
    args: tuple


def _session(session: AnySession | None) -> Session:
    """The session itself (``db.session`` is a registry of them)."""
    if session is None:
        from murporteur.extensions import db

        session = db.session
    return session() if isinstance(session, scoped_session) else session


def _queue(when: str, fn: Callable[..., Any] | _Together, args: tuple,
           session: AnySession | None) -> None:
    session = _session(session)
    if session.get_transaction() is None:
        session.begin()  # the work belongs to a transaction: a rollback must find it
    work = _Work(when, session.get_nested_transaction(), fn, args)
    session.info.setdefault(_QUEUED, []).append(work)


def before_commit(fn: Callable[..., Any], *args: Any, session: AnySession | None = None) -> None:
    """Run ``fn(*args)`` just before the current transaction commits, inside it."""
    _queue(BEFORE, fn, args, session)


def after_commit(fn: Callable[..., Any], *args: Any, session: AnySession | None = None) -> None:
    """Run ``fn(*args)`` once the current transaction has committed; never if it rolls back."""
    _queue(AFTER, fn, args, session)


def after_commit_together(fn: Callable[[list], Any], arg: Any, *,
                          session: AnySession | None = None) -> None:
    """Once the current transaction has committed, ``fn([arg, …])``: one call with every
    ``arg`` queued for ``fn`` by the work committed together; none if it rolls back."""
    _queue(AFTER, _Together(fn), (arg,), session)


def _calls(work: list[tuple[Callable[..., Any] | _Together, tuple]]
           ) -> list[tuple[Callable[..., Any], tuple]]:
    """The committed work as calls: gathered work becomes one call per function, in the place
    of its first piece."""
    calls: list[tuple[Callable[..., Any], tuple]] = []
    gathered: dict[Callable[..., Any], list] = {}
    for fn, args in work:
        if isinstance(fn, _Together):
            if fn.fn not in gathered:
                gathered[fn.fn] = []
                calls.append((fn.fn, (gathered[fn.fn],)))
            gathered[fn.fn].extend(args)
        else:
            calls.append((fn, args))
    return calls


def run_committed(session: AnySession | None = None) -> int:
    """Do the after-commit work of the transactions committed so far; returns how many calls.

    Each call runs once. One that fails is logged and does not stop the others: the commit
    has happened, the request must not turn into an error page for it.
    """
    session = _session(session)
    done = 0
    # A call may commit again (a task run in-process) and so queue more: taken in turns.
    while work := session.info.pop(_COMMITTED, None):
        for fn, args in _calls(work):
            try:
                fn(*args)
            except Exception:
                log.exception("after-commit work %s%r failed", getattr(fn, "__name__", fn), args)
            done += 1
    return done


def commit(session: AnySession | None = None) -> None:
    """Commit, then do the after-commit work (for code outside a request: tasks, commands)."""
    session = _session(session)
    session.commit()
    run_committed(session)


def init_app(app: Flask) -> None:
    """After each request (whose view committed, or not), do the committed work."""

    @app.after_request
    def _run_committed(response):
        run_committed()
        return response


def _enclosing_savepoint(transaction: SessionTransaction) -> SessionTransaction | None:
    parent = transaction.parent
    while parent is not None and not parent.nested:
        parent = parent.parent
    return parent


def _inside(savepoint: SessionTransaction | None, transaction: SessionTransaction) -> bool:
    """Whether work tagged ``savepoint`` was queued within ``transaction``."""
    while savepoint is not None:
        if savepoint is transaction:
            return True
        savepoint = savepoint.parent
    return False


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # releasing a savepoint: its work waits for the real commit
    queue = session.info.get(_QUEUED)
    # Taken one at a time: a before-commit call may queue another.
    while queue and (work := next((w for w in queue if w.when == BEFORE), None)):
        queue.remove(work)
        work.fn(*work.args)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    queue = session.info.get(_QUEUED)
    if not queue:
        return
    released = session.get_nested_transaction()
    if released is not None:  # a savepoint released: its work now belongs to the one around
        enclosing = _enclosing_savepoint(released)
        for work in queue:
            if work.savepoint is released:
                work.savepoint = enclosing
        return
    committed = session.info.setdefault(_COMMITTED, [])
    committed.extend((w.fn, w.args) for w in queue if w.when == AFTER)
    del session.info[_QUEUED]


@event.listens_for(Session, "after_transaction_end")
def _forget_undone(session: Session, transaction: SessionTransaction) -> None:
    """What is still queued in a transaction or savepoint that ends was rolled back (or closed
    unfinished): forgotten. A commit has already taken its work away."""
    queue = session.info.get(_QUEUED)
    if not queue:
        return
    if transaction.parent is None:
        del session.info[_QUEUED]
    elif transaction.nested:
        queue[:] = [w for w in queue if not _inside(w.savepoint, transaction)]
