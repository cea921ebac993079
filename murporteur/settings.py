"""Every setting of Mur porteur, read from the environment and nowhere else.

This module is the one place that documents the variables; the README's table mirrors it.

| variable        | default                                  | meaning |
|-----------------|------------------------------------------|---------|
| MURPORTEUR_ENV  | development                              | development, production or test |
| DATABASE_URL    | sqlite:///<instance>/murporteur.db       | SQLAlchemy URL; postgresql:// is mapped to psycopg 3 |
| REDIS_URL       | (unset)                                  | Celery broker and the reporting's cache; unset: tasks run in-process after the commit |
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
| PASSWORD_RESET_HOURS | 2                                     | how long a password reset link stays valid |
| SESSION_HOURS   | 12                                       | a session cookie older than this asks to log in again |
| RATELIMIT_ENABLED | true (false in test)                   | limit repeated requests per address (login, links, idea form) |
| RATELIMIT_STORAGE_URL | REDIS_URL, else memory:// (dev)    | where the counters live; production requires Redis (shared by workers and machines) |
| RATELIMIT_LOGIN | 10 per minute; 50 per hour               | login attempts (POST) per address |
| RATELIMIT_LINK  | 5 per minute; 20 per hour                | access-link and password-reset requests per address |
| RATELIMIT_IDEA  | 10 per minute; 60 per hour               | idea form submissions (POST) per address |
| REQUIRE_2FA_FOR_MEMBERS | false                           | committee members must enrol a second factor too (animators and admins always must) |
| FORM_MIN_SECONDS | 3 (0 in test)                           | the idea form sent faster than this after display is refused (robots) |
| CLAMD_HOST      | (unset)                                  | ClamAV daemon host; with CLAMD_PORT (3310) every upload is scanned |
| CLAMD_PORT      | 3310                                     | ClamAV daemon TCP port |
| CLAMD_SOCKET    | (unset)                                  | ClamAV daemon Unix socket (instead of host and port) |
| QUARANTINE_DIR  | <instance>/quarantine                    | where infected uploads are moved (never served) |
| DRAFT_RETENTION_MONTHS | 3                                 | a draft untouched this long is deleted |
| DRAFT_WARNING_DAYS | 14                                    | the holder is warned this many days before |
| FINISHED_RETENTION_MONTHS | 24                             | declined, redirected and withdrawn dossiers are anonymised this long after the decision |
| STAGED_UPLOAD_MAX_MB | 25                                  | what one browser may keep of files sent with an idea form not saved yet (MiB) |
| STAGED_UPLOAD_MAX_FILES | 10                               | how many such files one browser may keep |
| STAGED_UPLOAD_HOURS | 24                                   | beat deletes such files (rows and bytes) older than this |
| HOLDER_REMINDER_DAYS | 7                                    | days without an answer to a request before the holder is reminded (once) |
| OUTBOX_MAX_ATTEMPTS | 5                                     | attempts at sending a mail before its row is marked failed |
| OUTBOX_RETRY_SECONDS | 30                                   | wait before the first new attempt, doubled at each one |
| OUTBOX_RECOVERY_SECONDS | 60                                | how often beat hands over again mails the broker never got |
| OUTBOX_STUCK_SECONDS | 300                                  | a mail in `sending` this long (its worker died) is sent again by beat's recovery |
| JOB_STUCK_SECONDS | 600                                     | a background job silent this long (its worker died) is run again by beat's sweep |
| JOB_RETENTION_DAYS | 7                                      | a finished background job and its file (a PDF) are deleted this long after it ended |
| LOG_FORMAT      | json in production, else text            | json: one JSON object per line (time, level, logger, message, request_id, extras) |
| READYZ_OUTBOX_MAX | 500                                    | /readyz answers 503 when more outbox rows than this wait (queued or sending) |
| METRICS_TOKEN   | (unset)                                  | /metrics asks for "Authorization: Bearer <token>"; unset: only from 127.0.0.1 / ::1 |
| BENCH           | false (always false in production)       | enables /_bench/dashboard-sql, the benchmark's bare-SQL ceiling |
| COLLECTIVE_NAME | (unset: the settings page, else Mur porteur) | the collective's name; set, it overrides the page (README, "The collective's settings") |
| COLLECTIVE_REGION | (unset: the settings page)             | the collective's region; overrides the page |
| CONTACT_PHONE   | (unset: the settings page)               | the collective's phone; overrides the page |
| PRESENTATION_FR | (unset: the settings page)               | the landing page's presentation in French; overrides the page |
| PRESENTATION_EN | (unset: the settings page)               | the landing page's presentation in English; overrides the page |
| COMMITTEE_SLOT_MINUTES | (unset: the settings page, else 20) | a new committee session's default slot length; overrides the page |
| COMMITTEE_PLACE | (unset: the settings page)               | a new committee session's default place; overrides the page |
| CONSENT_TEXT    | (unset: the settings page)               | the idea form's consent words; overrides the page (with CONSENT_VERSION) |
| CONSENT_VERSION | (unset: the settings page, else 2026-11) | the version dossiers record with their consent; overrides the page |
| PREMISES_TILE_URL | (unset: no map)                        | tile server of the public premises map, https://host/{z}/{x}/{y}.png; its host alone is added to the CSP's img-src |
| PREMISES_TILE_ATTRIBUTION | (empty)                        | the attribution the tile server asks for, shown on the map |
| SEAL_PKCS12_PATH | (unset: self-signed into instance/seal.p12) | PKCS#12 file of the certificate sealing signed conventions (PAdES) |
| SEAL_PKCS12_PASSPHRASE | (empty)                            | passphrase of that PKCS#12 file |

CONTACT_EMAIL, FIRST_CALL_DAYS, HOLDER_ANSWER_DAYS and HOLDER_REMINDER_DAYS are settings of the
collective too: set, each overrides what the admin saves on the settings page; unset, the page
decides (then the default above).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
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


def _numbers(e: dict[str, str], defaults: dict[str, str]) -> dict[str, int]:
    """The integer settings named in ``defaults`` (an unset or empty one takes its default)."""
    try:
        return {name: int(e.get(name) or default) for name, default in defaults.items()}
    except ValueError as exc:
        raise ConfigurationError(f"A numeric setting is not a number: {exc}") from exc


def privacy_settings(e: dict[str, str], instance_path: Path) -> dict[str, object]:
    """The antivirus daemon, the quarantine and the retention periods (Flask config keys)."""
    numbers = _numbers(e, {"CLAMD_PORT": "3310", "DRAFT_RETENTION_MONTHS": "3",
                           "DRAFT_WARNING_DAYS": "14", "FINISHED_RETENTION_MONTHS": "24",
                           "STAGED_UPLOAD_MAX_MB": "25", "STAGED_UPLOAD_MAX_FILES": "10",
                           "STAGED_UPLOAD_HOURS": "24"})
    return {"CLAMD_HOST": e.get("CLAMD_HOST") or None,
            "CLAMD_SOCKET": e.get("CLAMD_SOCKET") or None,
            "QUARANTINE_DIR": str(e.get("QUARANTINE_DIR") or instance_path / "quarantine"),
            **numbers}


def outbox_settings(e: dict[str, str]) -> dict[str, int]:
    """How hard the outbox tries (OUTBOX_MAX_ATTEMPTS, OUTBOX_RETRY_SECONDS), how often beat
    recovers what the broker never received (OUTBOX_RECOVERY_SECONDS) and what a dead worker
    left half-sent (OUTBOX_STUCK_SECONDS), and when a holder is reminded of an unanswered
    request (HOLDER_REMINDER_DAYS)."""
    values = _numbers(e, {"OUTBOX_MAX_ATTEMPTS": "5", "OUTBOX_RETRY_SECONDS": "30",
                          "OUTBOX_RECOVERY_SECONDS": "60", "OUTBOX_STUCK_SECONDS": "300",
                          "HOLDER_REMINDER_DAYS": "7"})
    if min(values.values()) < 1:
        raise ConfigurationError("The OUTBOX_* and HOLDER_REMINDER_DAYS settings must be at "
                                 "least 1.")
    return values


def job_settings(e: dict[str, str]) -> dict[str, int]:
    """When beat's sweep takes back a background job whose worker went silent
    (JOB_STUCK_SECONDS), and how long a finished one keeps its file (JOB_RETENTION_DAYS)."""
    values = _numbers(e, {"JOB_STUCK_SECONDS": "600", "JOB_RETENTION_DAYS": "7"})
    if min(values.values()) < 1:
        raise ConfigurationError("The JOB_* settings must be at least 1.")
    return values


#: The collective's settings an environment variable overrides (``collective/settings.py``
#: reads them from ``COLLECTIVE_ENV``; unset or empty: the settings page decides).
COLLECTIVE_VARIABLES = ("COLLECTIVE_NAME", "COLLECTIVE_REGION", "CONTACT_EMAIL", "CONTACT_PHONE",
                        "PRESENTATION_FR", "PRESENTATION_EN", "COMMITTEE_SLOT_MINUTES",
                        "COMMITTEE_PLACE", "FIRST_CALL_DAYS", "HOLDER_ANSWER_DAYS",
                        "HOLDER_REMINDER_DAYS", "CONSENT_TEXT", "CONSENT_VERSION")
_COLLECTIVE_NUMBERS = ("COMMITTEE_SLOT_MINUTES", "FIRST_CALL_DAYS", "HOLDER_ANSWER_DAYS",
                       "HOLDER_REMINDER_DAYS")


def collective_environment(e: dict[str, str]) -> dict[str, str]:
    """The collective's settings set in the environment (they win over the settings page)."""
    found = {name: e[name].strip() for name in COLLECTIVE_VARIABLES if (e.get(name) or "").strip()}
    for name in _COLLECTIVE_NUMBERS:
        if name in found and not found[name].isdigit():
            raise ConfigurationError(f"{name} must be a whole number.")
    return found


