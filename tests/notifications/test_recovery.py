"""Beat's recovery of the outbox: mails the broker never received, and mails a dead worker
left in ``sending``, go out within minutes, each once."""

import asyncio
import logging
import threading
from datetime import timedelta

import pytest

from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.notifications import delivery, mailer, services
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.models import OutboxState
from murporteur.notifications.tasks import recover_outbox
from tests.factories import HolderFactory
from tests.helpers import outbox
from tests.notifications.live import RedisServer, SmtpSink, live_stack, require_servers, wait_for


def _row(user, **fields):
    row = services.queue("login_link", user, {"login_url": "http://x/lien/y", "full_name": ""},
                         idempotency_key=f"recovery:{user.id}")
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def test_rows_the_broker_never_received_are_handed_over_again(app):
    now = utcnow()
    old = _row(HolderFactory(), created_at=now - timedelta(minutes=10))
    fresh = _row(HolderFactory(), created_at=now)
    # A dead worker's row is taken back within minutes (OUTBOX_STUCK_SECONDS), not hours.
    stuck = _row(HolderFactory(), state=OutboxState.SENDING,
                 sending_since=now - timedelta(minutes=6), created_at=now - timedelta(hours=2))
    busy = _row(HolderFactory(), state=OutboxState.SENDING,
                sending_since=now - timedelta(minutes=1), created_at=now - timedelta(hours=2))
    db.session.flush()
    assert app.config["OUTBOX_STUCK_SECONDS"] == 300
    ids = delivery.recover_outbox(now)
    assert ids == sorted([old.id, stuck.id])
    assert stuck.state == OutboxState.QUEUED
    assert fresh.id not in ids and busy.id not in ids


def test_the_beat_task_sends_what_was_left_behind(app):
    row = _row(HolderFactory(), created_at=utcnow() - timedelta(minutes=10))
    db.session.commit()
    assert recover_outbox.delay().get() == 1
    assert [m.state for m in outbox()] == [OutboxState.SENT]
    assert row.id == outbox()[0].id


def test_a_row_stuck_in_sending_is_recovered_and_sent_once(app, monkeypatch):
    holder = HolderFactory()
    row = _row(holder, state=OutboxState.SENDING, attempts=1,
               sending_since=utcnow() - timedelta(minutes=6))
    db.session.commit()
    sent = []
    monkeypatch.setattr(mailer, "send", lambda message: sent.append(message["To"]) or "smtp")
    assert recover_outbox.delay().get() == 1
    assert recover_outbox.delay().get() == 0  # nothing left behind the second time
    assert sent == [holder.email]
    assert [(m.id, m.state, m.attempts) for m in outbox()] == [(row.id, OutboxState.SENT, 2)]


def test_a_slow_worker_finishing_after_the_recovery_took_its_row_sends_it_once(
        app, monkeypatch):
    holder = HolderFactory()
    row = _row(holder)
    db.session.commit()
    sent = []

    def slow_send(message):
        # So slow that beat's recovery takes the row back meanwhile (nobody claimed it yet).
        assert row.id in delivery.recover_outbox(utcnow() + timedelta(minutes=10))
        db.session.commit()
        sent.append(message["To"])
        return "smtp"

    monkeypatch.setattr(mailer, "send", slow_send)
    assert delivery.deliver(row.id) == OutboxState.SENT
    # The recovery's hand-over then finds the row sent, and sends nothing.
    monkeypatch.setattr(mailer, "send", lambda message: sent.append(message["To"]) or "smtp")
    assert delivery.deliver(row.id) is None
    assert sent == [holder.email]
    assert [(m.state, m.attempts) for m in outbox()] == [(OutboxState.SENT, 1)]


def test_a_slow_worker_never_overwrites_the_attempt_that_took_its_row_over(
        app, monkeypatch, caplog):
    row = _row(HolderFactory())
    db.session.commit()

    def slow_send(message):
        delivery.recover_outbox(utcnow() + timedelta(minutes=10))
        db.session.commit()
        monkeypatch.setattr(mailer, "send", lambda message: "log")
        assert delivery.deliver(row.id) == OutboxState.SENT  # another worker, meanwhile
        return "smtp"

    monkeypatch.setattr(mailer, "send", slow_send)
    with caplog.at_level(logging.WARNING):
        assert delivery.deliver(row.id) is None
    sent, = outbox()
    assert (sent.state, sent.attempts, sent.transport) == (OutboxState.SENT, 2, "log")
    assert "may receive it twice" in caplog.text


# --- A real worker killed in the middle of a send -------------------------------------------

class StallingSmtp(SmtpSink):
    """The sink, but while ``stalling`` it leaves the sender waiting for the answer to its
    recipient (the message itself never arrives)."""

    def __init__(self):
        super().__init__()
        sink = self
        self.stalling = True
        self.stalled = threading.Event()
        handler = self.controller.handler

        async def handle_RCPT(server, session, envelope, address, rcpt_options):
            while sink.stalling:
                sink.stalled.set()
                await asyncio.sleep(0.1)
            envelope.rcpt_tos.append(address)
            return "250 OK"

        handler.handle_RCPT = handle_RCPT


@pytest.mark.worker
def test_a_worker_killed_mid_send_leaves_a_mail_delivered_exactly_once(tmp_path):
    require_servers()
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    smtp = StallingSmtp()
    smtp.controller.start()
    try:
        with live_stack(tmp_path, "murporteur_killed_worker", redis_server, smtp,
                        OUTBOX_RECOVERY_SECONDS=1, OUTBOX_STUCK_SECONDS=3) as stack:
            worker, beat = stack.start("worker"), stack.start("beat")
            with stack.app.app_context():
                _row(HolderFactory(email="amina@porteurs.example"))
                commit_and_dispatch()
            assert smtp.stalled.wait(60), worker.output()
            assert [r.state for r in stack.rows()] == [OutboxState.SENDING]
            worker.popen.kill()  # SIGKILL: no chance to say anything
            worker.popen.wait(10)
            smtp.stalling = False
            replacement = stack.start("worker")
            wait_for(lambda: [r.state for r in stack.rows()] == [OutboxState.SENT], 60,
                     "the recovered mail to be sent", [replacement, beat], stack)
            sent, = stack.rows()
            assert sent.attempts == 2
            # Nothing else arrives while beat goes on recovering.
            wait_for(lambda: len(beat.output().split("recover_outbox")) > 4, 20,
                     "a few more recoveries", [beat], stack)
            assert [m["To"] for m in smtp.messages] == ["amina@porteurs.example"]
    finally:
        smtp.controller.stop()
        redis_server.stop()
