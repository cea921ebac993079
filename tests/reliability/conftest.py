"""A scratch PostgreSQL database for the tests that need really concurrent transactions
(the shared test database holds each test in one transaction that other connections cannot
see). Data written there is committed; the database is dropped at the end of the module."""

from __future__ import annotations

import os
import uuid

import pytest

from murporteur.extensions import db
from tests.conftest import BACKENDS, create_database, drop_database, make_app


def scratch_app_for(tmp, *, migrate: bool = True):
    name = f"murporteur_scratch_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = create_database(name)
    app = make_app(url, tmp)
    if migrate:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
    return name, app


def dispose(name, app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(name)
    app.extensions["celery"].set_current()


def needs_postgres():
    if not BACKENDS.postgres:
        pytest.skip("needs PostgreSQL: two connections really at once (the suite runs on "
                    f"{BACKENDS.database_label})")


@pytest.fixture(scope="module")
def scratch_app(tmp_path_factory):
    needs_postgres()
    name, app = scratch_app_for(tmp_path_factory.mktemp("scratch"))
    yield app
    dispose(name, app)


def run_in(app, function, *args, **kwargs):
    """Call ``function`` in its own app context (its own session), and commit."""
    with app.app_context():
        try:
            result = function(*args, **kwargs)
            db.session.commit()
            return result
        finally:
            db.session.remove()
