"""Background jobs as people meet them: asked with a button, followed on a page, downloaded
when ready; a broker away, a fault, a second click or a dead worker change none of that.

The yearly report of an empty year serves as the job (a real kind: figures, then WeasyPrint).
"""

import io
import os
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.jobs import services
from murporteur.jobs.models import BackgroundJob, JobState
from murporteur.jobs.tasks import purge_jobs, recover_jobs, run_job
from murporteur.notifications.models import InAppNotification
from murporteur.reporting import jobs as reporting_jobs
from tests.conftest import login
from tests.factories import PASSWORD, AnimatorFactory, HolderFactory, MemberFactory
from tests.helpers import text

YEAR = 2024


@pytest.fixture
def broker_down(app, monkeypatch):
    """Redis does not answer: handing a job over raises, as the real client does."""
    task = app.extensions["celery"].tasks[run_job.name]

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "delay", down)
    return monkeypatch


def ask(client, year: int = YEAR) -> str:
    response = client.post(f"/rapports/rapport-{year}")
    assert response.status_code == 303
    return response.headers["Location"]


def job_of(url: str) -> BackgroundJob:
    db.session.expire_all()
    return db.session.get_one(BackgroundJob, int(url.rsplit("/", 1)[1]))


def pdf_text(data: bytes) -> str:
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


# --- The journey ----------------------------------------------------------------------------

def test_a_job_runs_its_file_downloads_and_the_bell_rings(animator_client, animator):
    url = ask(animator_client)
    job = job_of(url)
    assert (job.kind, job.state, job.progress, job.requested_by_id) == (
        "yearly_report", JobState.DONE, 100, animator.id)
    page = animator_client.get(url)
    assert page.headers["Cache-Control"] == "no-store"
    shown = text(page)
    assert "Le rapport annuel 2024 est prêt." in shown
    assert "Télécharger « rapport-mur-porteur-2024.pdf » PDF," in shown
    assert "/progression" not in page.get_data(as_text=True)  # finished: nothing asks more
    assert 'http-equiv="refresh"' not in page.get_data(as_text=True)
    pdf = animator_client.get(f"{url}/fichier")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert "Rapport d'impact 2024" in pdf_text(pdf.data)
    # The file is kept on the shared volume, under UPLOAD_DIR/jobs/.
    assert services.result_path(job.result_storage).read_bytes() == pdf.data
    bell = db.session.scalars(select(InAppNotification).where(
        InAppNotification.user_id == animator.id)).all()
    assert [(b.subject, b.url) for b in bell] == [("Le rapport annuel 2024 est prêt", url)]
    assert bell[0].subjects["en"] == "The 2024 yearly report is ready"


def test_only_those_the_domain_lets_see_the_work_see_the_job(app, animator_client):
    url = ask(animator_client)
    # Another animator may (the report is every animator's to read)…
    colleague = app.test_client()
    login(colleague, AnimatorFactory())
    assert colleague.get(f"{url}/fichier").status_code == 200
    # …a member, a holder, nobody else; anonymous visitors are asked to log in.
    for user in (MemberFactory(), HolderFactory(password_hash=AnimatorFactory().password_hash)):
        other = app.test_client()
        login(other, user, PASSWORD)
        for path in ("", "/progression", "/fichier"):
            assert other.get(url + path).status_code == 404, (user.role, path)
        assert other.post(f"{url}/reessayer").status_code == 404
    anonymous = app.test_client().get(f"{url}/fichier")
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]


def test_the_job_page_speaks_english(animator_client):
    animator_client.post("/langue", data={"locale": "en", "next": "/rapports/"})
    shown = text(animator_client.get(ask(animator_client)))
    assert "Yearly report 2024" in shown and "The 2024 yearly report is ready." in shown
    assert "Download “rapport-mur-porteur-2024.pdf”" in shown
    assert "Back to the reports" in shown and "Le rapport" not in shown


# --- A broker away --------------------------------------------------------------------------

