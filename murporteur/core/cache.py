"""Results worth keeping between requests, kept in Redis (``REDIS_URL``), never in a web
process: every worker and every machine reads the same copy, and nothing goes stale in one
of them.

``remember(key, compute, dump, load)`` gives what is stored under ``key``, else computes it,
stores it and gives it. The caller makes the key say everything the result depends on (for
the reporting's figures, a version the database changes with the data: ``reporting.cache``);
entries also expire after ``ttl`` seconds, so that nothing unread stays for ever.

Without Redis (``REDIS_URL`` unset: development, most tests) or when it does not answer, the
result is computed each time: a cache never refuses a page. Values are stored as JSON, never
pickled: what Redis holds is data, not code.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

log = logging.getLogger(__name__)
T = TypeVar("T")

PREFIX = "murporteur:cache:"
#: How long an unread entry stays (seconds).
DEFAULT_TTL = 6 * 3600
_CLIENTS = "murporteur.cache.clients"


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
    JSON of ``dump(value)``."""
    import redis

    store = client()
    if store is None:
        return compute()
    name = PREFIX + key
    try:
        raw = store.get(name)
    except redis.RedisError as exc:
        log.warning("cache unavailable, computing instead: %s", exc)
        return compute()
    if raw is not None:
        try:
            return load(json.loads(raw))
        except (ValueError, KeyError, TypeError) as exc:  # written by another version
            log.warning("cache entry %s unreadable, computing again: %s", name, exc)
    value = compute()
    try:
        store.set(name, json.dumps(dump(value), separators=(",", ":")), ex=ttl)
    except redis.RedisError as exc:
        log.warning("cache unavailable, not stored: %s", exc)
    return value


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
