"""Production: readiness, structured logs with a request id, Prometheus metrics, and the
deployment files (compose, Procfile, gunicorn) that must stay loadable."""

from __future__ import annotations

import io
import json
import logging
import runpy
from datetime import timedelta
from types import SimpleNamespace

import pytest
import yaml
from flask import request_finished

from murporteur.core.logging import JsonFormatter, RequestIdFilter, install_celery_hooks
from murporteur.notifications.models import OutboxMessage, OutboxState
from murporteur.settings import PROJECT_ROOT, ConfigurationError, Settings
from tests.conftest import make_app
from tests.factories import HolderFactory


def _capture(log_format: str = "json"):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else
                         logging.Formatter("%(request_id)s %(message)s"))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("murporteur.test_operations")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger, handler, stream


# --- readiness ---------------------------------------------------------------------------

def test_readyz_is_ready_with_the_database_and_in_process_tasks(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready"
    assert response.json["failed"] == []
    assert response.json["checks"]["database"] == {"status": "ok"}
    assert response.json["checks"]["broker"] == {"status": "ok", "mode": "in-process"}
    assert response.json["checks"]["outbox"]["backlog"] == 0


def test_readyz_names_a_broker_that_does_not_answer(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        app.config["REDIS_URL"] = None
    assert response.status_code == 503
    assert response.json["failed"] == ["broker"]
    assert response.json["checks"]["broker"] == {"status": "down", "mode": "redis"}


def test_readyz_fails_when_the_outbox_backlog_passes_the_threshold(app, client):
    holder = HolderFactory()
    for n in range(3):
        from murporteur.extensions import db

        db.session.add(OutboxMessage(key="login_link", recipient_email=holder.email,
                                     state=OutboxState.QUEUED, idempotency_key=f"ready-{n}",
                                     context={}))
    app.config["READYZ_OUTBOX_MAX"] = 2
    try:
        response = client.get("/readyz")
    finally:
        app.config["READYZ_OUTBOX_MAX"] = 500
    assert response.status_code == 503
    assert response.json["failed"] == ["outbox"]
    assert response.json["checks"]["outbox"] == {"status": "backlog", "backlog": 3,
                                                 "threshold": 2}


def test_readyz_fails_without_a_database(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["database", "outbox"]
    assert response.json["checks"]["outbox"]["status"] == "unknown"


# --- logs ----------------------------------------------------------------------------------

def test_a_json_line_carries_every_extra_field():
    logger, handler, stream = _capture()
    try:
        logger.info("message %s sent", "bienvenue",
                    extra={"outbox_id": 42, "task": "murporteur.notifications.send",
                           "at": timedelta(seconds=3)})
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert entry["message"] == "message bienvenue sent"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "murporteur.test_operations"
    assert entry["outbox_id"] == 42
    assert entry["task"] == "murporteur.notifications.send"
    assert entry["at"] == "0:00:03"
    assert entry["time"].endswith("Z") and "T" in entry["time"]
    assert entry["request_id"] is None  # outside a request and a task


def test_a_json_line_keeps_the_exception():
    logger, handler, stream = _capture()
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed", extra={"outbox_id": 7})
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert entry["outbox_id"] == 7
    assert "ValueError: boom" in entry["exception"]


def _log_in_requests(app, logger):
    """Log a line inside each request of ``app`` (at its end, the request id known)."""
    def log(sender, response, **_extra):
        logger.info("inside", extra={"outbox_id": 1})

    request_finished.connect(log, app)
    return log


def test_each_request_gets_an_id_echoed_and_seen_by_the_logs(app, client):
    logger, handler, stream = _capture()
    log = _log_in_requests(app, logger)
    try:
        given = client.get("/healthz", headers={"X-Request-ID": "proxy-abc.123"})
        generated = client.get("/healthz",
                               headers={"X-Request-ID": "<script>alert(1)</script>"})
    finally:
        request_finished.disconnect(log, app)
        logger.removeHandler(handler)
    assert given.headers["X-Request-ID"] == "proxy-abc.123"
    new_id = generated.headers["X-Request-ID"]
    assert new_id != "<script>alert(1)</script>" and len(new_id) == 32
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert first["request_id"] == "proxy-abc.123"
    assert second["request_id"] == new_id


def test_text_format_also_shows_the_request_id(app, client):
    logger, handler, stream = _capture("text")
    log = _log_in_requests(app, logger)
    try:
        client.get("/healthz", headers={"X-Request-ID": "abc"})
    finally:
        request_finished.disconnect(log, app)
        logger.removeHandler(handler)
    assert stream.getvalue() == "abc inside\n"


def test_log_format_defaults_to_json_in_production_only(tmp_path):
    def config(**environ):
        return Settings.from_environ(tmp_path, {"SECRET_KEY": "x", **environ}).flask_config()

    assert config()["LOG_FORMAT"] == "text"
    assert config(MURPORTEUR_ENV="production", DATABASE_URL="postgresql://x/y",
                  REDIS_URL="redis://r/0")["LOG_FORMAT"] == "json"
    assert config(LOG_FORMAT="JSON")["LOG_FORMAT"] == "json"
    with pytest.raises(ConfigurationError, match="LOG_FORMAT"):
        config(LOG_FORMAT="xml")
    with pytest.raises(ConfigurationError, match="number"):
        config(READYZ_OUTBOX_MAX="many")
    assert config(BENCH="1")["BENCH"] is True
    assert config(BENCH="1", MURPORTEUR_ENV="production", REDIS_URL="redis://r/0",
                  DATABASE_URL="postgresql://x/y")["BENCH"] is False


def test_celery_logs_use_the_same_format_with_the_task_id():
    from celery.signals import after_setup_task_logger, task_postrun, task_prerun

    install_celery_hooks("json")
    stream = io.StringIO()
    logger = logging.getLogger("celery.test_operations")
    logger.handlers = [logging.StreamHandler(stream)]
    logger.propagate = False
    after_setup_task_logger.send(sender=None, logger=logger, loglevel=logging.INFO)
    task_prerun.send(sender=None, task_id="task-1", task=None)
    logger.warning("retrying", extra={"outbox_id": 9})
    task_postrun.send(sender=None, task_id="task-1", task=None)
    logger.warning("after")
    inside, after = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert inside["request_id"] == "task-1" and inside["outbox_id"] == 9
    assert after["request_id"] is None


def test_gunicorn_access_lines_are_json_with_the_request_id(monkeypatch):
    from gunicorn.config import Config

    from murporteur.core.logging import GunicornLogger

    monkeypatch.setenv("LOG_FORMAT", "json")
    cfg = Config()
    cfg.set("accesslog", "-")
    glogger = GunicornLogger(cfg)
    stream = io.StringIO()
    for handler in glogger.access_log.handlers:
        handler.setStream(stream)
    response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "req-7")], sent=12)
    glogger.access(response, None, {"REQUEST_METHOD": "GET", "PATH_INFO": "/readyz",
                                    "REMOTE_ADDR": "10.0.0.2", "HTTP_USER_AGENT": 'a "b"'},
                   timedelta(milliseconds=12.5))
    entry = json.loads(stream.getvalue())
    assert entry["request_id"] == "req-7"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/readyz", 200)
    assert entry["duration_ms"] == 12.5
    assert entry["user_agent"] == 'a "b"'


