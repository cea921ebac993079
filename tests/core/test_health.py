from tests.conftest import BACKENDS


def test_healthz_reports_database_and_in_process_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "broker": "in-process", "status": "ok",
                             "outbox": {"queued": 0, "sending": 0, "sent": 0, "failed": 0}}


def test_healthz_reports_a_broker_that_does_not_answer(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.config["REDIS_URL"] = None
    assert response.status_code == 200
    assert response.json["broker"] == "down"
    assert response.json["status"] == "degraded"


def test_healthz_reports_a_live_broker(app, client):
    if not BACKENDS.redis:
        import pytest

        pytest.skip(f"no Redis in this run ({BACKENDS.broker_label}); the in-process and "
                    "down cases are tested above")
    from tests.conftest import REDIS_URL

    app.config["REDIS_URL"] = REDIS_URL
    try:
        response = client.get("/healthz")
    finally:
        app.config["REDIS_URL"] = None
    assert response.json["broker"] == "ok"
