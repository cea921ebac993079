"""Mur porteur: the single window of a collective of social landlords."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from murporteur.settings import PROJECT_ROOT, Settings

LOCALES = ("fr", "en")


def create_app(overrides: dict | None = None, environ: dict[str, str] | None = None) -> Flask:
    """Build the application from the environment; ``overrides`` are for tests."""
    instance_path = Path((environ or {}).get("INSTANCE_PATH", PROJECT_ROOT / "instance"))
    app = Flask(__name__, instance_path=str(instance_path),
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    settings = Settings.from_environ(instance_path, environ)
    app.config.from_mapping(settings.flask_config())
    if overrides:
        app.config.update(overrides)

    _configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from murporteur.core.sqlite import retry_views_when_locked

        retry_views_when_locked(app)  # a view meeting "database is locked" runs again whole
    register_template_helpers(app)
    register_errors(app)
    register_commands(app)
    register_after_commit(app)
    return app


def _configure_logging(app: Flask) -> None:
    """LOG_FORMAT (json or text) for this process, a request id per request, and the
    Prometheus metrics (``core/logging.py``, ``core/metrics.py``)."""
    from murporteur.core import logging as structured_logs
    from murporteur.web import metrics

    structured_logs.init_app(app)
    metrics.init_app(app)
    if app.config["BENCH"]:  # the benchmark's bare-SQL ceiling (never in production)
        from murporteur.web.bench import bp as bench_bp

        app.register_blueprint(bench_bp)


def select_locale() -> str:
    """The user's own choice, then this browser's, then the browser's languages."""
    if not has_request_context():  # e-mails and tasks choose with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    return request.accept_languages.best_match(LOCALES) or \
        current_app.config["BABEL_DEFAULT_LOCALE"]


def register_extensions(app: Flask) -> None:
    from murporteur.core.celery import celery_init_app
    from murporteur.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from murporteur.core import sqlite

        with app.app_context():
            sqlite.configure(db.engine)  # WAL, busy timeout, BEGIN IMMEDIATE to write
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    from murporteur.core import security

    security.init_app(app)  # headers, CSP and rate limits
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    celery_init_app(app)

    # Every model module, so that the metadata (and Alembic) sees every table.
    from murporteur.accounts import models as _accounts  # noqa: F401
    from murporteur.audit import models as _audit  # noqa: F401
    from murporteur.audit import tasks as _audit_tasks  # noqa: F401
    from murporteur.calls import notifications as _calls_notifications  # noqa: F401
    from murporteur.calls import tasks as _calls_tasks  # noqa: F401
    from murporteur.collective import models as _collective  # noqa: F401
    from murporteur.committee import checklist as _committee_checklist  # noqa: F401
    from murporteur.committee import jobs as _committee_jobs  # noqa: F401 (its kinds of job)
    from murporteur.committee import models as _committee  # noqa: F401
    from murporteur.committee import notifications as _c_receivers  # noqa: F401
    from murporteur.committee import tasks as _committee_tasks  # noqa: F401
    from murporteur.conventions import models as _conventions  # noqa: F401
    from murporteur.conventions import notifications as _convention_notifications  # noqa: F401
    from murporteur.conventions import signing_models as _convention_signing  # noqa: F401
    from murporteur.conventions import tasks as _convention_tasks  # noqa: F401
    from murporteur.directory import models as _directory  # noqa: F401
    from murporteur.jobs import models as _jobs  # noqa: F401
    from murporteur.jobs import tasks as _jobs_tasks  # noqa: F401
    from murporteur.meetings import jobs as _meeting_jobs  # noqa: F401
    from murporteur.meetings import models as _meetings  # noqa: F401
    from murporteur.meetings import notifications as _meeting_notifications  # noqa: F401
    from murporteur.notifications import models as _notifications  # noqa: F401
    from murporteur.notifications import receivers as _receivers  # noqa: F401
    from murporteur.notifications import tasks as _tasks  # noqa: F401
    from murporteur.premises import models as _premises  # noqa: F401
    from murporteur.premises import receivers as _premises_receivers  # noqa: F401
    from murporteur.privacy import tasks as _privacy_tasks  # noqa: F401
    from murporteur.reporting import jobs as _reporting_jobs  # noqa: F401
    from murporteur.reporting import models as _reporting  # noqa: F401
    from murporteur.reporting import tasks as _reporting_tasks  # noqa: F401
    from murporteur.submissions import models as _submissions  # noqa: F401
    from murporteur.submissions import tasks as _submission_tasks  # noqa: F401
    from murporteur.triage import models as _triage  # noqa: F401
    from murporteur.triage import notifications as _triage_notifications  # noqa: F401
    from murporteur.triage import tasks as _triage_tasks  # noqa: F401

    @login_manager.user_loader
    def load_user(cookie_id: str):
        from murporteur.accounts.models import User
        from murporteur.core import params

        id_text, _, version_text = cookie_id.partition(":")
        user_id, version = params.identifier(id_text), params.integer(version_text, low=0)
        if user_id is None or version is None:
            return None
        user = db.session.get(User, user_id)
        if user is None or not user.active or user.session_version != version:
            return None
        return user


