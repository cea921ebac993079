"""PostgreSQL restarted under a running app: the next requests succeed without restarting the
app (connections checked before use: ``pool_pre_ping``). On a private server started by the
test (port 55432), never the shared one."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from murporteur.extensions import db
from tests.conftest import BACKENDS, make_app

PORT = 55432


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


def _as_postgres(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def private_postgres():
    if not BACKENDS.postgres:
        pytest.skip(f"the app runs on {BACKENDS.database_label}: the restart test is about "
                    "PostgreSQL")
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl or os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin) and root "
                    "to run them as the postgres user")
    root = Path(tempfile.mkdtemp(prefix="mp-pg-restart-"))
    shutil.chown(root, "postgres", "postgres")
    data, log = root / "data", root / "server.log"
    result = _as_postgres(initdb, "-D", str(data), "-U", "postgres", "--auth=trust")
    assert result.returncode == 0, result.stderr
    options = f"-p {PORT} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"

    def ctl(*args):
        outcome = _as_postgres(pg_ctl, "-D", str(data), "-l", str(log), "-o", options,
                               "-w", "-t", "60", *args)
        assert outcome.returncode == 0, outcome.stderr + log.read_text()

    ctl("start")
    try:
        yield ctl
    finally:
        _as_postgres(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def test_the_app_answers_again_after_postgresql_restarts(private_postgres, tmp_path):
    app = make_app(f"postgresql://postgres@127.0.0.1:{PORT}/postgres", tmp_path)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
    try:
        client = app.test_client()
        assert client.get("/healthz").get_json()["database"] == "ok"
        assert client.get("/").status_code == 200  # a page that reads the database
        # A control without pre-ping, holding a pooled connection across the restart.
        control = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{PORT}/postgres",
                                pool_pre_ping=False, pool_size=1)
        with control.connect() as connection:
            connection.execute(text("SELECT 1"))
        private_postgres("restart", "-m", "fast")
        with pytest.raises(OperationalError), control.connect() as connection:
            connection.execute(text("SELECT 1"))  # the server really went away
        control.dispose()
        # The pooled connections died with the server; the app was not restarted.
        health = client.get("/healthz")
        assert health.status_code == 200 and health.get_json()["database"] == "ok"
        assert client.get("/").status_code == 200
        assert client.get("/deposer").status_code == 200
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
