"""The minutes of a session: an HTML page rendered to PDF by WeasyPrint, kept with uploads.

Laying out the PDF takes seconds: the animators' "Publier le compte rendu" asks for it as a
background job (``committee/jobs.py``), whose run renders and publishes it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import abort, current_app, render_template, send_file
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from murporteur.accounts.models import User
from murporteur.committee.models import CommitteeSession
from murporteur.committee.services import attendance_of, grid, invited_members
from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.core.lifecycle import apply_transition, ensure_transition
from murporteur.core.pdf import html_to_pdf
from murporteur.extensions import db


def minutes_context(session: CommitteeSession) -> dict:
    attendance = attendance_of(session)
    members = invited_members(session)
    items = []
    for item in session.items:
        rows, total, missing = grid(item)
        items.append({"item": item, "slot": session.slot_of(item), "rows": rows,
                      "total": total, "missing": missing})
    return {"session": session, "items": items, "members": members, "attendance": attendance}


def minutes_html(session: CommitteeSession, locale: str = "fr") -> str:
    """The minutes as the HTML the PDF is laid out from (reads the database; quick)."""
    with force_locale(locale):
        return render_template("committee/minutes_pdf.html", **minutes_context(session))


def minutes_pdf(session: CommitteeSession, locale: str = "fr") -> bytes:
    return html_to_pdf(minutes_html(session, locale))


def download_name(session: CommitteeSession) -> str:
    return f"compte-rendu-comite-{session.quarter}.pdf"


def minutes_path(session: CommitteeSession) -> Path:
    """Where the published minutes of ``session`` are kept (once it has some)."""
    if session.minutes_storage_name is None:
        raise ValueError(f"session {session.id} has no published minutes")
    return Path(current_app.config["UPLOAD_DIR"]) / "minutes" / session.minutes_storage_name


def check_publishable(session: CommitteeSession, actor: User) -> None:
    """Refuse (``DomainError``) minutes that cannot be published now, or by ``actor``."""
    if any(item.decision_published_at is None for item in session.items):
        raise DomainError(_l("Publiez d'abord les décisions de tous les points de l'ordre du "
                             "jour."))
    ensure_transition(session, "publish_minutes", actor)


def publish_minutes(session: CommitteeSession, actor: User, pdf: bytes | None = None) -> None:
    """Write the minutes PDF (``pdf``, laid out beforehand, or now) and publish them: the
    session is then closed for good."""
    check_publishable(session, actor)
    if pdf is None:
        pdf = minutes_pdf(session)
    session.minutes_storage_name = f"{secrets.token_hex(16)}.pdf"
    target = minutes_path(session)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    session.minutes_published_at = utcnow()
    apply_transition(session, "publish_minutes", actor)


def send_minutes(session: CommitteeSession):
    """The published minutes as a download (callers check who may read them)."""
    if session.minutes_storage_name is None:
        abort(404)
    response = send_file(minutes_path(session), mimetype="application/pdf", as_attachment=True,
                         download_name=download_name(session), max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def minutes_attachment(session_id: int) -> tuple[str, str, bytes] | None:
    """The outbox attachment ``minutes_pdf``: the published file, read when the mail leaves."""
    session = db.session.get(CommitteeSession, session_id)
    if session is None or session.minutes_storage_name is None:
        return None
    return (download_name(session), "application/pdf", minutes_path(session).read_bytes())