def operations_settings(e: dict[str, str], env: str) -> dict[str, object]:
    """LOG_FORMAT, READYZ_OUTBOX_MAX, METRICS_TOKEN and BENCH (README, "Production
    deployment")."""
    log_format = (e.get("LOG_FORMAT") or ("json" if env == "production" else "text")).lower()
    if log_format not in ("json", "text"):
        raise ConfigurationError("LOG_FORMAT must be json or text.")
    return {"LOG_FORMAT": log_format, **_numbers(e, {"READYZ_OUTBOX_MAX": "500"}),
            "METRICS_TOKEN": e.get("METRICS_TOKEN") or None,
            "BENCH": _flag(e.get("BENCH"), False) and env != "production",
            "SEAL_PKCS12_PATH": e.get("SEAL_PKCS12_PATH") or None,
            "SEAL_PKCS12_PASSPHRASE": e.get("SEAL_PKCS12_PASSPHRASE") or ""}


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
    password_reset_hours: int = 2
    session_hours: int = 12
    ratelimit_enabled: bool = True
    ratelimit_storage_url: str = "memory://"
    ratelimit_login: str = "10 per minute; 50 per hour"
    ratelimit_link: str = "5 per minute; 20 per hour"
    ratelimit_idea: str = "10 per minute; 60 per hour"
    form_min_seconds: int = 3
    proxy_hops: int = 0
    require_2fa_for_members: bool = False
    #: Privacy and uploads (scanning, retention): see ``privacy_settings``.
    privacy: dict = field(default_factory=dict)
    #: Operations (logs, readiness, metrics, benchmark): see ``operations_settings``.
    operations: dict = field(default_factory=dict)
    #: The outbox's retries and recovery: see ``outbox_settings``.
    outbox: dict = field(default_factory=dict)
    #: The background jobs' sweep and retention: see ``job_settings``.
    jobs: dict = field(default_factory=dict)
    #: The collective's settings the environment overrides: see ``collective_environment``.
    collective: dict = field(default_factory=dict)
    #: The premises map's tile server (PREMISES_TILE_URL, PREMISES_TILE_ATTRIBUTION).
    premises: dict = field(default_factory=dict)

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
            password_reset_hours = int(e.get("PASSWORD_RESET_HOURS", "2"))
            session_hours = int(e.get("SESSION_HOURS", "12"))
            form_min_seconds = int(e.get("FORM_MIN_SECONDS", "0" if env == "test" else "3"))
            proxy_hops = int(e.get("PROXY_HOPS", "0"))
        except ValueError as exc:
            raise ConfigurationError(f"A numeric setting is not a number: {exc}") from exc
        _secret_key(env, instance_path, e.get("SECRET_KEY"))  # its message first
        if (env == "production" and _flag(e.get("RATELIMIT_ENABLED"), True)
                and not (e.get("RATELIMIT_STORAGE_URL") or e.get("REDIS_URL"))):
            # Counters in memory are each worker's own: N workers (or machines) would allow
            # N times the limit. Nothing of a request may live in a web process.
            raise ConfigurationError("RATELIMIT_STORAGE_URL or REDIS_URL must be set in "
                                     "production: the rate limits are shared by every worker.")
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
            password_reset_hours=password_reset_hours,
            session_hours=session_hours,
            ratelimit_enabled=_flag(e.get("RATELIMIT_ENABLED"), env != "test"),
            ratelimit_storage_url=(e.get("RATELIMIT_STORAGE_URL") or e.get("REDIS_URL")
                                   or "memory://"),
            ratelimit_login=e.get("RATELIMIT_LOGIN") or "10 per minute; 50 per hour",
            ratelimit_link=e.get("RATELIMIT_LINK") or "5 per minute; 20 per hour",
            ratelimit_idea=e.get("RATELIMIT_IDEA") or "10 per minute; 60 per hour",
            form_min_seconds=form_min_seconds,
            proxy_hops=proxy_hops,
            require_2fa_for_members=_flag(e.get("REQUIRE_2FA_FOR_MEMBERS"), False),
            privacy=privacy_settings(e, instance_path),
            operations=operations_settings(e, env),
            outbox=outbox_settings(e),
            jobs=job_settings(e),
            collective=collective_environment(e),
            premises={"PREMISES_TILE_URL": e.get("PREMISES_TILE_URL") or None,
                      "PREMISES_TILE_ATTRIBUTION": e.get("PREMISES_TILE_ATTRIBUTION") or ""},
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
            "PERMANENT_SESSION_LIFETIME": timedelta(hours=self.session_hours),
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "PASSWORD_RESET_HOURS": self.password_reset_hours,
            # Read by our own guard (core/security.py), not by Flask-Limiter: its switch is
            # one per process, and tests run several applications side by side.
            "RATE_LIMITS_ENABLED": self.ratelimit_enabled,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_url,
            "RATELIMIT_LOGIN": self.ratelimit_login,
            "RATELIMIT_LINK": self.ratelimit_link,
            "RATELIMIT_IDEA": self.ratelimit_idea,
            "RATELIMIT_HEADERS_ENABLED": True,
            "FORM_MIN_SECONDS": self.form_min_seconds,
            "PROXY_HOPS": self.proxy_hops,
            "REQUIRE_2FA_FOR_MEMBERS": self.require_2fa_for_members,
            **self.privacy,
            **self.operations,
            **self.outbox,
            **self.jobs,
            "COLLECTIVE_ENV": dict(self.collective),
            **self.premises,
        }
