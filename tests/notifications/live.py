"""Real peers for the outbox's tests: a Redis server of the test's own (so that it can be
stopped and started again without touching anyone else's), an SMTP server that records or
refuses what it is given, and a Celery worker and beat in their own processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from murporteur.extensions import db
from murporteur.notifications.models import OutboxMessage
from tests.conftest import BACKENDS, create_database, drop_database, make_app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, processes=(), stack=None):
    """Poll ``predicate`` until true; on timeout, fail with ``what``, the outbox and the
    processes' output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    outputs = "\n".join(p.output()[-3000:] for p in processes)
    rows = [(r.id, r.key, r.state.value, r.attempts, r.last_error)
            for r in (stack.rows() if stack else [])]
    pytest.fail(f"timed out waiting for {what}\noutbox: {rows}\n{outputs}")


def require_servers():
    if not BACKENDS.postgres:
        pytest.skip(f"needs PostgreSQL for a worker in another process (this run: "
                    f"{BACKENDS.database_label})")
    if not BACKENDS.redis or not shutil.which("redis-server"):
        pytest.skip(f"needs redis-server on this machine (this run: {BACKENDS.broker_label})")


class RedisServer:
    """``redis-server`` on a free port of 127.0.0.1, keeping nothing on disk."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.tmp = tmp
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every accepted message, or refuses them all
    with a temporary error while ``failing`` is true."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.failing = False
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if sink.failing:
                    return "451 4.3.0 Mailbox temporarily unavailable"
                from email import message_from_bytes, policy

                sink.messages.append(message_from_bytes(envelope.content,
                                                        policy=policy.default))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return f"--- {self.name} ---\n{self.log.read_text(errors='replace')}"


@dataclass
class LiveStack:
    """An app on a fresh database, wired to the test's Redis and SMTP server."""

    app: object
    env: dict
    tmp: Path
    processes: list[Process] = field(default_factory=list)

    def start(self, role: str) -> Process:
        """``worker`` or ``beat``, as production runs them (``celery -A worker …``)."""
        args = {"worker": ["worker", "--pool", "solo", "--concurrency", "1",
                           "--without-gossip", "--without-mingle", "--without-heartbeat"],
                "beat": ["beat", "--schedule", str(self.tmp / "beat-schedule")]}[role]
        log = self.tmp / f"{role}.log"
        popen = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", *args, "--loglevel", "INFO"],
            cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        process = Process(role, popen, log)
        self.processes.append(process)
        return process

    def rows(self, key: str | None = None) -> list[OutboxMessage]:
        with self.app.app_context():
            db.session.remove()
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if key:
                query = query.where(OutboxMessage.key == key)
            rows = list(db.session.scalars(query))
            db.session.expunge_all()
            return rows

    def stop(self) -> None:
        for process in self.processes:
            if process.popen.poll() is None:
                process.popen.terminate()
        for process in self.processes:
            try:
                process.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.popen.kill()


@contextmanager
def live_stack(tmp: Path, name: str, redis: RedisServer, smtp: SmtpSink, **settings):
    """A fresh database migrated to the latest revision and an app using ``redis`` and
    ``smtp``; ``settings`` are environment variables for the app and its workers. Rate limits
    are on, counted in ``redis``, as in production."""
    from flask_migrate import upgrade

    url = create_database(name)
    environ = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port),
               "MAIL_USE_TLS": "false", **{k: str(v) for k, v in settings.items()}}
    env = dict(os.environ, MURPORTEUR_ENV="test", DATABASE_URL=url, REDIS_URL=redis.url,
               SECRET_KEY="test-secret-key", INSTANCE_PATH=str(tmp / "instance"),
               UPLOAD_DIR=str(tmp / "uploads"), BASE_URL="http://murporteur.test",
               RATELIMIT_ENABLED="true", **environ)
    app = make_app(url, tmp, REDIS_URL=redis.url, RATE_LIMITS_ENABLED=True, **{
        k: (int(v) if v.isdigit() and k != "MAIL_SERVER" else v) for k, v in environ.items()
        if k != "MAIL_USE_TLS"}, MAIL_USE_TLS=False)
    stack = LiveStack(app, env, tmp)
    try:
        with app.app_context():
            upgrade()
        yield stack
    finally:
        stack.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(name)
