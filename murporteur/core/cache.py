"""Results worth keeping between requests, kept in Redis (``REDIS_URL``), never in a web
process: every worker and every machine reads the same copy, and nothing goes stale in one
of them.

``remember(key, compute, dump, load)`` gives what is stored under ``key``, else computes it,
stores it and gives it. The caller makes the key say everything the result depends on (for
the reporting's figures, a version the database changes with the data: ``reporting.cache``);
entries also expire after ``ttl`` seconds, so that nothing unread stays for ever.

One computation at a time per key, across workers and machines: the first request that finds
no entry computes it under a Redis lock (``redis-py``'s ``Lock``); the others, arriving
meanwhile, wait for its result rather than each computing the same thing again — at 100,000
dossiers, ten readers just after a change used to compute a year's figures ten times at
once (a p99 of 8 s for a 1.4 s computation). A waiter computes on its own if the holder
gives up (its lock released or expired without a result) or after ``WAIT_SECONDS``.

Without Redis (``REDIS_URL`` unset: development, most tests) or when it does not answer, the
result is computed each time: a cache never refuses a page. Values are stored as JSON, never
pickled: what Redis holds is data, not code.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

log = logging.getLogger(__name__)
T = TypeVar("T")

PREFIX = "murporteur:cache:"
#: How long an unread entry stays (seconds).
DEFAULT_TTL = 6 * 3600
_CLIENTS = "murporteur.cache.clients"
#: How long a computation may hold its key's lock before another may take over (seconds).
LOCK_SECONDS = 60
#: How long a reader waits for another's computation before computing on its own (seconds).
WAIT_SECONDS = 15.0


def client():
    """The Redis client of ``REDIS_URL`` (one connection pool per address and app), or None
    without Redis."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients = current_app.extensions.setdefault(_CLIENTS, {})
    if url not in clients:
        import redis

        # Short timeouts: an unreachable Redis costs a page half a second, not a minute.
        clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.5,
                                            socket_timeout=0.5)
    return clients[url]


def remember(key: str, compute: Callable[[], T], dump: Callable[[T], Any],
             load: Callable[[Any], T], ttl: int = DEFAULT_TTL) -> T:
    """What is stored under ``key`` (``load`` of its JSON), else ``compute()``, stored as the
    JSON of ``dump(value)``: computed by one reader at a time, the others waiting for it."""
    import redis

    store = client()
    if store is None:
        return compute()
    name = PREFIX + key
    try:
        found = _read(store, name, load)
        if found is not None:
            return found[0]
        lock = store.lock(PREFIX + "computing:" + key, timeout=LOCK_SECONDS)
        if not lock.acquire(blocking=False):
            found = _wait_for(store, name, lock.name, load)
            if found is not None:
                return found[0]
            # The holder gave up, or is too slow: compute, under the lock if it is free now.
            lock = lock if lock.acquire(blocking=False) else None
    except redis.RedisError as exc:
        log.warning("cache unavailable, computing instead: %s", exc)
        return compute()
    try:
        value = compute()
        try:
            store.set(name, json.dumps(dump(value), separators=(",", ":")), ex=ttl)
        except redis.RedisError as exc:
            log.warning("cache unavailable, not stored: %s", exc)
        return value
    finally:
        if lock is not None:
            _release(lock)


def _read(store, name: str, load: Callable[[Any], T]) -> tuple[T] | None:
    """The entry ``name`` loaded, in a 1-tuple (a stored value may itself be None), or None
    when there is none (or it was written in a format this version no longer reads)."""
    raw = store.get(name)
    if raw is None:
        return None
    try:
        return (load(json.loads(raw)),)
    except (ValueError, KeyError, TypeError) as exc:  # written by another version
        log.warning("cache entry %s unreadable, computing again: %s", name, exc)
        return None


def _wait_for(store, name: str, lock_name: str, load: Callable[[Any], T]) -> tuple[T] | None:
    """The entry another reader is computing, once stored; None if its lock goes without
    one, or after ``WAIT_SECONDS``. Polled, 20 ms at first, then less and less often."""
    deadline = time.monotonic() + WAIT_SECONDS
    pause = 0.02
    while time.monotonic() < deadline:
        time.sleep(pause)
        found = _read(store, name, load)
        if found is not None:
            return found
        if not store.exists(lock_name):
            return _read(store, name, load)  # stored just before the lock went, or not
        pause = min(pause * 1.5, 0.25)
    log.warning("cache entry %s still being computed after %s s: computing it too", name,
                WAIT_SECONDS)
    return None


def _release(lock) -> None:
    import redis

    try:
        lock.release()
    except redis.exceptions.LockError:
        pass  # expired meanwhile (a computation longer than LOCK_SECONDS): nothing to free
    except redis.RedisError as exc:
        log.warning("cache unavailable, lock left to expire: %s", exc)


def exists(name: str) -> bool:
    """Whether Redis holds ``name`` (a full key, ``PREFIX`` included); False without Redis or
    when it does not answer (then the caller computes, as ``remember`` would)."""
    import redis

    store = client()
    if store is None:
        return False
    try:
        return bool(store.exists(name))
    except redis.RedisError as exc:
        log.warning("cache unavailable: %s", exc)
        return False
