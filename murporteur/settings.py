"""Every setting of Mur porteur, read from the environment and nowhere else.

This module is the one place that documents the variables; the README's table mirrors it.

| variable        | default                                  | meaning |
|-----------------|------------------------------------------|---------|
| MURPORTEUR_ENV  | development                              | development, production or test |
| DATABASE_URL    | sqlite:///<instance>/murporteur.db       | SQLAlchemy URL; postgresql:// is mapped to psycopg 3 |
| REDIS_URL       | (unset)                                  | Celery broker; unset: tasks run in-process after the commit |
| SECRET_KEY      | generated into instance/secret_key (dev) | signs sessions, CSRF tokens and links; required in production |
| BASE_URL        | http://127.0.0.1:5000                    | public address used in e-mails |
| MAIL_SERVER     | (unset)                                  | SMTP host; unset: mails are written to the log and kept in the outbox |
| MAIL_PORT       | 587                                      | SMTP port |
| MAIL_USERNAME   | (unset)                                  | SMTP login |
| MAIL_PASSWORD   | (unset)                                  | SMTP password |
| MAIL_USE_TLS    | true                                     | STARTTLS on the SMTP connection |
| MAIL_USE_SSL    | false                                    | implicit TLS (port 465) |
| MAIL_FROM       | Mur porteur <murporteur@localhost>       | sender of every mail |
| CONTACT_EMAIL   | murporteur@localhost                     | the collective's mailbox, shown in pages and signatures |
| UPLOAD_DIR      | <instance>/uploads                       | where uploaded files are kept (outside static/) |
| DEFAULT_LOCALE  | fr                                       | language of the interface when nothing else decides |
| MAGIC_LINK_HOURS| 72                                       | how long a link sent by e-mail stays valid |
| FIRST_CALL_DAYS | 10                                       | days after submission before a dossier with no first call is overdue |
| HOLDER_ANSWER_DAYS | 21                                    | days a holder has to answer a request before it is overdue |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENTS = ("development", "production", "test")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The environment does not describe a runnable application."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Map the usual ``postgres://`` spellings to the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(env: str, instance_path: Path, value: str | None) -> str:
    if value:
        return value
    if env == "production":
        raise ConfigurationError(
            "SECRET_KEY must be set in production (a long random string, kept secret)."
        )
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    redis_url: str | None
    secret_key: str
    base_url: str
    mail_server: str | None
    mail_port: int
    mail_username: str | None
    mail_password: str | None
    mail_use_tls: bool
    mail_use_ssl: bool
    mail_from: str
    contact_email: str
    upload_dir: Path
    default_locale: str
    magic_link_hours: int
    first_call_days: int
    holder_answer_days: int

    @classmethod
    def from_environ(cls, instance_path: Path, environ: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if environ is None else environ)
        env = e.get("MURPORTEUR_ENV", "development")
        if env not in ENVIRONMENTS:
            raise ConfigurationError(f"MURPORTEUR_ENV must be one of {', '.join(ENVIRONMENTS)}.")
        database_url = e.get("DATABASE_URL") or f"sqlite:///{instance_path / 'murporteur.db'}"
        if env == "production" and database_url.startswith("sqlite"):
            raise ConfigurationError("DATABASE_URL must point at PostgreSQL in production.")
        locale = e.get("DEFAULT_LOCALE", "fr")
        if locale not in ("fr", "en"):
            raise ConfigurationError("DEFAULT_LOCALE must be fr or en.")
        try:
            mail_port = int(e.get("MAIL_PORT", "587"))
            magic_link_hours = int(e.get("MAGIC_LINK_HOURS", "72"))
            first_call_days = int(e.get("FIRST_CALL_DAYS", "10"))
            holder_answer_days = int(e.get("HOLDER_ANSWER_DAYS", "21"))
        except ValueError as exc:
            raise ConfigurationError(f"A numeric setting is not a number: {exc}") from exc
        return cls(
            env=env,
            database_url=normalise_database_url(database_url),
            redis_url=e.get("REDIS_URL") or None,
            secret_key=_secret_key(env, instance_path, e.get("SECRET_KEY")),
            base_url=e.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            mail_server=e.get("MAIL_SERVER") or None,
            mail_port=mail_port,
            mail_username=e.get("MAIL_USERNAME") or None,
            mail_password=e.get("MAIL_PASSWORD") or None,
            mail_use_tls=_flag(e.get("MAIL_USE_TLS"), True),
            mail_use_ssl=_flag(e.get("MAIL_USE_SSL"), False),
            mail_from=e.get("MAIL_FROM", "Mur porteur <murporteur@localhost>"),
            contact_email=e.get("CONTACT_EMAIL", "murporteur@localhost"),
            upload_dir=Path(e.get("UPLOAD_DIR") or instance_path / "uploads"),
            default_locale=locale,
            magic_link_hours=magic_link_hours,
            first_call_days=first_call_days,
            holder_answer_days=holder_answer_days,
        )

    def flask_config(self) -> dict[str, object]:
        return {
            "ENV_NAME": self.env,
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "REDIS_URL": self.redis_url,
            "BASE_URL": self.base_url,
            "MAIL_SERVER": self.mail_server,
            "MAIL_PORT": self.mail_port,
            "MAIL_USERNAME": self.mail_username,
            "MAIL_PASSWORD": self.mail_password,
            "MAIL_USE_TLS": self.mail_use_tls,
            "MAIL_USE_SSL": self.mail_use_ssl,
            "MAIL_FROM": self.mail_from,
            "CONTACT_EMAIL": self.contact_email,
            "UPLOAD_DIR": str(self.upload_dir),
            "BABEL_DEFAULT_LOCALE": self.default_locale,
            "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
            "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
            "MAGIC_LINK_HOURS": self.magic_link_hours,
            "FIRST_CALL_DAYS": self.first_call_days,
            "HOLDER_ANSWER_DAYS": self.holder_answer_days,
            # Five files of 10 MB plus the form itself: larger bodies are refused before reading.
            "MAX_CONTENT_LENGTH": 52 * 1024 * 1024,
            "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.env == "production",
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SECURE": self.env == "production",
            "WTF_CSRF_TIME_LIMIT": None,
        }
