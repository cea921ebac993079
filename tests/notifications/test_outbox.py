"""The outbox: written with the change, sent after the commit, once, with retries."""

import smtplib

import pytest

from murporteur.core.aftercommit import run_committed
from murporteur.extensions import db
from murporteur.notifications import delivery, mailer, services
from murporteur.notifications.models import OutboxMessage, OutboxState
from murporteur.notifications.tasks import send_outbox_message, send_outbox_messages
from tests.conftest import login
from tests.factories import (
    AdminFactory,
    AnimatorFactory,
    HolderFactory,
    MemberFactory,
    submitted_dossier,
)
from tests.helpers import outbox, text


@pytest.fixture
def sent(monkeypatch):
    """Every message the transport is asked to deliver."""
    messages = []

    def fake_send(message):
        messages.append(message)
        return "smtp"

    monkeypatch.setattr(mailer, "send", fake_send)
    return messages


@pytest.fixture
def handed_over(app, monkeypatch):
    ids = []
    task = app.extensions["celery"].tasks[send_outbox_message.name]
    monkeypatch.setattr(task, "delay", lambda outbox_id: ids.append(outbox_id))
    return ids


def _queue(user, key="login_link"):
    return services.queue(key, user, {"login_url": "http://murporteur.test/lien/x",
                                      "full_name": user.full_name},
                          idempotency_key=f"test:{user.id}:{key}")


def test_a_rolled_back_change_leaves_no_message(app, handed_over):
    _queue(HolderFactory())
    db.session.rollback()
    run_committed(db.session)
    assert outbox() == [] and handed_over == []


def test_messages_are_handed_to_celery_only_after_the_commit(app, handed_over):
    row = _queue(HolderFactory())
    run_committed(db.session)
    assert handed_over == []
    db.session.commit()
    run_committed(db.session)
    assert handed_over == [row.id]
    run_committed(db.session)
    assert handed_over == [row.id]  # handed over once


def test_the_rows_of_one_commit_are_handed_over_in_one_message(app, monkeypatch, sent):
    task = app.extensions["celery"].tasks[send_outbox_messages.name]
    batches = []
    monkeypatch.setattr(task, "delay", batches.append)
    rows = [_queue(HolderFactory()) for _ in range(3)]
    db.session.commit()
    run_committed(db.session)
    assert batches == [[row.id for row in rows]]
    # What the worker then does: each row sent once, even if the message comes twice.
    assert send_outbox_messages(batches[0]) == 3
    assert send_outbox_messages(batches[0]) == 0
    assert len(sent) == 3 and {m["To"] for m in sent} == {r.recipient_email for r in rows}


def test_a_broker_down_leaves_a_commit_s_rows_queued(app, monkeypatch):
    task = app.extensions["celery"].tasks[send_outbox_messages.name]

    def down(outbox_ids):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(task, "delay", down)
    rows = [_queue(HolderFactory()) for _ in range(2)]
    db.session.commit()
    run_committed(db.session)  # no exception reaches the request
    db.session.expire_all()
    assert [row.state for row in rows] == [OutboxState.QUEUED] * 2


def test_a_failing_row_of_a_batch_is_retried_alone(app, monkeypatch):
    delivered = []
    holders = [HolderFactory(), HolderFactory()]

    failed = []

    def first_fails_once(message):
        if message["To"] == holders[0].email and not failed:
            failed.append(message)
            raise smtplib.SMTPServerDisconnected("connection lost")
        delivered.append(message)
        return "smtp"

    monkeypatch.setattr(mailer, "send", first_fails_once)
    rows = [_queue(user) for user in holders]
    db.session.commit()
    # In-process, the failed row's own task runs at once (its retry without the wait); the
    # other row was not held back by it.
    assert send_outbox_messages([row.id for row in rows]) == 1
    db.session.expire_all()
    assert [row.state for row in rows] == [OutboxState.SENT, OutboxState.SENT]
    assert rows[0].attempts == 2 and rows[1].attempts == 1
    assert sorted(m["To"] for m in delivered) == sorted(h.email for h in holders)


def test_the_same_event_is_queued_once(app):
    user = HolderFactory()
    assert _queue(user).id == _queue(user).id
    assert len(outbox()) == 1


def test_sending_a_row_twice_sends_one_email(app, sent):
    row = _queue(HolderFactory())
    db.session.commit()
    assert delivery.deliver(row.id) == OutboxState.SENT
    assert delivery.deliver(row.id) is None
    assert len(sent) == 1


def test_a_row_being_sent_elsewhere_is_not_sent_again(app, sent):
    row = _queue(HolderFactory())
    row.state = OutboxState.SENDING
    db.session.commit()
    assert delivery.deliver(row.id) is None
    assert sent == []


def test_a_vanished_row_is_no_error(app, sent):
    assert delivery.deliver(987654) is None


def test_the_mail_has_text_and_html_parts_and_the_signature(app, sent):
    user = HolderFactory(full_name="Amina Diallo")
    row = _queue(user)
    db.session.commit()
    delivery.deliver(row.id)
    message, = sent
    assert message["To"] == user.email
    assert message["Subject"] == "Votre lien pour accéder à Mur porteur"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bonjour Amina Diallo," in plain and "http://murporteur.test/lien/x" in plain
    assert "L'équipe d'animation de Mur porteur" in plain
    assert '<a href="http://murporteur.test/lien/x">' in html
    assert f"outbox-{row.id}" in message["Message-ID"]


def test_the_mail_speaks_the_recipients_language(app, sent):
    user = HolderFactory(full_name="Jane Doe", locale="en")
    row = _queue(user)
    db.session.commit()
    delivery.deliver(row.id)
    assert sent[0]["Subject"] == "Your link to access Mur porteur"
    assert "Hello Jane Doe," in sent[0].get_body(("plain",)).get_content()


