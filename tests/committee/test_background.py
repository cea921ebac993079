"""The committee's slow work in the background (issue 17): the minutes laid out and published
by a job, the convocations written by a job while the session is convened at once; both
followed on the session's page, neither sent twice, neither refused when the broker is away."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from murporteur.committee import jobs as committee_jobs
from murporteur.committee import services
from murporteur.committee.models import Decision
from murporteur.core import aftercommit
from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.jobs import services as jobs
from murporteur.jobs.models import BackgroundJob, JobState
from murporteur.jobs.tasks import recover_jobs, run_job
from murporteur.notifications import mailer
from murporteur.notifications.models import InAppNotification
from tests.conftest import login
from tests.factories import AnimatorFactory, MemberFactory, OrganisationFactory, submitted_dossier
from tests.helpers import outbox, text

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # 14:00 in Paris
BASE = "/instruction/comites"


@pytest.fixture
def world(app):
    animator = AnimatorFactory(full_name="Camille Dubois")
    org_a, org_b = OrganisationFactory(name="Lyon Métropole Habitat"), OrganisationFactory(
        name="Vilogia")
    session = services.create_session(animator, starts_at=START, place="Maison de l'ESS",
                                      organisations=[org_a, org_b])
    for title in ("Café solidaire", "Atelier vélo", "Repair café"):
        dossier = submitted_dossier(title=title)
        dossier.state = "retained"
        services.add_item(session, dossier, animator)
    return {"animator": animator, "session": session,
            "a": MemberFactory(organisation=org_a), "b": MemberFactory(organisation=org_b),
            "outsider": MemberFactory(organisation=OrganisationFactory(name="Non invité"))}


@pytest.fixture
def broker_down(app, monkeypatch):
    task = app.extensions["celery"].tasks[run_job.name]

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "delay", down)
    return monkeypatch


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def decided(world):
    animator, session = world["animator"], world["session"]
    services.convene(session, animator)
    for item in session.items:
        services.record_decision(item, Decision.POSTPONED, animator)
    services.publish_decisions(session, animator)
    db.session.commit()


def the_jobs(kind=None):
    db.session.expire_all()
    query = select(BackgroundJob).order_by(BackgroundJob.id)
    if kind:
        query = query.where(BackgroundJob.kind == kind)
    return list(db.session.scalars(query))


def sweep():
    """Beat's sweep, a few minutes later."""
    for job in the_jobs():
        job.heartbeat_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    return recover_jobs.delay().get()


# --- The minutes ---------------------------------------------------------------------------

def test_the_minutes_job_publishes_and_its_file_is_the_animators_alone(app, world):
    decided(world)
    session, animator = world["session"], world["animator"]
    staff = client_of(app, animator)
    response = staff.post(f"{BASE}/{session.id}/compte-rendu")
    assert response.status_code == 303
    job_url = response.headers["Location"]
    shown = text(staff.get(job_url))
    assert "Compte rendu du comité 2026-Q4" in shown and "Revenir à la séance" in shown
    pdf = staff.get(f"{job_url}/fichier")
    assert pdf.headers["Content-Disposition"] == \
        "attachment; filename=compte-rendu-comite-2026-Q4.pdf"
    words = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
                     .split())
    for expected in ("Compte rendu du comité Mur porteur", "2026-Q4", "Café solidaire",
                     "Reporté au prochain comité"):
        assert expected in words, expected
    db.session.expire_all()
    assert session.state == "minutes_published"
    assert len(outbox("committee_minutes")) == 2  # each invited member, with the PDF
    bell = db.session.scalars(select(InAppNotification).where(
        InAppNotification.user_id == animator.id,
        InAppNotification.key == "committee_minutes_ready")).all()
    assert [(b.subject, b.url) for b in bell] == [
        ("Le compte rendu du comité 2026-Q4 est prêt", job_url)]
    # Members read the published minutes in their space; the job is the animators' work:
    # neither an invited member nor another organisation's sees it.
    for member in (world["a"], world["outsider"]):
        other = client_of(app, member)
        assert other.get(job_url).status_code == 404
        assert other.get(f"{job_url}/fichier").status_code == 404
    assert client_of(app, world["a"]).get(
        f"/comite/seances/{session.id}/compte-rendu.pdf").data == pdf.data