def register_blueprints(app: Flask) -> None:
    from murporteur.core.params import register_converters

    register_converters(app)  # <id:...> in the rules below
    from murporteur.accounts.second_factor_views import bp as second_factor_bp
    from murporteur.accounts.views import bp as accounts_bp
    from murporteur.api.token_views import bp as api_tokens_bp
    from murporteur.api.views import bp as api_bp
    from murporteur.calls.views import bp as calls_bp
    from murporteur.collective.views import bp as collective_bp
    from murporteur.committee.views_members import bp as members_bp
    from murporteur.committee.views_staff import bp as committee_bp
    from murporteur.conventions.followup_edit_views import bp as followup_edit_bp
    from murporteur.conventions.followup_views import bp as followup_bp
    from murporteur.conventions.signing_views import bp as signing_bp
    from murporteur.conventions.views import bp as conventions_bp
    from murporteur.directory.views import bp as directory_bp
    from murporteur.meetings import participant_views as _meetings_participant_pages  # noqa: F401
    from murporteur.meetings.views import bp as meetings_bp
    from murporteur.notifications.views import bp as notifications_bp
    from murporteur.privacy.views import bp as privacy_bp
    from murporteur.reporting.views import bp as reporting_bp
    from murporteur.submissions.views import bp as submissions_bp
    from murporteur.triage.views import bp as triage_bp
    from murporteur.web.pages import bp as public_bp

    for bp in (public_bp, accounts_bp, second_factor_bp, api_tokens_bp, submissions_bp,
               triage_bp, directory_bp, committee_bp, members_bp, conventions_bp, reporting_bp,
               notifications_bp, privacy_bp, collective_bp, meetings_bp, calls_bp):
        app.register_blueprint(bp)
    from murporteur.premises.views import bp as premises_bp  # issue 19

    app.register_blueprint(premises_bp)
    app.register_blueprint(signing_bp)  # issue 18: templates, documents, signatures
    app.register_blueprint(followup_bp)  # issue 18: reports and payment requests
    app.register_blueprint(followup_edit_bp)  # issue 18: the follow-up changed, reports read
    from murporteur.jobs.views import bp as jobs_bp

    app.register_blueprint(jobs_bp)  # issue 17: background jobs and their progress
    # The API authenticates each request by its token, not a session cookie: no CSRF there.
    from murporteur.extensions import csrf

    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    from murporteur.accounts.admin_views import register_blueprints as register_administration
    register_administration(app)


def register_template_helpers(app: Flask) -> None:
    from murporteur.web import templating

    templating.register(app)


def register_errors(app: Flask) -> None:
    from murporteur.web import errorpages

    errorpages.register(app)


def register_commands(app: Flask) -> None:
    from murporteur.accounts.cli import create_user_command, reset_second_factor_command
    from murporteur.demo.seed import seed_demo_command

    app.cli.add_command(create_user_command)
    app.cli.add_command(reset_second_factor_command)
    from murporteur.accounts.cli import first_admin_command
    app.cli.add_command(first_admin_command)
    app.cli.add_command(seed_demo_command)
    from murporteur.audit.cli import audit_cli
    from murporteur.core.backup import backup_command, restore_command

    app.cli.add_command(audit_cli)
    from murporteur.conventions.cli import conventions_cli

    app.cli.add_command(conventions_cli)  # issue 18: flask conventions verify FILE
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from murporteur.submissions.tallies import dossiers_cli

    app.cli.add_command(dossiers_cli)


def register_after_commit(app: Flask) -> None:
    """After each request, the work its commit made due (outbox hand-overs, antivirus scans)."""
    from murporteur.core import aftercommit, handling

    aftercommit.init_app(app)
    # Registered after: Flask runs after_request functions last-registered first, so a
    # request's commit comes before the work it makes due.
    handling.init_app(app)
