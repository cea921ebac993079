"""The rate-limit store (Redis) is down: a holder's idea is still accepted, the outage is
logged, and the limits keep counting in memory until Redis answers again."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from tests.conftest import make_app
from tests.notifications.live import free_port
from tests.submissions.test_idea_form import answers


def test_an_idea_is_accepted_with_redis_down_and_the_limits_hold_in_memory(
        app, database_url, tmp_path, caplog):
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # a free port: nothing listens there
    limited = make_app(database_url, tmp_path, REDIS_URL=nobody, RATE_LIMITS_ENABLED=True,
                       RATELIMIT_IDEA="2 per minute")
    assert limited.config["RATELIMIT_STORAGE_URI"] == nobody
    client = limited.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    before = db.session.scalar(select(func.count(Dossier.id)))
    with caplog.at_level(logging.WARNING):
        for n in range(2):
            response = client.post("/deposer", data=answers(email=f"panne{n}@example.org"),
                                   content_type="multipart/form-data")
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            assert response.headers["Location"].endswith("/merci")
    assert db.session.scalar(select(func.count(Dossier.id))) == before + 2
    assert any("in-memory" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    # The limit still holds, counted in this process's memory.
    response = client.post("/deposer", data=answers(email="panne3@example.org"),
                           content_type="multipart/form-data")
    assert response.status_code == 429
    assert db.session.scalar(select(func.count(Dossier.id))) == before + 2
