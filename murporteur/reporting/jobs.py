"""The yearly report (PDF), laid out in the background (issue 17): seconds of WeasyPrint for
a year's figures, charts and every supported project."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from murporteur.accounts.models import User
from murporteur.core.pdf import html_to_pdf
from murporteur.jobs import services as jobs
from murporteur.jobs.models import BackgroundJob
from murporteur.jobs.registry import JobKind, Progress, Result, register
from murporteur.reporting import exports, services
from murporteur.reporting.policies import may_view_all_figures
from murporteur.reporting.presentation import presentation
from murporteur.reporting.services import Period

YEARLY_REPORT = "yearly_report"


def prepare_yearly_report(year: int, actor: User, locale: str) -> BackgroundJob:
    """The job laying out the report of ``year`` in ``locale`` (the one already running for
    it, if any). Who asked is kept in the journal."""
    exports.record_yearly_report(actor, year)
    return jobs.start(YEARLY_REPORT, actor, {"year": year}, subject=f"yearly_report:{year}",
                      dedupe_key=f"{year}:{locale}", locale=locale)


def _lay_out(job: BackgroundJob, progress: Progress) -> Result:
    year = job.parameters["year"]
    period = Period.of_year(year)
    figures = services.figures(period)
    html = render_template("reporting/yearly_pdf.html", figures=figures, period=period,
                           supported=services.supported_projects(period),
                           **presentation(figures))
    progress(25, "rendering")
    return Result(filename=f"rapport-mur-porteur-{year}.pdf", content=html_to_pdf(html))


register(JobKind(
    name=YEARLY_REPORT, run=_lay_out,
    may_view=lambda user, _parameters: may_view_all_figures(user),
    title=lambda p: _("Rapport annuel %(year)s", year=p["year"]),
    origin=lambda p: url_for("reporting.dashboard", year=p["year"]),
    origin_label=_l("Revenir aux rapports"),
    done_text=lambda job: _("Le rapport annuel %(year)s est prêt.", year=job.parameters["year"]),
    notification="yearly_report_ready",
    notification_context=lambda p: {"year": p["year"]}))
