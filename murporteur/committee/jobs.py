"""The committee's slow work, done in the background (issue 17): laying out and publishing the
minutes, and writing every convocation of a session. The animators follow each on its page;
the session's page shows them too."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from murporteur.accounts.models import User
from murporteur.committee import minutes
from murporteur.committee.models import CommitteeSession
from murporteur.committee.notifications import job_subject, send_convocations
from murporteur.committee.policies import may_run_committee
from murporteur.core.errors import DomainError
from murporteur.core.pdf import html_to_pdf
from murporteur.extensions import db
from murporteur.jobs import services as jobs
from murporteur.jobs.models import BackgroundJob
from murporteur.jobs.registry import JobKind, Progress, Result, register

MINUTES, CONVOCATIONS = "committee_minutes", "committee_convocations"


def _session(parameters: dict) -> CommitteeSession:
    session = db.session.get(CommitteeSession, parameters["session_id"])
    if session is None:
        raise DomainError(_l("Cette séance n'existe plus."))
    return session


def _origin(parameters: dict) -> str:
    return url_for("committee.show_session", session_id=parameters["session_id"])


def _may_view(user: User, _parameters: dict) -> bool:
    return may_run_committee(user)


# --- The minutes ---------------------------------------------------------------------------

def publish_minutes_in_background(session: CommitteeSession, actor: User,
                                  locale: str | None = None) -> BackgroundJob:
    """Check now that the minutes may be published (the refusal comes back at once), then
    leave the layout and the publication to a job; asked again, the same job."""
    minutes.check_publishable(session, actor)
    return jobs.start(MINUTES, actor, {"session_id": session.id, "quarter": session.quarter},
                      subject=job_subject(session), dedupe_key=f"minutes:{session.id}",
                      locale=locale)


def _publish(job: BackgroundJob, progress: Progress) -> Result:
    session = _session(job.parameters)
    if session.minutes_storage_name is None:  # published by an earlier run: only the file
        actor = job.requested_by
        if actor is None:
            raise DomainError(_l("La personne qui a demandé ce compte rendu n'a plus de "
                                 "compte."))
        minutes.check_publishable(session, actor)
        html = minutes.minutes_html(session)
        progress(20, "rendering")
        pdf = html_to_pdf(html)  # the long part, outside any transaction
        progress(85, "publishing")
        minutes.publish_minutes(session, actor, pdf=pdf)
    else:
        pdf = minutes.minutes_path(session).read_bytes()
    return Result(filename=minutes.download_name(session), content=pdf)


register(JobKind(
    name=MINUTES, run=_publish, may_view=_may_view,
    title=lambda p: _("Compte rendu du comité %(quarter)s", quarter=p["quarter"]),
    origin=_origin, origin_label=_l("Revenir à la séance"),
    done_text=lambda job: _("Compte rendu publié et envoyé aux membres ; chaque porteur "
                            "reçoit la décision qui le concerne."),
    notification="committee_minutes_ready",
    notification_context=lambda p: {"quarter": p["quarter"]},
    steps={"publishing": _l("Publication et envoi aux membres")}))


# --- The convocations ----------------------------------------------------------------------

def _convene(job: BackgroundJob, progress: Progress) -> Result:
    parameters = job.parameters
    counts = send_convocations(_session(parameters), parameters["sequence"],
                               f"convene-{parameters['event_id']}", progress)
    return Result(summary=counts)


def _convocations_done(job: BackgroundJob) -> str:
    counts = job.summary or {}
    return " ".join((
        ngettext("Convocation écrite pour %(num)s membre", "Convocations écrites pour "
                 "%(num)s membres", counts.get("members", 0)),
        ngettext("et %(num)s porteur ; elles partent par e-mail, avec leur invitation pour "
                 "l'agenda.", "et %(num)s porteurs ; elles partent par e-mail, avec leur "
                 "invitation pour l'agenda.", counts.get("holders", 0))))


register(JobKind(
    name=CONVOCATIONS, run=_convene, may_view=_may_view,
    title=lambda p: _("Convocations du comité %(quarter)s", quarter=p["quarter"]),
    origin=_origin, origin_label=_l("Revenir à la séance"),
    done_text=_convocations_done,
    notification="committee_convocations_sent",
    notification_context=lambda p: {"quarter": p["quarter"]},
    steps={"members": _l("Convocations des membres"),
           "holders": _l("Créneaux des porteurs")}))


def jobs_of(session: CommitteeSession) -> BackgroundJob | None:
    """The session's latest background job, for its page."""
    return jobs.latest_about(job_subject(session), (MINUTES, CONVOCATIONS))
