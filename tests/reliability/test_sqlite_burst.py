"""The embedded default (SQLite) takes a burst: 20 people sending their idea at the same moment
to a real server all get their receipt page, 20 dossiers with 20 numbers, every mail sent."""

from __future__ import annotations

import http.cookiejar
import logging
import re
import sqlite3
import threading
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from murporteur.core.sqlite import ATTEMPTS, retry_when_locked
from murporteur.extensions import db
from murporteur.notifications.models import OutboxMessage, OutboxState
from murporteur.submissions.models import Dossier
from tests.conftest import make_app
from tests.factories import AnimatorFactory
from tests.submissions.test_idea_form import answers

PEOPLE = 20


@pytest.fixture
def sqlite_server(tmp_path):
    """The app on a file SQLite database, served by a threaded WSGI server on 127.0.0.1."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    app = make_app(f"sqlite:///{tmp_path / 'burst.db'}", tmp_path, TESTING=False)
    with app.app_context():
        upgrade()
        AnimatorFactory(email="camille@cress.example")  # each idea is announced to her too
        db.session.commit()
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        with app.app_context():
            db.engine.dispose()
        # Celery's in-process tasks, run from several threads at once, may leave its
        # process-wide "inside a task" flag set: later tests' result.get() would refuse.
        from celery.result import _set_task_join_will_block

        _set_task_join_will_block(False)


def _hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


class Person:
    """A browser of its own: its cookies, the form as it was shown to it."""

    def __init__(self, base: str, n: int):
        self.base = base
        self.email = f"porteur{n}@burst.example"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def open_form(self) -> None:
        with self.opener.open(f"{self.base}/deposer", timeout=60) as response:
            self.hidden = _hidden_fields(response.read().decode())
        assert {"csrf_token", "submission_key", "started"} <= set(self.hidden)

    def send(self) -> tuple[int, str]:
        body = urllib.parse.urlencode({**answers(email=self.email), **self.hidden},
                                      doseq=True).encode()
        try:
            with self.opener.open(f"{self.base}/deposer", data=body, timeout=120) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_twenty_ideas_sent_at_once_on_sqlite_all_succeed(sqlite_server):
    app, base = sqlite_server
    people = [Person(base, n) for n in range(PEOPLE)]
    for person in people:
        person.open_form()
    barrier = threading.Barrier(PEOPLE)
    outcomes: dict[int, tuple[int, str]] = {}

    def send(n: int) -> None:
        barrier.wait()
        outcomes[n] = people[n].send()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert sorted(code for code, _ in outcomes.values()) == [302] * PEOPLE, outcomes
    assert all(location.endswith("/merci") for _, location in outcomes.values())
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        dossiers = db.session.scalars(select(Dossier)).all()
        numbers = {d.number for d in dossiers}
        assert len(dossiers) == PEOPLE and len(numbers) == PEOPLE and None not in numbers
        rows = db.session.scalars(select(OutboxMessage)).all()
        # A receipt to each holder and a word to the animator for each idea, all sent.
        assert len(rows) == 2 * PEOPLE
        assert {r.state for r in rows} == {OutboxState.SENT}
        db.session.remove()


def _locked() -> OperationalError:
    return OperationalError("UPDATE dossier_counter …", {},
                            sqlite3.OperationalError("database is locked"))


def test_a_unit_of_work_meeting_a_lock_is_run_again_whole_a_bounded_number_of_times(app):
    runs = []

    def work():
        runs.append(1)
        if len(runs) < ATTEMPTS:
            raise _locked()
        return "done"

    assert retry_when_locked(work)() == "done" and len(runs) == ATTEMPTS

    def always_locked():
        runs.append(1)
        raise _locked()

    runs.clear()
    with pytest.raises(OperationalError):
        retry_when_locked(always_locked)()
    assert len(runs) == ATTEMPTS

    def other_fault():
        runs.append(1)
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))

    runs.clear()
    with pytest.raises(OperationalError):
        retry_when_locked(other_fault)()
    assert len(runs) == 1  # only a lock is worth a second run
