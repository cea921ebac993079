import pytest

from murporteur import create_app
from murporteur.settings import ConfigurationError, Settings, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings.from_environ(tmp_path, {"MURPORTEUR_ENV": "production",
                                         "DATABASE_URL": "postgresql://db/x"})


def test_production_refuses_sqlite(tmp_path):
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        Settings.from_environ(tmp_path, {"MURPORTEUR_ENV": "production", "SECRET_KEY": "x"})


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    first = Settings.from_environ(tmp_path, {})
    second = Settings.from_environ(tmp_path, {})
    assert len(first.secret_key) == 64
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults_need_no_server(tmp_path):
    settings = Settings.from_environ(tmp_path, {})
    assert settings.database_url == f"sqlite:///{tmp_path / 'murporteur.db'}"
    assert settings.redis_url is None
    assert settings.mail_server is None
    assert settings.default_locale == "fr"
    assert settings.upload_dir == tmp_path / "uploads"


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigurationError):
        Settings.from_environ(tmp_path, {"MURPORTEUR_ENV": "staging"})


def test_without_redis_tasks_run_in_process(tmp_path):
    app = create_app(environ={"INSTANCE_PATH": str(tmp_path), "MURPORTEUR_ENV": "test"})
    assert app.extensions["celery"].conf.task_always_eager is True
    app = create_app(environ={"INSTANCE_PATH": str(tmp_path), "MURPORTEUR_ENV": "test",
                              "REDIS_URL": "redis://127.0.0.1:6379/15"})
    assert app.extensions["celery"].conf.task_always_eager is False
    assert app.extensions["celery"].conf.broker_url == "redis://127.0.0.1:6379/15"