def test_a_broker_down_refuses_nothing_and_the_sweep_hands_the_job_over(
        animator_client, broker_down):
    url = ask(animator_client)
    job = job_of(url)
    assert job.state == JobState.QUEUED
    page = animator_client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<progress max="100" value="0"' in html
    assert f'hx-get="{url}/progression?vu=queued-0-queued"' in html
    assert 'hx-trigger="every 1s"' in html
    # Without JavaScript the page reloads itself, and says how to do it by hand.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "En attente d'un moment libre" in text(page) and "Rafraîchir" in text(page)
    # Asked again while it waits: the same job, not a second one.
    assert ask(animator_client) == url
    assert db.session.scalar(select(db.func.count(BackgroundJob.id))) == 1
    # The broker is back; a minute later beat's sweep hands the job over, and it runs.
    broker_down.undo()
    assert recover_jobs.delay().get() == 0  # too fresh: its own hand-over may still come
    job.heartbeat_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    assert recover_jobs.delay().get() == 1
    assert job_of(url).state == JobState.DONE
    assert recover_jobs.delay().get() == 0


def test_the_fragment_tells_the_progress_then_the_file(animator_client, broker_down):
    url = ask(animator_client)
    job = job_of(url)
    job.state, job.progress, job.step, job.attempts = JobState.RUNNING, 25, "rendering", 1
    db.session.commit()
    fragment = animator_client.get(f"{url}/progression")
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and fragment.headers["Cache-Control"] == "no-store"
    assert "<html" not in html and 'hx-swap="outerHTML"' in html
    assert '<progress max="100" value="25"' in html and "Mise en page du PDF" in html
    # Asked again with what it shows: nothing new, nothing to swap (nor to read out again).
    again = animator_client.get(f"{url}/progression?vu=running-25-rendering")
    assert again.status_code == 204 and again.data == b""
    job.state, job.attempts = JobState.QUEUED, 0
    db.session.commit()
    assert services.run(job.id) == JobState.DONE
    html = animator_client.get(f"{url}/progression").get_data(as_text=True)
    assert "hx-get" not in html and f'href="{url}/fichier"' in html


# --- Idempotency, faults, retries -----------------------------------------------------------

def test_a_job_already_done_is_not_run_again(animator_client, monkeypatch):
    job = job_of(ask(animator_client))
    laid_out = []
    monkeypatch.setattr(reporting_jobs, "html_to_pdf", lambda html: laid_out.append(1))
    assert run_job.delay(job.id).get() is None  # delivered twice by the broker: nothing
    assert services.run(job.id) is None
    assert laid_out == [] and job_of(f"/taches/{job.id}").attempts == 1


def test_a_fault_shows_a_clear_message_and_a_retry_that_works(animator_client, monkeypatch):
    def broken(html):
        raise RuntimeError("cairo: out of memory")

    monkeypatch.setattr(reporting_jobs, "html_to_pdf", broken)
    url = ask(animator_client)
    job = job_of(url)
    assert job.state == JobState.FAILED and "RuntimeError: cairo" in job.error
    shown = text(animator_client.get(url))
    assert "La préparation n'a pas abouti." in shown and "Réessayer" in shown
    assert "cairo" not in shown  # the technical detail is for the logs
    assert animator_client.get(f"{url}/fichier").status_code == 404
    monkeypatch.undo()
    retried = animator_client.post(f"{url}/reessayer")
    assert retried.status_code == 303 and retried.headers["Location"] == url
    assert job_of(url).state == JobState.DONE
    assert "Le rapport annuel 2024 est prêt." in text(animator_client.get(url))


def test_a_refusal_of_the_rules_is_told_in_the_readers_language(app, animator_client):
    from murporteur.committee.jobs import MINUTES

    job = services.start(MINUTES, AnimatorFactory(), {"session_id": 999999, "quarter": "2026-Q4"},
                         dedupe_key="minutes:999999")
    db.session.commit()
    assert services.run(job.id) == JobState.FAILED
    assert job_of(f"/taches/{job.id}").failure == {
        "fr": "Cette séance n'existe plus.", "en": "This session no longer exists."}
    assert "Cette séance n'existe plus." in text(animator_client.get(f"/taches/{job.id}"))


