"""The outbox with a real Redis, a real Celery worker and beat, and a real SMTP server.

- A change produces exactly one e-mail.
- With Redis stopped (the broker and the rate limits' store), submissions and decisions still
  succeed, the limits counting in memory meanwhile, and their mails wait in the outbox; once
  Redis is back, beat hands them over again and the worker sends each one once.
- A failing SMTP server: the worker retries with backoff, the row ends ``failed`` and an
  admin's resend delivers it.
"""

import logging
from collections import Counter

import pytest
import redis
from sqlalchemy import select

from murporteur.accounts.models import Role, User
from murporteur.accounts.services import hash_password
from murporteur.extensions import db
from murporteur.notifications.models import OutboxState
from murporteur.submissions.models import Dossier
from tests.helpers import finish_login
from tests.notifications.live import RedisServer, SmtpSink, live_stack, require_servers, wait_for
from tests.submissions.test_idea_form import answers

pytestmark = pytest.mark.worker


@pytest.fixture
def redis_server(tmp_path):
    require_servers()
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


def submit(client, email: str):
    response = client.post("/deposer", data=answers(email=email),
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_redis_stopped_loses_nothing_and_its_return_drains_the_outbox(
        tmp_path, redis_server, smtp, caplog):
    with live_stack(tmp_path, "murporteur_redis_outage", redis_server, smtp,
                    OUTBOX_RECOVERY_SECONDS=2) as stack:
        worker, beat = stack.start("worker"), stack.start("beat")
        client = stack.app.test_client()

        # Redis up: one submission, one receipt, one e-mail (and nothing else).
        submit(client, "amina@porteurs.example")
        wait_for(lambda: [r.state for r in stack.rows()] == [OutboxState.SENT], 120,
                 "the first receipt", [worker, beat], stack)
        first, = stack.rows("dossier_receipt")
        assert first.transport == "smtp" and len(smtp.messages) == 1
        # The limits are on, and counted in this Redis.
        assert stack.app.config["RATE_LIMITS_ENABLED"]
        assert redis.Redis.from_url(redis_server.url).keys("LIMITS*")
        assert smtp.messages[0]["Subject"] == first.subject

        # An animator joins the team: from now on, each new idea is announced to her too.
        with stack.app.app_context():
            db.session.add(User(email="camille@cress.example", full_name="Camille",
                                role=Role.ANIMATOR,
                                password_hash=hash_password("correct horse battery")))
            db.session.commit()
            number = db.session.scalar(select(Dossier.number))
        animator = stack.app.test_client()
        finish_login(animator, animator.post("/connexion", data={
            "email": "camille@cress.example", "password": "correct horse battery"}))

        # Redis down: submissions and decisions still succeed; their mails wait, queued.
        redis_server.stop()
        # (the migrations' logging setup took pytest's handler off the root logger: listen to
        # the limiter's own)
        limiter_log = logging.getLogger("flask-limiter")
        limiter_log.addHandler(caplog.handler)
        try:
            for n in range(3):
                submit(client, f"porteur{n}@porteurs.example")
        finally:
            limiter_log.removeHandler(caplog.handler)
        assert "falling back to in-memory storage" in caplog.text
        decided = animator.post(f"/instruction/dossiers/{number}/decision/request_info",
                                data={"request_info-comment": "Quel est votre budget ?"})
        assert decided.status_code == 302
        rows = stack.rows()
        assert Counter(r.key for r in rows) == Counter(
            dossier_receipt=4, dossier_new_for_staff=3, dossier_state_changed=1)
        assert [r.state for r in rows[1:]] == [OutboxState.QUEUED] * 7
        assert len(smtp.messages) == 1

        # Redis back: beat's recovery hands them over, the worker sends each exactly once.
        redis_server.start()
        wait_for(lambda: all(r.state == OutboxState.SENT for r in stack.rows()), 90,
                 "the outbox to drain once Redis is back", [worker, beat], stack)
        wait_for(lambda: len(smtp.messages) >= 8, 10, "the mails", [worker, beat], stack)
        recipients = Counter(m["To"] for m in smtp.messages)
        assert recipients == Counter({"amina@porteurs.example": 2, "camille@cress.example": 3,
                                      "porteur0@porteurs.example": 1,
                                      "porteur1@porteurs.example": 1,
                                      "porteur2@porteurs.example": 1})
        assert len({m["Message-ID"] for m in smtp.messages}) == 8
        asked, = [m for m in smtp.messages if "Quel est votre budget ?" in m.get_body(
            ("plain",)).get_content()]
        assert asked["To"] == "amina@porteurs.example"
        assert "recover_outbox" in beat.output() or "recover-outbox" in beat.output()


def test_a_failing_mail_server_is_retried_then_failed_and_an_admin_resends(
        tmp_path, redis_server, smtp):
    smtp.failing = True
    with live_stack(tmp_path, "murporteur_smtp_failure", redis_server, smtp,
                    OUTBOX_MAX_ATTEMPTS=3, OUTBOX_RETRY_SECONDS=1) as stack:
        with stack.app.app_context():
            db.session.add(User(email="admin@cress.example", full_name="Admin", role=Role.ADMIN,
                                password_hash=hash_password("correct horse battery")))
            db.session.commit()
        worker = stack.start("worker")
        client = stack.app.test_client()
        submit(client, "amina@porteurs.example")

        def failed():
            rows = stack.rows("dossier_receipt")
            return rows and rows[0].state == OutboxState.FAILED

        wait_for(failed, 60, "the receipt to fail after its retries", [worker], stack)
        row, = stack.rows("dossier_receipt")
        assert row.attempts == 3 and "451" in row.last_error
        assert smtp.messages == []

        # The admin sees it among the failed rows, and sends it again once the server is back.
        finish_login(client, client.post("/connexion", data={
            "email": "admin@cress.example", "password": "correct horse battery"}))
        failed_page = client.get("/admin/outbox/?state=failed").get_data(as_text=True)
        assert "amina@porteurs.example" in failed_page
        smtp.failing = False
        response = client.post(f"/admin/outbox/{row.id}/renvoyer")
        assert response.status_code == 302
        wait_for(lambda: stack.rows("dossier_receipt")[0].state == OutboxState.SENT, 60,
                 "the resent receipt", [worker], stack)
        assert [m["To"] for m in smtp.messages] == ["amina@porteurs.example"]
