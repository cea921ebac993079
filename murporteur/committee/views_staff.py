"""The animators' side of the committee: sessions, agenda, lifecycle, attendance (the live
grid and the decisions, on the same blueprint, are in ``views_grid``).

Each action is a small form posting to its own route: load → call a service → flash and
redirect (the request commits at its end); a refused form is shown again (422, by
``on_refusal``) with the message where it belongs.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from murporteur.accounts.models import Role
from murporteur.collective import settings as collective_settings
from murporteur.committee import jobs as committee_jobs
from murporteur.committee import minutes, services
from murporteur.committee.forms_staff import (
    ATTENDANCE_LABELS,
    UNKNOWN_CHOICE,
    AddItemForm,
    AttendanceForm,
    SessionForm,
)
from murporteur.committee.models import AgendaItem, CommitteeSession
from murporteur.committee.policies import may_run_committee
from murporteur.committee.workflow import OPEN_STATES, SESSION_STATES, SESSION_TRANSITIONS
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.core.timeutil import paris_today, to_paris
from murporteur.extensions import db
from murporteur.jobs.views import view_of
from murporteur.submissions.models import Dossier

bp = Blueprint("committee", __name__, url_prefix="/instruction/comites")
animators_only = roles_required(Role.ANIMATOR)

#: The lifecycle buttons of the session page and where they post (the minutes are published
#: from their own page).
LIFECYCLE_STEPS = {"convene": "committee.convene", "hold": "committee.hold",
                   "publish_minutes": "committee.publish_minutes"}


def _load(session_id: int) -> CommitteeSession:
    return get_or_404(CommitteeSession, session_id, may=may_run_committee)


def _load_item(session: CommitteeSession, item_id: int) -> AgendaItem:
    item = get_or_404(AgendaItem, item_id, may=may_run_committee)
    if item.session_id != session.id:
        abort(404)
    return item


# --- Sessions ------------------------------------------------------------------------------

@bp.get("/")
@animators_only
def list_sessions():
    sessions = services.sessions_for(current_user)  # latest first
    today = paris_today()
    upcoming = sorted((s for s in sessions if to_paris(s.starts_at).date() >= today),
                      key=lambda s: s.starts_at)
    past = [s for s in sessions if to_paris(s.starts_at).date() < today]
    return render_template("committee/staff_list.html", upcoming=upcoming, past=past,
                           states=SESSION_STATES)


@bp.route("/nouvelle", methods=["GET", "POST"])
@animators_only
def new_session():
    return _session_form(None)


@bp.route("/<id:session_id>/modifier", methods=["GET", "POST"])
@animators_only
def edit_session(session_id: int):
    return _session_form(_load(session_id))


def _session_form(session: CommitteeSession | None):
    invitable = services.committee_organisations()
    if session is None:
        form = SessionForm(organisations=[o.id for o in invitable],
                           place=collective_settings.get("committee_place"),
                           slot_minutes=collective_settings.get("committee_slot_minutes"))
    else:
        invitable += [o for o in session.organisations if o not in invitable]
        starts = to_paris(session.starts_at)
        form = SessionForm(data={
            "day": starts.date(), "hour": starts.time(), "quarter": session.quarter,
            "place": session.place, "video_link": session.video_link,
            "slot_minutes": session.slot_minutes,
            "organisations": [o.id for o in session.organisations],
            "positions_open_early": session.positions_open_early})
    form.organisations.choices = [(o.id, o.name) for o in invitable]

    def page():
        return render_template("committee/staff_form.html", form=form, session=session)

    if not form.validate_on_submit():
        return page(), 422 if request.method == "POST" else 200
    by_id = {o.id: o for o in invitable}
    fields: dict[str, Any] = {"starts_at": form.starts_at(), "place": form.place.data or "",
              "video_link": form.video_link.data or "",
              "slot_minutes": form.slot_minutes.data,
              "organisations": [by_id[i] for i in form.organisations.data or []]}
    quarter = form.quarter.data or None
    on_refusal(form, "place", lambda _exc: page())
    if session is None:
        saved = services.create_session(
            current_user, quarter=quarter, positions_open_early=form.positions_open_early.data,
            **fields)
    else:
        saved = session
        services.update_session(
            session, current_user, positions_open_early=form.positions_open_early.data,
            quarter=quarter or services.quarter_of(fields["starts_at"]), **fields)
    flash(_("Séance du %(quarter)s enregistrée.", quarter=saved.quarter) if session
          else _("Séance du %(quarter)s créée : ajoutez maintenant les dossiers à "
                 "l'ordre du jour.", quarter=saved.quarter), "success")
    return redirect(url_for("committee.show_session", session_id=saved.id))


def _render_session(session: CommitteeSession, status: int = 200, **forms):
    add_form = forms.get("add_form") or AddItemForm(formdata=None)
    add_form.dossier.choices = _retained_choices()
    members = services.invited_members(session)
    attendance_form = forms.get("attendance_form") or AttendanceForm.for_members(
        members, services.attendance_of(session), formdata=None)
    steps = [(SESSION_TRANSITIONS[name], endpoint) for name, endpoint in LIFECYCLE_STEPS.items()
             if session.state in SESSION_TRANSITIONS[name].sources]
    # Offer only what can succeed now, and say why the rest waits.
    waiting = []
    pending = any(i.decision and not i.decision_published_at for i in session.items)
    if any(t.name == "publish_minutes" for t, _e in steps) \
            and any(i.decision_published_at is None for i in session.items):
        steps = [(t, e) for t, e in steps if t.name != "publish_minutes"]
        waiting.append(_("Le compte rendu se publie une fois les décisions de tous les points "
                         "de l'ordre du jour publiées."))
    if any(t.name == "hold" for t, _e in steps) and (reason := services.too_early_to_hold(
            session)):
        steps = [(t, e) for t, e in steps if t.name != "hold"]
        waiting.append(reason)
    # The minutes being laid out or the convocations being written: their progress, here.
    job = committee_jobs.jobs_of(session)
    if job is not None and job.active and job.kind == committee_jobs.MINUTES:
        steps = [(t, e) for t, e in steps if t.name != "publish_minutes"]
    shown_job = job if job is not None and (
        job.active or job.failed or job.kind == committee_jobs.CONVOCATIONS) else None
    return render_template(
        "committee/staff_show.html", session=session, state=SESSION_STATES[session.state],
        states=SESSION_STATES, transitions=SESSION_TRANSITIONS, steps=steps,
        page_errors=forms.get("page_errors", []), add_form=add_form, waiting=waiting,
        pending=pending and services.decisions_open(session),
        attendance_form=attendance_form, members=members,
        job=view_of(shown_job) if shown_job else None,
        agenda_editable=services.agenda_editable(session), attendance_labels=ATTENDANCE_LABELS,
        editable=session.state in OPEN_STATES), status


def _retained_choices():
    return [("", _("— Choisissez —"))] + [
        (str(d.id), f"{d.number} — {d.title} ({d.structure_name})")
        for d in services.retained_dossiers()]


def _back(session: CommitteeSession, anchor: str = "", endpoint: str = "committee.show_session"):
    return redirect(url_for(endpoint, session_id=session.id) + anchor)


def _done(session: CommitteeSession, message: str, anchor: str = "",
          endpoint: str = "committee.show_session"):
    flash(message, "success")
    return _back(session, anchor, endpoint)


def _refusal_on_session_page(session: CommitteeSession) -> None:
    """A refused step of the session page: the page again, the message at its top."""
    on_refusal(None, None, lambda exc: _render_session(session, page_errors=[exc.message]))


@bp.get("/<id:session_id>")
@animators_only
def show_session(session_id: int):
    return _render_session(_load(session_id))


# --- Agenda --------------------------------------------------------------------------------

@bp.post("/<id:session_id>/ajouter")
@animators_only
def add_item(session_id: int):
    session = _load(session_id)
    form = AddItemForm()
    form.dossier.choices = _retained_choices()
    if not form.validate_on_submit():
        return _render_session(session, 422, add_form=form)
    dossier = db.session.get(Dossier, params.identifier(form.dossier.data))
    if dossier is None or dossier.is_draft:
        form.dossier.errors = [UNKNOWN_CHOICE]
        return _render_session(session, 422, add_form=form)
    on_refusal(form, "dossier", lambda _exc: _render_session(session, add_form=form))
    services.add_item(session, dossier, current_user)
    return _done(session, _("Dossier %(number)s inscrit à l'ordre du jour.",
                            number=dossier.number), "#agenda")


@bp.post("/<id:session_id>/ordre/<id:item_id>/<direction>")
@animators_only
def move_item(session_id: int, item_id: int, direction: str):
    session = _load(session_id)
    item = _load_item(session, item_id)
    offsets = {"up": -1, "down": 1}
    if direction not in offsets:
        abort(404)
    _refusal_on_session_page(session)
    services.move_item(item, offsets[direction], current_user)
    return _done(session, _("Ordre du jour modifié."), "#agenda")


@bp.post("/<id:session_id>/retirer/<id:item_id>")
@animators_only
def remove_item(session_id: int, item_id: int):
    session = _load(session_id)
    item = _load_item(session, item_id)
    number = item.dossier.number
    _refusal_on_session_page(session)
    services.remove_item(item, current_user)
    return _done(session, _("Dossier %(number)s retiré de l'ordre du jour ; il reste retenu "
                            "pour un prochain comité.", number=number), "#agenda")


# --- Lifecycle -----------------------------------------------------------------------------

@bp.post("/<id:session_id>/convoquer")
@animators_only
def convene(session_id: int):
    session = _load(session_id)
    _refusal_on_session_page(session)
    services.convene(session, current_user)
    return _done(session, _("Séance convoquée. Les convocations s'écrivent et partent : "
                            "leur progression s'affiche ci-dessous."), "#session-jobs")


@bp.post("/<id:session_id>/tenir")
@animators_only
def hold(session_id: int):
    session = _load(session_id)
    _refusal_on_session_page(session)
    services.hold(session, current_user)
    return _done(session, _("La séance est marquée comme tenue."))


@bp.post("/<id:session_id>/compte-rendu")
@animators_only
def publish_minutes(session_id: int):
    """The minutes are laid out and published in the background: their job's page follows."""
    session = _load(session_id)
    _refusal_on_session_page(session)
    job = committee_jobs.publish_minutes_in_background(session, current_user,
                                                       str(get_locale() or "fr"))
    return redirect(url_for("jobs.show_job", job_id=job.id), 303)


@bp.get("/<id:session_id>/compte-rendu.pdf")
@animators_only
def download_minutes(session_id: int):
    return minutes.send_minutes(_load(session_id))


# --- Attendance ----------------------------------------------------------------------------

@bp.post("/<id:session_id>/presences")
@animators_only
def set_attendance(session_id: int):
    session = _load(session_id)
    members = services.invited_members(session)
    form = AttendanceForm.for_members(members, services.attendance_of(session))
    if not form.validate_on_submit():
        return _render_session(session, 422, attendance_form=form)
    by_id = {m.id: m for m in members}
    for user_id, status in form.statuses().items():
        services.set_attendance(session, by_id[user_id], status, current_user)
    return _done(session, _("Présences enregistrées."), "#attendance")


# The live grid and the decisions are on the same blueprint, in ``views_grid``.
from murporteur.committee import views_grid  # noqa: E402,F401  (routes)
