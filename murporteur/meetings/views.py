"""Flash meetings: the animators' pages (events, participants, schedule, exports). Each
participant's personal page (reached by their link) and the public registration page are in
``participant_views``, on this module's blueprint.

Views load, check, call ``services``, render; the request commits once."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
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
from sqlalchemy import select

from murporteur.accounts.models import Role, User
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.core.tables import send_table
from murporteur.core.templating import paris_datetime
from murporteur.core.timeutil import to_paris
from murporteur.extensions import db
from murporteur.meetings import (
    calendar,
    follow_ups,
    jobs,
    notifications,
    services,
)
from murporteur.meetings.forms import (
    OUTCOME_LABELS,
    AddHolderForm,
    AddMemberForm,
    EventForm,
    MeetingForm,
    TransitionForm,
)
from murporteur.meetings.models import FlashEvent, FlashMeeting, Participant, Side
from murporteur.meetings.policies import may_run_events
from murporteur.meetings.workflow import EVENT_STATES, EVENT_TRANSITIONS, OPEN_STATES
from murporteur.submissions.models import Dossier

bp = Blueprint("meetings", __name__, url_prefix="/rencontres")
animators_only = roles_required(Role.ANIMATOR)


def _load(event_id: int) -> FlashEvent:
    return get_or_404(FlashEvent, event_id, may=may_run_events)


def _participant_of(event: FlashEvent, raw) -> Participant | None:
    participant_id = params.identifier(str(raw)) if raw is not None else None
    participant = db.session.get(Participant, participant_id) if participant_id else None
    return participant if participant is not None and participant.event_id == event.id \
        else None


# --- Animators: events ----------------------------------------------------------------------

@bp.get("/")
@animators_only
def list_events():
    events = db.session.scalars(select(FlashEvent).order_by(FlashEvent.starts_at.desc())).all()
    return render_template("meetings/list.html", events=events, states=EVENT_STATES)


@bp.route("/nouvelle", methods=["GET", "POST"])
@animators_only
def new_event():
    return _event_form(None)


@bp.route("/<id:event_id>/modifier", methods=["GET", "POST"])
@animators_only
def edit_event(event_id: int):
    return _event_form(_load(event_id))


def _event_form(event: FlashEvent | None):
    if event is None:
        form = EventForm()
    else:
        starts = to_paris(event.starts_at)
        form = EventForm(data={
            "title": event.title, "place": event.place, "day": starts.date(),
            "hour": starts.time(), "slot_minutes": event.slot_minutes,
            "slot_count": event.slot_count, "tables": event.tables,
            "breaks": ", ".join(str(b + 1) for b in event.breaks or []),
            "registration_open": event.registration_open})

    def page():
        return render_template("meetings/form.html", form=form, event=event)

    if not form.validate_on_submit():
        return page(), 422 if request.method == "POST" else 200
    on_refusal(form, "title", lambda _exc: page())
    values: dict[str, Any] = {"title": form.title.data or "", "place": form.place.data or "",
              "starts_at": form.starts_at(), "slot_minutes": form.slot_minutes.data,
              "slot_count": form.slot_count.data, "tables": form.tables.data,
              "breaks": form.break_slots() or [],
              "registration_open": bool(form.registration_open.data)}
    if event is None:
        event = services.create_event(current_user, **values)
        flash(_("Rencontre créée : inscrivez maintenant les participants."), "success")
    else:
        services.update_event(current_user, event, **values)
        flash(_("Rencontre enregistrée."), "success")
    return redirect(url_for("meetings.show_event", event_id=event.id))


def _render_event(event: FlashEvent, status: int = 200, **forms):
    holder_form = forms.get("holder_form") or AddHolderForm(formdata=None)
    member_form = forms.get("member_form") or AddMemberForm(formdata=None)
    present = {p.user_id for p in event.participants if not p.withdrawn}
    members = db.session.scalars(select(User).where(
        User.role == Role.MEMBER, User.active.is_(True), User.organisation_id.is_not(None))
        .order_by(User.full_name)).all()
    member_form.member.choices = [(0, _("Choisir…"))] + [
        (m.id, f"{m.display_name} — {m.organisation.name if m.organisation else ''}")
        for m in members if m.id not in present]
    meeting_form = forms.get("meeting_form") or MeetingForm(formdata=None)
    _meeting_choices(event, meeting_form)
    steps = [t for t in EVENT_TRANSITIONS.values() if event.state in t.sources]
    return render_template(
        "meetings/show.html", event=event, state=EVENT_STATES[event.state], steps=steps,
        holder_form=holder_form, member_form=member_form, meeting_form=meeting_form,
        transition_form=forms.get("transition_form") or TransitionForm(formdata=None),
        holders=services.active(event, Side.HOLDER),
        representatives=services.active(event, Side.ORGANISATION),
        grid=services.grid(event), summary=services.wish_summary(event),
        exchanges=follow_ups.qualified_exchanges(event), slot_label=services.slot_label,
        outcome_labels=OUTCOME_LABELS, open_states=OPEN_STATES,
        page_errors=forms.get("page_errors", [])), status


def _meeting_choices(event: FlashEvent, form: MeetingForm) -> None:
    form.holder.choices = [(p.id, p.label) for p in services.active(event, Side.HOLDER)]
    form.representative.choices = [(p.id, p.label)
                                   for p in services.active(event, Side.ORGANISATION)]
    form.slot.choices = [(s, services.slot_label(event, s)) for s in event.meeting_slots]


@bp.get("/<id:event_id>")
@animators_only
def show_event(event_id: int):
    return _render_event(_load(event_id))


@bp.post("/<id:event_id>/porteurs")
@animators_only
def add_holder(event_id: int):
    event = _load(event_id)
    form = AddHolderForm()
    if not form.validate_on_submit():
        return _render_event(event, 422, holder_form=form)
    dossier = db.session.scalar(select(Dossier).where(
        Dossier.number == (form.number.data or "").upper()))
    if dossier is None or dossier.is_draft:
        form.number.errors = [_("Aucun dossier envoyé ne porte ce numéro.")]
        return _render_event(event, 422, holder_form=form)
    on_refusal(form, "number", lambda _exc: _render_event(event, holder_form=form))
    participant, token = services.add_holder_of(current_user, event, dossier)
    notifications.invite(participant, token)
    flash(_("%(name)s est inscrit·e ; son lien personnel lui est envoyé.",
            name=participant.name), "success")
    return redirect(url_for("meetings.show_event", event_id=event.id) + "#participants")


@bp.post("/<id:event_id>/representants")
@animators_only
def add_member(event_id: int):
    event = _load(event_id)
    form = AddMemberForm()
    member = db.session.get(User, form.member.data) if form.validate_on_submit() \
        and form.member.data else None
    if member is None:
        form.member.errors = [_("Choisissez la personne à inscrire.")]
        return _render_event(event, 422, member_form=form)
    on_refusal(form, "member", lambda _exc: _render_event(event, member_form=form))
    participant, token = services.add_member(current_user, event, member)
    notifications.invite(participant, token)
    flash(_("%(name)s est inscrit·e ; son lien personnel lui est envoyé.",
            name=participant.name), "success")
    return redirect(url_for("meetings.show_event", event_id=event.id) + "#participants")


@bp.post("/<id:event_id>/participants/<id:participant_id>/retirer")
@animators_only
def withdraw_participant(event_id: int, participant_id: int):
    event = _load(event_id)
    participant = _participant_of(event, participant_id)
    if participant is None:
        abort(404)
    services.withdraw(current_user, participant)
    flash(_("%(name)s ne participe plus ; ses rendez-vous sont retirés.",
            name=participant.name), "success")
    return redirect(url_for("meetings.show_event", event_id=event.id) + "#participants")


@bp.post("/<id:event_id>/participants/<id:participant_id>/lien")
@animators_only
def resend_link(event_id: int, participant_id: int):
    event = _load(event_id)
    participant = _participant_of(event, participant_id)
    if participant is None or participant.withdrawn:
        abort(404)
    notifications.invite(participant, services.new_link(participant))
    flash(_("Un nouveau lien personnel est envoyé à %(email)s ; l'ancien ne sert plus.",
            email=participant.email), "success")
    return redirect(url_for("meetings.show_event", event_id=event.id) + "#participants")


@bp.post("/<id:event_id>/planning")
@animators_only
def make_schedule(event_id: int):
    event = _load(event_id)
    result = services.make_schedule(current_user, event)
    flash(_("Planning calculé : %(count)s rendez-vous, %(met)s souhaits satisfaits sur "
            "%(wishes)s.", count=len(result.meetings), met=result.wishes_met,
            wishes=result.wishes), "success")
    return redirect(url_for("meetings.show_event", event_id=event.id) + "#planning")


@bp.post("/<id:event_id>/rendez-vous")
@animators_only
def place_meeting(event_id: int):
    event = _load(event_id)
    return _place(event, None)


@bp.post("/<id:event_id>/rendez-vous/<id:meeting_id>/deplacer")
@animators_only
def move_meeting(event_id: int, meeting_id: int):
    event = _load(event_id)
    return _place(event, _meeting_of(event, meeting_id))


def _meeting_of(event: FlashEvent, meeting_id: int) -> FlashMeeting:
    meeting = db.session.get(FlashMeeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        abort(404)
    return meeting


def _place(event: FlashEvent, moving: FlashMeeting | None):
    form = MeetingForm()
    _meeting_choices(event, form)
    if moving is not None:
        form.holder.data, form.representative.data = moving.holder_id, moving.representative_id
    if not form.validate_on_submit():
        return _render_event(event, 422, meeting_form=form)
    holder = _participant_of(event, form.holder.data)
    representative = _participant_of(event, form.representative.data)
    if holder is None or representative is None:
        form.holder.errors = [_("Choisissez un porteur et un représentant inscrits à cette "
                                "rencontre.")]
        return _render_event(event, 422, meeting_form=form)
    on_refusal(form, "slot", lambda _exc: _render_event(event, meeting_form=form))
    services.place_meeting(current_user, event, holder=holder, representative=representative,
                           slot=form.slot.data, table=form.table.data or 0, moving=moving)
    flash(_("Rendez-vous placé à %(time)s, table %(table)s.",
            time=services.slot_label(event, form.slot.data), table=form.table.data),
          "success")
    return redirect(url_for("meetings.show_event", event_id=event.id) + "#planning")


@bp.post("/<id:event_id>/rendez-vous/<id:meeting_id>/retirer")
@animators_only
def remove_meeting(event_id: int, meeting_id: int):
    event = _load(event_id)
    services.remove_meeting(current_user, _meeting_of(event, meeting_id))
    flash(_("Rendez-vous retiré."), "success")
    return redirect(url_for("meetings.show_event", event_id=event.id) + "#planning")


@bp.post("/<id:event_id>/etape/<name>")
@animators_only
def take_step(event_id: int, name: str):
    event = _load(event_id)
    if name not in EVENT_TRANSITIONS:
        abort(404)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _render_event(event, 422, transition_form=form)
    on_refusal(form, "comment", lambda _exc: _render_event(event, transition_form=form))
    services.transition(event, name, current_user, form.comment.data or "")
    flash(_("C'est fait : %(step)s.", step=EVENT_TRANSITIONS[name].label), "success")
    return redirect(url_for("meetings.show_event", event_id=event.id))


# --- Animators: exports ---------------------------------------------------------------------

@bp.get("/<id:event_id>/planning.<fmt>")
@animators_only
def export_schedule(event_id: int, fmt: str):
    event = _load(event_id)
    if fmt == "ics":
        response = Response(calendar.event_ics(event), mimetype=calendar.MIMETYPE)
        response.headers["Content-Disposition"] = \
            f'attachment; filename="rencontres-flash-{event.id}.ics"'
        return response
    headers = [_("Début"), _("Fin"), _("Table"), _("Porteur"), _("Projet"),
               _("Représentant·e"), _("Organisation")]
    rows = [[paris_datetime(m.starts_at, "yyyy-MM-dd HH:mm"),
             paris_datetime(m.ends_at, "yyyy-MM-dd HH:mm"), m.table_number, m.holder.name,
             m.holder.summary, m.representative.name,
             m.representative.organisation.name if m.representative.organisation else ""]
            for m in event.meetings]
    return send_table(fmt, f"rencontres-flash-{event.id}.{fmt}", _("Planning"), headers, rows)


@bp.post("/<id:event_id>/tables")
@animators_only
def prepare_table_sheets(event_id: int):
    """The tables' sheets are laid out in the background: their job's page follows."""
    job = jobs.prepare_table_sheets(_load(event_id), current_user, str(get_locale() or "fr"))
    return redirect(url_for("jobs.show_job", job_id=job.id), 303)