def test_a_passing_fault_is_tried_again(animator_client, monkeypatch):
    calls = []
    real = reporting_jobs.html_to_pdf

    def flaky(html):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("NFS server not responding")
        return real(html)

    monkeypatch.setattr(reporting_jobs, "html_to_pdf", flaky)
    job = job_of(ask(animator_client))
    assert (job.state, job.attempts, len(calls)) == (JobState.DONE, 2, 2)


def test_a_fault_that_keeps_passing_fails_after_three_attempts(animator_client, monkeypatch):
    def away(html):
        raise OSError("NFS server not responding")

    monkeypatch.setattr(reporting_jobs, "html_to_pdf", away)
    job = job_of(ask(animator_client))
    assert (job.state, job.attempts) == (JobState.FAILED, services.MAX_ATTEMPTS)
    assert "Réessayer" in text(animator_client.get(f"/taches/{job.id}"))


# --- Beat: a dead worker, old files -------------------------------------------------------

def test_a_job_whose_worker_died_is_taken_back_then_failed_after_three_runs(app, animator):
    now = utcnow()
    silent = now - timedelta(seconds=app.config["JOB_STUCK_SECONDS"] + 1)
    dead = services.start("yearly_report", animator, {"year": YEAR}, dedupe_key="a")
    dead_again = services.start("yearly_report", animator, {"year": YEAR}, dedupe_key="b")
    busy = services.start("yearly_report", animator, {"year": YEAR}, dedupe_key="c")
    for job, attempts, beat in ((dead, 1, silent), (dead_again, 3, silent), (busy, 1, now)):
        job.state, job.attempts, job.heartbeat_at = JobState.RUNNING, attempts, beat
    db.session.flush()
    assert services.recover(now) == [dead.id]
    assert (dead.state, busy.state) == (JobState.QUEUED, JobState.RUNNING)
    db.session.expire_all()
    assert dead_again.state == JobState.FAILED and "silent" in dead_again.error


def test_a_slow_run_never_overwrites_the_run_that_took_its_job_over(animator, monkeypatch):
    job = services.start("yearly_report", animator, {"year": YEAR}, dedupe_key="slow")
    db.session.commit()

    def slow(html):
        # Beat gives up on this run meanwhile, and another run finishes the job.
        later = utcnow() + timedelta(hours=1)
        assert services.recover(later) == [job.id]
        db.session.commit()
        monkeypatch.setattr(reporting_jobs, "html_to_pdf", lambda html: b"%PDF-1.7 other")
        assert services.run(job.id) == JobState.DONE
        return b"%PDF-1.7 late"

    monkeypatch.setattr(reporting_jobs, "html_to_pdf", slow)
    assert services.run(job.id) is None
    done = job_of(f"/taches/{job.id}")
    assert (done.state, done.attempts) == (JobState.DONE, 2)
    assert services.result_path(done.result_storage).read_bytes() == b"%PDF-1.7 other"


def test_old_jobs_and_their_files_are_purged(app, animator_client):
    kept, old = job_of(ask(animator_client)), job_of(ask(animator_client, 2023))
    old.finished_at = utcnow() - timedelta(days=app.config["JOB_RETENTION_DAYS"], hours=1)
    old_file, old_id, kept_id = services.result_path(old.result_storage), old.id, kept.id
    kept_file = services.result_path(kept.result_storage)
    # A file a run wrote before its commit failed: nobody's, and old.
    stray = services.result_path("999999-stray.pdf")
    stray.write_bytes(b"%PDF")
    long_ago = (utcnow() - timedelta(days=30)).timestamp()
    os.utime(stray, (long_ago, long_ago))
    db.session.commit()
    assert purge_jobs.delay().get() == 1
    assert not old_file.exists() and not stray.exists()
    assert kept_file.exists()
    assert animator_client.get(f"/taches/{old_id}").status_code == 404
    assert re.search(r"Fichier gardé jusqu'au \d+ \w+ \d{4}", text(
        animator_client.get(f"/taches/{kept_id}")))
