"""Results kept in Redis (``core.cache``): computed by one reader at a time — the others, arriving
meanwhile, get its result instead of computing it again — and never refusing a page when the
reader holding the computation fails or Redis does not answer."""

import threading
import time
import uuid

import pytest

from murporteur.core import cache
from tests.conftest import REDIS_URL, _redis_available


@pytest.fixture
def with_redis(app, monkeypatch):
    if not _redis_available():
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)


def _same(value):
    return value


def _readers(app, key, compute, how_many):
    """``how_many`` readers asking for ``key`` at the same moment, each in its own thread (as
    gunicorn's workers would); what each got."""
    got = [None] * how_many
    errors = []
    start = threading.Barrier(how_many)

    def read(index):
        try:
            with app.app_context():
                start.wait()
                got[index] = cache.remember(key, compute, _same, _same)
        except Exception as exc:  # reported by the test, in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(how_many)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    return got


def test_readers_arriving_together_compute_once(app, with_redis):
    computed = []

    def slow():
        computed.append(1)
        time.sleep(0.4)  # long enough for the others to arrive meanwhile
        return {"funnel": [12, 7, 3]}

    got = _readers(app, f"test:{uuid.uuid4()}", slow, 5)
    assert len(computed) == 1
    assert got == [{"funnel": [12, 7, 3]}] * 5


def test_a_reader_computes_itself_when_the_one_computing_gives_up(app, with_redis):
    key = f"test:{uuid.uuid4()}"
    with app.app_context():
        lock = cache.client().lock(cache.PREFIX + "computing:" + key, timeout=5,
                                   thread_local=False)
        assert lock.acquire(blocking=False)  # another reader, computing
        released = threading.Timer(0.3, lock.release)  # ... which fails: no result stored
        released.start()
        started = time.monotonic()
        assert cache.remember(key, lambda: "computed here", _same, _same) == "computed here"
        released.join()
        # It waited for the other one, then did not wait for the lock's expiry.
        assert 0.25 < time.monotonic() - started < 4
        # ... and what it computed is kept for the next reader.
        assert cache.remember(key, lambda: "not again", _same, _same) == "computed here"


def test_a_reader_does_not_wait_for_ever(app, with_redis, monkeypatch):
    monkeypatch.setattr(cache, "WAIT_SECONDS", 0.3)
    key = f"test:{uuid.uuid4()}"
    with app.app_context():
        lock = cache.client().lock(cache.PREFIX + "computing:" + key, timeout=30)
        assert lock.acquire(blocking=False)  # a computation that hangs
        try:
            started = time.monotonic()
            assert cache.remember(key, lambda: 42, _same, _same) == 42
            assert time.monotonic() - started < 5
        finally:
            lock.release()


def test_a_failed_computation_frees_the_key_for_the_next_reader(app, with_redis):
    key = f"test:{uuid.uuid4()}"

    def failing():
        raise RuntimeError("database gone")

    with app.app_context():
        with pytest.raises(RuntimeError):
            cache.remember(key, failing, _same, _same)
        started = time.monotonic()
        assert cache.remember(key, lambda: "next", _same, _same) == "next"
        assert time.monotonic() - started < 1  # no lock left behind to wait for


def test_without_an_answering_redis_each_reader_computes(app, monkeypatch):
    # A closed port on this machine: the connection is refused at once.
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    with app.app_context():
        assert cache.remember("test:down", lambda: "computed", _same, _same) == "computed"