def test_a_failing_server_is_retried_then_the_row_fails_visibly(app, monkeypatch):
    attempts = []

    def broken(message):
        attempts.append(message)
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(mailer, "send", broken)
    row = _queue(HolderFactory())
    db.session.commit()
    send_outbox_message.delay(row.id)  # in-process: Celery's retries run at once
    db.session.expire_all()
    assert len(attempts) == app.config["OUTBOX_MAX_ATTEMPTS"]
    assert row.state == OutboxState.FAILED and row.attempts == app.config["OUTBOX_MAX_ATTEMPTS"]
    assert "connection lost" in row.last_error


def test_retries_back_off_exponentially(app, monkeypatch):
    assert [delivery.retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_SECONDS", 5)
    assert [delivery.retry_delay(n) for n in (1, 2, 3)] == [5, 10, 20]


def test_an_admin_sees_the_outbox_and_resends_a_failed_row(app, sent):
    row = _queue(HolderFactory())
    row.state, row.attempts, row.last_error = OutboxState.FAILED, 5, "SMTP down"
    client = app.test_client()
    login(client, AdminFactory())
    page = text(client.get("/admin/outbox/?state=failed"))
    assert row.recipient_email in page and "En échec (1)" in page
    detail = text(client.get(f"/admin/outbox/{row.id}"))
    assert "SMTP down" in detail
    response = client.post(f"/admin/outbox/{row.id}/renvoyer")
    assert response.status_code == 302
    db.session.expire_all()
    assert row.state == OutboxState.SENT and len(sent) == 1
    again = client.post(f"/admin/outbox/{row.id}/renvoyer")
    assert "Seul un message en échec peut être renvoyé." in text(
        client.get(again.headers["Location"]))


def test_the_outbox_page_shows_logged_mails_but_hides_links_when_a_server_delivers(app):
    dossier = submitted_dossier()
    db.session.commit()
    receipt, = outbox("dossier_receipt")
    delivery.deliver(receipt.id)
    client = app.test_client()
    login(client, AdminFactory())
    assert "/lien/" in text(client.get(f"/admin/outbox/{receipt.id}"))
    app.config["MAIL_SERVER"] = "smtp.example.org"
    try:
        page = text(client.get(f"/admin/outbox/{receipt.id}"))
    finally:
        app.config["MAIL_SERVER"] = None
    assert "/lien/" not in page and "il n'est pas affiché" in page
    assert dossier.number in page


@pytest.mark.parametrize("factory", [HolderFactory, AnimatorFactory, MemberFactory])
def test_only_admins_see_the_outbox(app, factory):
    row = _queue(HolderFactory())
    client = app.test_client()
    user = factory()
    if user.password_hash is None:
        user.password_hash = AdminFactory().password_hash
    login(client, user)
    assert client.get("/admin/outbox/").status_code == 403
    assert client.get(f"/admin/outbox/{row.id}").status_code == 403
    assert client.post(f"/admin/outbox/{row.id}/renvoyer").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/admin/outbox/").status_code == 302


def test_smtp_delivery_uses_the_settings(app, monkeypatch):
    calls = {}

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            calls["server"] = (host, port)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            calls["tls"] = True

        def login(self, user, password):
            calls["login"] = (user, password)

        def send_message(self, message):
            calls["message"] = message

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=587, MAIL_USERNAME="mp",
                      MAIL_PASSWORD="secret")
    try:
        row = _queue(HolderFactory())
        db.session.commit()
        assert delivery.deliver(row.id) == OutboxState.SENT
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_USERNAME=None, MAIL_PASSWORD=None)
    assert calls["server"] == ("smtp.example.org", 587)
    assert calls["tls"] and calls["login"] == ("mp", "secret")
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).transport == "smtp"


def test_a_broker_that_does_not_answer_leaves_rows_queued(app, monkeypatch):
    task = app.extensions["celery"].tasks[send_outbox_message.name]

    def down(outbox_id):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(task, "delay", down)
    row = _queue(HolderFactory())
    db.session.commit()
    run_committed(db.session)  # no exception reaches the request
    db.session.expire_all()
    assert row.state == OutboxState.QUEUED


def test_a_notification_that_may_be_switched_off_says_where(app, sent):
    animator = AnimatorFactory()
    row = services.queue("dossier_new_for_staff", animator, {
        "number": "MP-2026-0001", "title": "Café", "structure_name": "S", "contact_name": "C",
        "town": "Lyon", "comment": "", "state_label": "", "url": "http://x"},
        idempotency_key="unsubscribe-test")
    receipt = _queue(HolderFactory())
    db.session.commit()
    delivery.deliver(row.id)
    delivery.deliver(receipt.id)
    switchable, essential = sent
    assert "http://murporteur.test/compte/notifications" in switchable["List-Unsubscribe"]
    assert essential["List-Unsubscribe"] is None


def test_each_delivery_is_logged_as_json_with_its_outbox_id(app, sent, caplog):
    import json
    import logging

    from murporteur.core.logging import JsonFormatter

    row = _queue(HolderFactory())
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="murporteur.notifications"):
        delivery.deliver(row.id)
        delivery.deliver(row.id)  # the second finds nothing to send, and says so
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records
             if r.name.startswith("murporteur.notifications")]
    assert [(line["outbox_id"], line["level"]) for line in lines] == [
        (row.id, "INFO"), (row.id, "INFO")]
    assert "sent to" in lines[0]["message"] and "nothing to send" in lines[1]["message"]