def test_minutes_asked_twice_while_the_broker_is_away_are_one_job(app, world, broker_down):
    decided(world)
    session = world["session"]
    staff = client_of(app, world["animator"])
    first = staff.post(f"{BASE}/{session.id}/compte-rendu").headers["Location"]
    assert staff.post(f"{BASE}/{session.id}/compte-rendu").headers["Location"] == first
    assert [j.state for j in the_jobs(committee_jobs.MINUTES)] == [JobState.QUEUED]
    db.session.expire_all()
    assert session.state == "held"  # published by the job, once it runs
    page = staff.get(f"{BASE}/{session.id}")
    shown, html = text(page), page.get_data(as_text=True)
    assert "Compte rendu du comité 2026-Q4 En attente d'un moment libre" in shown
    assert "<progress" in html and "Publier le compte rendu" not in shown
    broker_down.undo()
    assert sweep() == 2  # the minutes, and the convocations that waited too
    db.session.expire_all()
    assert session.state == "minutes_published"
    assert "Télécharger le compte rendu (PDF)" in text(staff.get(f"{BASE}/{session.id}"))


def test_a_failed_layout_shows_on_the_session_page_with_a_retry(app, world, monkeypatch):
    decided(world)
    session = world["session"]
    staff = client_of(app, world["animator"])

    def broken(html):
        raise ValueError("unsupported font")

    monkeypatch.setattr(committee_jobs, "html_to_pdf", broken)
    job_url = staff.post(f"{BASE}/{session.id}/compte-rendu").headers["Location"]
    shown = text(staff.get(f"{BASE}/{session.id}"))
    assert "La préparation n'a pas abouti." in shown and "Réessayer" in shown
    assert "Publier le compte rendu" in shown  # nothing was published: it may be asked again
    db.session.expire_all()
    assert session.state == "held" and outbox("committee_minutes") == []
    monkeypatch.undo()
    assert staff.post(f"{job_url}/reessayer").headers["Location"] == job_url
    db.session.expire_all()
    assert session.state == "minutes_published"


# --- The convocations ----------------------------------------------------------------------

def test_convening_while_the_broker_is_away_convenes_and_the_sweep_writes_the_convocations(
        app, world, broker_down):
    session = world["session"]
    staff = client_of(app, world["animator"])
    assert staff.post(f"{BASE}/{session.id}/convoquer").status_code == 302
    db.session.expire_all()
    assert session.state == "convened"  # at once, through the lifecycle
    assert outbox("committee_invitation") == []
    page = staff.get(f"{BASE}/{session.id}")
    shown = text(page)
    assert "Séance convoquée." in shown and "Convocations du comité 2026-Q4" in shown
    assert '<progress max="100" value="0"' in page.get_data(as_text=True)
    broker_down.undo()
    assert sweep() == 1
    assert len(outbox("committee_invitation")) == 2
    assert len(outbox("committee_holder_slot")) == 3
    assert "Convocations écrites pour 2 membres et 3 porteurs" in text(
        staff.get(f"{BASE}/{session.id}"))


def test_running_the_convocations_twice_sends_nothing_twice(app, world, monkeypatch):
    sent = []
    monkeypatch.setattr(mailer, "send", lambda message: sent.append(message["To"]) or "smtp")
    aftercommit.commit()  # the world's own mails (new dossiers for the team) leave first
    sent.clear()
    services.convene(world["session"], world["animator"])
    aftercommit.commit()
    job, = the_jobs()
    assert job.state == JobState.DONE and job.summary == {"members": 2, "holders": 3}
    assert len(sent) == 5
    # Delivered again by the broker: a done job is not run.
    assert run_job.delay(job.id).get() is None
    # Even made to run again (a worker died after writing, before saying so): no new mail.
    job.state, job.attempts = JobState.QUEUED, 0
    db.session.commit()
    assert run_job.delay(job.id).get() == "done"
    assert len(sent) == 5 and sorted(sent) == sorted(set(sent))
    assert len(outbox("committee_invitation") + outbox("committee_holder_slot")) == 5


def test_the_convocations_report_their_progress_member_after_member(app, world, monkeypatch):
    from murporteur.committee import notifications

    for _ in range(3):
        MemberFactory(organisation=world["a"].organisation)
    monkeypatch.setattr(notifications, "CONVOCATION_BATCH", 2)
    seen = []
    real = jobs._write

    def watched(job_id, token, states, **values):
        if "step" in values and values.get("state") is None:
            seen.append((values["progress"], values["step"]))
        return real(job_id, token, states, **values)

    monkeypatch.setattr(jobs, "_write", watched)
    services.convene(world["session"], world["animator"])
    aftercommit.commit()
    # 5 members and 3 items, two by two: each report a step further, members first.
    assert seen == [(27, "members"), (50, "members"), (61, "members"), (83, "holders"),
                    (95, "holders")]
    job, = the_jobs()
    assert (job.state, job.progress) == (JobState.DONE, 100)
