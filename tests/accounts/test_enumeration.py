"""Nobody learns from "retrouver mon dossier" or "mot de passe oublié" which addresses have an
account: the request hands every address to the same task, and only the task looks it up."""

import pytest
from sqlalchemy import event

from murporteur.accounts.tasks import send_login_link, send_password_reset
from murporteur.extensions import db
from tests.factories import AnimatorFactory, HolderFactory
from tests.helpers import outbox

PAGES = [("/retrouver-mon-dossier", "murporteur.accounts.send_login_link"),
         ("/mot-de-passe-oublie", "murporteur.accounts.send_password_reset")]


def _request(app, client, monkeypatch, url: str, task_name: str, email: str):
    """POST ``email`` to ``url``: the SQL statements the request ran and the tasks it handed
    over (recorded, not run)."""
    handed: list[tuple] = []
    task = app.extensions["celery"].tasks[task_name]
    monkeypatch.setattr(task, "delay", lambda *args: handed.append((task.name, args)))
    client.csrf_token()
    db.session.commit()  # what the test prepared is written before counting
    statements: list[str] = []

    def record(conn, cursor, statement, *_):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.post(url, data={"email": email})
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 302
    return statements, handed


@pytest.mark.parametrize(("url", "task_name"), PAGES)
def test_known_and_unknown_addresses_cost_the_request_the_same(app, client, monkeypatch, url,
                                                               task_name):
    AnimatorFactory(email="camille@example.org")
    HolderFactory(email="amina@example.org")
    known = _request(app, client, monkeypatch, url, task_name, " Camille@Example.org ")
    holder = _request(app, client, monkeypatch, url, task_name, "amina@example.org")
    unknown = _request(app, client, monkeypatch, url, task_name, "personne@example.org")
    assert known[0] == holder[0] == unknown[0]
    assert not any("user_account" in statement for statement in known[0])
    assert known[1] == [(task_name, ("camille@example.org", "fr"))]
    assert unknown[1] == [(task_name, ("personne@example.org", "fr"))]
    assert outbox() == []  # the request itself sent nothing


def test_the_task_gets_the_language_of_the_page(app, client, monkeypatch):
    client.post("/langue", data={"locale": "en", "next": "/"})
    _statements, handed = _request(app, client, monkeypatch, *PAGES[1], "x@example.org")
    assert handed == [(PAGES[1][1], ("x@example.org", "en"))]


def test_the_password_task_mails_a_known_address_only(app):
    animator = AnimatorFactory(email="camille@example.org", locale=None)
    assert send_password_reset("camille@example.org", "en") is True
    assert send_password_reset("personne@example.org", "fr") is False
    mail, = outbox("password_reset")
    assert mail.recipient_email == animator.email
    assert mail.locale == "en"  # no language chosen: the page's
    assert "/mot-de-passe/" in mail.context["reset_url"]


def test_the_link_task_mails_a_known_address_only(app):
    holder = HolderFactory(email="amina@example.org", locale="fr")
    assert send_login_link("amina@example.org", "en") is True
    assert send_login_link("personne@example.org", "en") is False
    mail, = outbox("login_link")
    assert mail.recipient_email == holder.email
    assert mail.locale == "fr"  # the account's own language comes first
    assert "/lien/" in mail.context["login_url"]


def test_a_deactivated_account_gets_nothing(app):
    HolderFactory(email="parti@example.org", active=False)
    assert send_login_link("parti@example.org", "fr") is False
    assert send_password_reset("parti@example.org", "fr") is False
    assert outbox() == []


@pytest.mark.parametrize(("url", "task_name"), PAGES)
def test_with_the_broker_down_the_request_is_not_lost(app, client, monkeypatch, url, task_name):
    HolderFactory(email="amina@example.org")
    task = app.extensions["celery"].tasks[task_name]

    def unreachable(*args):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(task, "delay", unreachable)
    response = client.post(url, data={"email": "amina@example.org"})
    assert response.status_code == 302
    assert [m.recipient_email for m in outbox()] == ["amina@example.org"]
