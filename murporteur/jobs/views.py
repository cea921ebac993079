"""A job's page: its progress while it runs (a fragment htmx asks for every second; without
JavaScript the page refreshes itself), then its file, or its failure and a "Réessayer"."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from murporteur.core.handling import get_or_404
from murporteur.jobs import services
from murporteur.jobs.models import BackgroundJob
from murporteur.jobs.policies import may_view_job
from murporteur.jobs.registry import kind_of

bp = Blueprint("jobs", __name__, url_prefix="/taches")

#: How often an open page asks for the progress (seconds), and how often it reloads without
#: JavaScript.
POLL_SECONDS = 1
REFRESH_SECONDS = 3


def _load(job_id: int) -> BackgroundJob:
    return get_or_404(BackgroundJob, job_id, may=may_view_job)


def file_size(size: int | None) -> str:
    """``1,2 Mo``, ``340 ko``: a file's size as people read it."""
    size = size or 0
    if size >= 1024 * 1024:
        return _("%(n)s Mo", n=format_decimal(round(size / 1024 / 1024, 1)))
    return _("%(n)s ko", n=format_decimal(max(1, round(size / 1024))))


def seen(job: BackgroundJob) -> str:
    """What a page shows of ``job``, in a word: the fragment asks with it, and is answered
    "nothing new" (204, nothing swapped, nothing read out again) while it holds."""
    return f"{job.state.value}-{job.progress}-{job.step}"


def view_of(job: BackgroundJob) -> dict:
    """What the progress fragment shows of ``job`` (its page and its object's page alike)."""
    kind = kind_of(job.kind)
    failure = (job.failure or {}).get(str(get_locale() or "fr")) if job.failure else None
    return {"job": job, "kind": kind, "title": kind.title(job.parameters),
            "step": kind.step_label(job.step),
            "done_text": kind.done_text(job) if job.done else "",
            "failure": failure, "size": file_size(job.result_size),
            "poll_seconds": POLL_SECONDS, "seen": seen(job),
            "retention": timedelta(days=current_app.config["JOB_RETENTION_DAYS"])}


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<id:job_id>")
@login_required
def show_job(job_id: int):
    job = _load(job_id)
    kind = kind_of(job.kind)
    return _no_store(make_response(render_template(
        "jobs/show.html", origin=kind.origin(job.parameters), origin_label=kind.origin_label,
        refresh_seconds=REFRESH_SECONDS, v=view_of(job))))


@bp.get("/<id:job_id>/progression")
@login_required
def job_progress(job_id: int):
    """The progress alone, swapped into the open page; it stops asking once the job ends.
    Nothing new since the page's last look: 204, and htmx leaves the page as it is."""
    job = _load(job_id)
    if request.args.get("vu") == seen(job):
        return _no_store(make_response("", 204))
    return _no_store(make_response(render_template("jobs/_progress.html", v=view_of(job))))


@bp.get("/<id:job_id>/fichier")
@login_required
def download_result(job_id: int):
    job = _load(job_id)  # the domain's policy, asked again now
    if not job.done or not job.result_storage:
        abort(404)
    path = services.result_path(job.result_storage)
    if not path.is_file():
        abort(404)  # purged (JOB_RETENTION_DAYS) or lost: the page offers to prepare it again
    response = send_file(path, mimetype=job.result_mimetype or "application/octet-stream",
                         as_attachment=True, download_name=job.result_name or path.name,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<id:job_id>/reessayer")
@login_required
def retry_job(job_id: int):
    job = services.retry(_load(job_id), current_user)
    return redirect(url_for("jobs.show_job", job_id=job.id), 303)
