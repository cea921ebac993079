"""Public pages: the landing page, the privacy notice, the language switch and /healthz."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import func, select, text

from murporteur.accounts.models import Organisation, OrganisationKind
from murporteur.collective import settings as collective_settings
from murporteur.core.urls import safe_next
from murporteur.extensions import db

bp = Blueprint("public", __name__)


@bp.get("/")
def landing():
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.active.is_(True))
        .order_by(Organisation.kind, Organisation.name)).all()
    landlords = [o for o in organisations if o.kind == OrganisationKind.LANDLORD]
    partners = [o for o in organisations if o.kind != OrganisationKind.LANDLORD]
    return render_template("public/landing.html", landlords=landlords, partners=partners)


@bp.get("/donnees-personnelles")
def privacy():
    return render_template("public/privacy.html",
                           consent_version=collective_settings.get("consent_version"),
                           draft_months=current_app.config["DRAFT_RETENTION_MONTHS"],
                           warning_days=current_app.config["DRAFT_WARNING_DAYS"],
                           finished_months=current_app.config["FINISHED_RETENTION_MONTHS"])


#: When the accessibility statement was last reviewed (RGAA: the statement is dated).
ACCESSIBILITY_STATEMENT_DATE = date(2026, 11, 24)


@bp.get("/accessibilite")
def accessibility():
    return render_template("public/accessibility.html",
                           statement_date=ACCESSIBILITY_STATEMENT_DATE,
                           base_url=current_app.config["BASE_URL"])


@bp.post("/langue")
def set_language():
    locale = request.form.get("locale", "")
    if locale in ("fr", "en"):
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale  # kept: the request commits at its end
    return redirect(safe_next(request.form.get("next")) or "/")


def database_state() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:
        # A probe, not a view's work: a failed statement leaves the session unusable, and
        # the page goes on to ask other things.
        db.session.rollback()
        return "down"


def broker_state() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "in-process"
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return "ok"
    except redis.RedisError:
        return "down"


def outbox_counts() -> dict[str, int]:
    from murporteur.notifications.models import OutboxMessage, OutboxState

    counts = dict(db.session.execute(select(OutboxMessage.state, func.count())
                                     .group_by(OutboxMessage.state)).tuples().all())
    return {state.value: counts.get(state, 0) for state in OutboxState}


@bp.get("/healthz")
def healthz():
    state: dict[str, object] = {"database": database_state(), "broker": broker_state()}
    if state["database"] == "ok":
        state["outbox"] = outbox_counts()
    # A broker that is down delays e-mails (they wait in the outbox) but loses nothing: the
    # application answers, degraded; without its database it cannot.
    state["status"] = "ok" if state["broker"] != "down" and state["database"] == "ok" \
        else "degraded"
    return jsonify(state), 200 if state["database"] == "ok" else 503


@bp.get("/readyz")
def readyz():
    """Readiness: may this process take traffic? 503 names the checks that failed.

    The database answers a query; the broker answers a ping (when REDIS_URL is set); the
    outbox backlog (rows queued or being sent) is at most READYZ_OUTBOX_MAX — more means
    e-mails are piling up (a stopped worker, an SMTP server refusing).
    """
    checks: dict[str, dict] = {"database": {"status": database_state()}}
    broker = broker_state()
    checks["broker"] = {"status": "ok" if broker == "in-process" else broker,
                        "mode": "in-process" if broker == "in-process" else "redis"}
    threshold = current_app.config["READYZ_OUTBOX_MAX"]
    if checks["database"]["status"] == "ok":
        counts = outbox_counts()
        backlog = counts["queued"] + counts["sending"]
        checks["outbox"] = {"status": "ok" if backlog <= threshold else "backlog",
                            "backlog": backlog, "threshold": threshold}
    else:
        checks["outbox"] = {"status": "unknown", "threshold": threshold}
    failed = [name for name, check in checks.items() if check["status"] != "ok"]
    body = {"status": "ready" if not failed else "not_ready", "failed": failed,
            "checks": checks}
    return jsonify(body), 503 if failed else 200
