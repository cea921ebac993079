"""Test harness: the real database engine when it answers, one rolled-back transaction per test.

PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 are used when they answer (override
with TEST_DATABASE_URL / TEST_REDIS_URL); otherwise SQLite and in-process tasks. The header
and the summary of every run say which.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import socket
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

from murporteur import create_app
from murporteur.extensions import db
from tests.factories import AnimatorFactory

PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


def _postgres_available() -> bool:
    if not _answers(PG_ADMIN_URL):
        return False
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def _redis_available() -> bool:
    if not _answers(REDIS_URL):
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


class Backends:
    postgres = False
    redis = False
    database_url = ""
    database_label = ""
    broker_label = ""


BACKENDS = Backends()


def _admin_engine():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_database(name: str) -> str:
    """A new, empty PostgreSQL database; returns its URL."""
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


#: ``sqlite`` runs the suite on SQLite and in-process tasks even when the servers answer (the
#: test script does it too, so that what must hold on both databases is checked on both).
FORCED = os.environ.get("MURPORTEUR_TEST_BACKEND", "")


def pytest_configure(config):
    BACKENDS.postgres = FORCED != "sqlite" and _postgres_available()
    BACKENDS.redis = FORCED != "sqlite" and _redis_available()
    host = urlsplit(PG_ADMIN_URL)
    why = "asked for" if FORCED == "sqlite" else "PostgreSQL did not answer"
    BACKENDS.database_label = (f"PostgreSQL at {host.hostname}:{host.port}" if BACKENDS.postgres
                               else f"SQLite ({why})")
    why = "asked for" if FORCED == "sqlite" else "Redis did not answer"
    BACKENDS.broker_label = (f"Redis at {REDIS_URL} with a real Celery worker"
                             if BACKENDS.redis else f"in-process tasks ({why})")


def pytest_report_header(config):
    return [f"database: {BACKENDS.database_label}", f"broker:   {BACKENDS.broker_label}"]


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_sep("-", "backends")
    terminalreporter.write_line(f"database: {BACKENDS.database_label}")
    terminalreporter.write_line(f"broker:   {BACKENDS.broker_label}")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if BACKENDS.postgres:
        name = f"murporteur_test_{os.getpid()}"
        url = create_database(name)
        yield url
        drop_database(name)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@contextlib.contextmanager
def database_of_its_own(tmp: Path, name: str):
    """An app on a database of its own — a PostgreSQL database ``name`` when the run uses
    PostgreSQL, else a SQLite file — disposed of and dropped afterwards: for the tests that
    migrate up and down."""
    url = create_database(name) if BACKENDS.postgres else f"sqlite:///{tmp / f'{name}.db'}"
    app = make_app(url, tmp)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        if BACKENDS.postgres:
            drop_database(name)


def make_app(database_url: str, tmp: Path, **overrides):
    environ = {"MURPORTEUR_ENV": "test", "DATABASE_URL": database_url,
               "SECRET_KEY": "test-secret-key", "INSTANCE_PATH": str(tmp / "instance"),
               "UPLOAD_DIR": str(tmp / "uploads"), "BASE_URL": "http://murporteur.test"}
    if overrides.get("REDIS_URL"):
        environ["REDIS_URL"] = overrides.pop("REDIS_URL")
    app = create_app({"TESTING": True, **overrides}, environ=environ)
    app.test_client_class = Client
    return app


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    app = make_app(database_url, tmp_path_factory.mktemp("app"))
    with app.app_context():
        upgrade()  # the suite runs on the schema the migrations build
    return app


class _TestSession(scoped_session):
    """The request's ``db.session.remove()`` rolls back to the test's last savepoint instead of
    closing: objects a test holds stay usable, and nothing leaks out of the test."""

    def remove(self):
        if self.registry.has():
            self.registry().rollback()


@pytest.fixture(autouse=True)
def _db(request):
    if "app" not in request.fixturenames:
        yield None
        return
    app = request.getfixturevalue("app")
    # Creating another app (settings or worker tests) makes its Celery app current: not ours.
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = _TestSession(sessionmaker(bind=connection,
                                               join_transaction_mode="create_savepoint"))
        try:
            yield db.session
        finally:
            db.session.registry().close()
            db.session = original
            outer.rollback()
            connection.close()


class Client(FlaskClient):
    """A browser: its own app context per request, and the CSRF token filled in every form."""

    _csrf: str | None = None

    def open(self, *args, **kwargs):
        # What the test prepared exists before the browser acts (committed to the test's
        # savepoint; the outer transaction is still rolled back at the end).
        if has_app_context():
            db.session.commit()
        # A fresh context, as in production: `g` (logged-in user, language) is per request.
        # The body is read inside it too (streamed responses run their generators there).
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        if self._csrf is None:
            page = self.get("/connexion").get_data(as_text=True)
            self._csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self._csrf

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        elif csrf and data is None:
            kwargs["data"] = {"csrf_token": self.csrf_token()}
        response = super().post(*args, **kwargs)
        if args and args[0] in FORGETTING_PATHS:
            self._csrf = None  # the session was cleared, its CSRF token with it
        return response


#: The pages after which the browser's session is empty (logout, "forget this device").
FORGETTING_PATHS = ("/deconnexion", "/oublier-cet-appareil")


@pytest.fixture
def client(app):
    return app.test_client()


def login(client: Client, user, password: str = "correct horse battery") -> None:
    """Log in through the form, then the second step (or the enrolment a staff account
    without a second factor must go through first)."""
    from tests.helpers import finish_login

    response = client.post("/connexion", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    response = finish_login(client, response, user)
    assert response.status_code in (200, 302), response.get_data(as_text=True)


@pytest.fixture
def unique():
    return lambda: uuid.uuid4().hex[:8]


@pytest.fixture
def animator(app):
    return AnimatorFactory(full_name="Camille Dubois")


@pytest.fixture
def animator_client(app, animator):
    client = app.test_client()
    login(client, animator)
    return client
