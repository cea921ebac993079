"""A real Celery worker on Redis sends the receipt: the web process never sends mail itself."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from murporteur.extensions import db
from murporteur.notifications.models import OutboxMessage, OutboxState
from tests.conftest import BACKENDS, REDIS_URL, create_database, drop_database, make_app
from tests.submissions.test_idea_form import answers

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.worker


def _receipt_state(app):
    with app.app_context():
        db.session.remove()
        row = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.key == "dossier_receipt"))
        return row.state if row else None


def test_a_real_worker_on_redis_sends_the_receipt(tmp_path):
    if not (BACKENDS.redis and BACKENDS.postgres):
        pytest.skip(f"needs PostgreSQL and Redis, not in this run ({BACKENDS.database_label}; "
                    f"{BACKENDS.broker_label}); in-process delivery is tested by the rest")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    name = "murporteur_worker_check"
    url = create_database(name)
    app = make_app(url, tmp_path, REDIS_URL=REDIS_URL)
    worker = None
    try:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
        client = app.test_client()
        response = client.post("/deposer", data=answers(), content_type="multipart/form-data")
        assert response.status_code == 302
        # Handed to Redis, not sent by the web process.
        assert _receipt_state(app) == OutboxState.QUEUED

        env = dict(os.environ, MURPORTEUR_ENV="test", DATABASE_URL=url, REDIS_URL=REDIS_URL,
                   SECRET_KEY="test-secret-key", INSTANCE_PATH=str(tmp_path / "instance"),
                   UPLOAD_DIR=str(tmp_path / "uploads"), BASE_URL="http://murporteur.test")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "worker", "--pool", "solo",
             "--concurrency", "1", "--loglevel", "INFO", "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _receipt_state(app) != OutboxState.SENT:
            if worker.poll() is not None:
                break
            time.sleep(0.5)
        state = _receipt_state(app)
        if state != OutboxState.SENT:
            worker.terminate()
            output = worker.communicate(timeout=10)[0]
            pytest.fail(f"receipt still {state}; worker said:\n{output[-3000:]}")
        with app.app_context():
            row = db.session.scalar(select(OutboxMessage).where(
                OutboxMessage.key == "dossier_receipt"))
            assert row.transport == "log" and row.attempts == 1
            assert "MP-" in row.subject
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(name)