# --- metrics -------------------------------------------------------------------------------

def _sample(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_latencies_and_the_outbox(client):
    before = _sample(client.get("/metrics").get_data(as_text=True),
                     "murporteur_http_requests_total", endpoint="public.privacy", status="200")
    client.get("/donnees-personnelles")
    client.get("/nowhere-at-all")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert _sample(text, "murporteur_http_requests_total", endpoint="public.privacy",
                   status="200") == before + 1
    assert _sample(text, "murporteur_http_requests_total", endpoint="unmatched",
                   status="404") >= 1
    assert _sample(text, "murporteur_http_request_duration_seconds_count",
                   endpoint="public.privacy") >= 1
    assert 'murporteur_outbox_messages{state="queued"} 0.0' in text


def test_metrics_count_celery_tasks_by_outcome(app, client):
    celery = app.extensions["celery"]

    @celery.task(name="tests.operations.ok")
    def ok():
        return 1

    @celery.task(name="tests.operations.broken")
    def broken():
        raise RuntimeError("broken")

    ok.apply()
    broken.apply()
    text = client.get("/metrics").get_data(as_text=True)
    assert _sample(text, "murporteur_celery_tasks_total", task="tests.operations.ok",
                   outcome="succeeded") >= 1
    assert _sample(text, "murporteur_celery_tasks_total", task="tests.operations.broken",
                   outcome="failed") >= 1


def test_metrics_are_refused_from_elsewhere_without_a_token(app, client):
    remote = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert remote.status_code == 403
    assert proxied.status_code == 403
    assert b"murporteur_" not in remote.data + proxied.data


def test_metrics_with_a_token_ask_for_it_from_everywhere(app, client):
    app.config["METRICS_TOKEN"] = "s3cret-token"
    try:
        local = client.get("/metrics")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    finally:
        app.config["METRICS_TOKEN"] = None
    assert local.status_code == 403
    assert wrong.status_code == 403
    assert right.status_code == 200 and b"murporteur_http_requests_total" in right.data


# --- deployment files --------------------------------------------------------------------

def test_compose_declares_every_process_and_a_one_shot_migration():
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "migrate", "postgres", "redis"}
    assert services["migrate"]["command"] == ["flask", "--app", "murporteur", "db", "upgrade"]
    assert services["migrate"]["profiles"] == ["tools"]  # never started by `up`
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert "db" not in services[name]["command"]  # nothing migrates at start-up
        env = services[name]["environment"]
        assert env["MURPORTEUR_ENV"] == "production" and env["REDIS_URL"].startswith("redis://")
    assert services["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "worker", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "worker", "beat"]


def test_procfile_runs_the_three_processes_and_no_migration():
    lines = [line for line in (PROJECT_ROOT / "Procfile").read_text().splitlines()
             if line and not line.startswith("#")]
    processes = dict(line.split(": ", 1) for line in lines)
    assert set(processes) == {"web", "worker", "beat"}
    assert processes["web"].startswith("gunicorn -c gunicorn.conf.py")
    assert not any("upgrade" in command for command in processes.values())


def test_gunicorn_configuration_reads_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9000")
    conf = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == 3 and conf["bind"] == "127.0.0.1:9000"
    assert conf["preload_app"] is False
    assert conf["timeout"] == 60
    assert conf["logger_class"] == "murporteur.core.logging.GunicornLogger"


# --- the benchmark's ceiling ---------------------------------------------------------------

def test_the_bare_dashboard_sql_exists_only_with_bench(tmp_path):
    # Apps of their own on a database of their own (SQLite on both runs: the view's SQL is
    # the dashboard's, tested on both engines with the dashboard itself).
    from murporteur.extensions import db
    from tests.factories import AnimatorFactory, submitted_dossier

    url = f"sqlite:///{tmp_path / 'bench.db'}"
    bench = make_app(url, tmp_path / "bench", BENCH=True)
    plain = make_app(url, tmp_path / "plain")
    with bench.app_context():
        db.create_all()
        animator, holder = AnimatorFactory(), HolderFactory()
        submitted_dossier()
        db.session.commit()
        animator_id, holder_id = animator.id, holder.id
        db.session.remove()
    client = bench.test_client()
    response = client.get(f"/_bench/dashboard-sql?user={animator_id}")
    assert response.status_code == 200
    assert "total=1 rows=1" in response.get_data(as_text=True)
    assert client.get("/_bench/dashboard-sql?user=999999").status_code == 404
    assert client.get(f"/_bench/dashboard-sql?user={holder_id}").status_code == 404
    assert plain.test_client().get(f"/_bench/dashboard-sql?user={animator_id}"
                                   ).status_code == 404
    for each in (bench, plain):
        with each.app_context():
            db.engine.dispose()
