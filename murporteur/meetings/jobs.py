"""The flash meetings' tables sheets (PDF, one page per table), laid out in the background
(issue 17): for a large event, seconds of WeasyPrint nobody should wait for in a request."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from murporteur.accounts.models import User
from murporteur.core.errors import DomainError
from murporteur.core.pdf import html_to_pdf
from murporteur.extensions import db
from murporteur.jobs import services as jobs
from murporteur.jobs.models import BackgroundJob
from murporteur.jobs.registry import JobKind, Progress, Result, register
from murporteur.meetings import services
from murporteur.meetings.models import FlashEvent
from murporteur.meetings.policies import may_run_events

TABLE_SHEETS = "flash_tables"


def prepare_table_sheets(event: FlashEvent, actor: User, locale: str) -> BackgroundJob:
    return jobs.start(TABLE_SHEETS, actor, {"event_id": event.id, "title": event.title},
                      subject=f"flash_event:{event.id}", dedupe_key=f"{event.id}:{locale}",
                      locale=locale)


def _lay_out(job: BackgroundJob, progress: Progress) -> Result:
    event = db.session.get(FlashEvent, job.parameters["event_id"])
    if event is None:
        raise DomainError(_l("Cette rencontre n'existe plus."))
    html = render_template("meetings/tables_pdf.html", event=event, grid=services.grid(event),
                           slot_label=services.slot_label)
    progress(25, "rendering")
    return Result(filename=f"rencontres-flash-{event.id}-tables.pdf", content=html_to_pdf(html))


register(JobKind(
    name=TABLE_SHEETS, run=_lay_out,
    may_view=lambda user, _parameters: may_run_events(user),
    title=lambda p: _("Feuilles des tables — %(event)s", event=p["title"]),
    origin=lambda p: url_for("meetings.show_event", event_id=p["event_id"]),
    origin_label=_l("Revenir à la rencontre"),
    done_text=lambda job: _("Les feuilles des tables sont prêtes : une page par table, à "
                            "imprimer."),
    notification="flash_tables_ready",
    notification_context=lambda p: {"event": p["title"]}))
