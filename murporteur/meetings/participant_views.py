"""Flash meetings: each participant's personal page (reached by their link: availabilities,
wishes, agenda, follow-ups) and the public registration page. They are on the blueprint of
``views`` (their endpoints are ``meetings.*`` too); ``register_blueprints`` imports this
module before registering it.

Views load, check, call the services, render; the request commits once."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from murporteur.core import params
from murporteur.core.errors import DomainError
from murporteur.core.handling import on_refusal
from murporteur.extensions import db
from murporteur.meetings import calendar, follow_ups, notifications, services, suggestions, wishes
from murporteur.meetings.forms import (
    OUTCOME_LABELS,
    FollowUpForm,
    ParticipantForm,
    RegistrationForm,
)
from murporteur.meetings.models import FlashEvent, FlashMeeting, Outcome, Participant
from murporteur.meetings.policies import may_register
from murporteur.meetings.views import bp
from murporteur.meetings.workflow import OPEN_STATES

# --- A participant's own page ---------------------------------------------------------------

def _by_token(token: str) -> Participant:
    participant = services.participant_by_token(token)
    if participant is None or participant.withdrawn:
        abort(404)
    return participant


def _render_participant(participant: Participant, form: ParticipantForm | None = None,
                        status: int = 200, follow_up_errors: dict | None = None,
                        wish_errors: list[str] | None = None, chosen: list[int] | None = None):
    event = participant.event
    if form is None:
        form = ParticipantForm(formdata=None, data={
            "available": participant.available_slots
            if participant.available_slots is not None else event.meeting_slots})
    form.available.choices = [(s, services.slot_label(event, s)) for s in event.meeting_slots]
    if chosen is None:
        chosen = [w.target_id for w in participant.wishes] or [
            p.id for p in suggestions.suggested_wishes(participant)][:wishes.MAX_WISHES]
    return render_template(
        "meetings/participant.html", participant=participant, event=event, form=form,
        candidates=wishes.candidates(participant), chosen=chosen,
        max_wishes=wishes.MAX_WISHES, agenda=services.agenda(participant),
        open=event.state in OPEN_STATES, wish_errors=wish_errors or [],
        follow_ups={f.meeting_id: f for m in services.agenda(participant)
                    for f in m.follow_ups if f.participant_id == participant.id},
        follow_up_form=FollowUpForm(formdata=None), follow_up_errors=follow_up_errors or {},
        outcome_labels=OUTCOME_LABELS, token=(request.view_args or {})["token"]), status


@bp.route("/p/<token>", methods=["GET", "POST"])
def participant_home(token: str):
    participant = _by_token(token)
    if request.method == "GET":
        return _render_participant(participant)
    form = ParticipantForm()
    form.available.choices = [(s, services.slot_label(participant.event, s))
                              for s in participant.event.meeting_slots]
    raw = [value for value in request.form.getlist("wish") if value]
    chosen = params.identifiers(raw)
    if len(chosen) != len(raw):
        return _render_participant(participant, form, 422, wish_errors=[
            _("Une des personnes choisies ne participe pas (ou plus) à cette rencontre : "
              "choisissez-en une autre.")], chosen=chosen)
    if not form.validate_on_submit():
        return _render_participant(participant, form, 422, chosen=chosen)
    try:
        wishes.set_availability(participant, list(form.available.data or []))
        wishes.set_wishes(participant, chosen)
    except DomainError as exc:
        db.session.rollback()
        participant = _by_token(token)
        if exc.field == "available":
            form.available.errors = [exc.message]
            return _render_participant(participant, form, 422, chosen=chosen)
        return _render_participant(participant, form, getattr(exc, "status", 422),
                                   wish_errors=[exc.message], chosen=chosen)
    flash(_("Vos disponibilités et vos souhaits sont enregistrés."), "success")
    return redirect(url_for("meetings.participant_home", token=token))


@bp.get("/p/<token>/agenda.ics")
def participant_agenda(token: str):
    participant = _by_token(token)
    response = Response(calendar.agenda_ics(participant, services.agenda(participant)),
                        mimetype=calendar.MIMETYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="rencontres-flash.ics"'
    return response


@bp.post("/p/<token>/suites/<id:meeting_id>")
def record_follow_up(token: str, meeting_id: int):
    participant = _by_token(token)
    meeting = db.session.get(FlashMeeting, meeting_id)
    if meeting is None or participant.id not in (meeting.holder_id, meeting.representative_id):
        abort(404)
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _render_participant(participant, status=422, follow_up_errors={
            meeting.id: [e for errors in form.errors.values() for e in errors]})
    try:
        follow_ups.record_follow_up(participant, meeting, Outcome(form.outcome.data),
                                  form.note.data or "")
    except DomainError as exc:
        db.session.rollback()
        return _render_participant(_by_token(token), status=getattr(exc, "status", 422),
                                   follow_up_errors={meeting_id: [exc.message]})
    flash(_("Votre suite est notée."), "success")
    return redirect(url_for("meetings.participant_home", token=token) + f"#rdv-{meeting_id}")


# --- Public registration --------------------------------------------------------------------

@bp.route("/<id:event_id>/inscription", methods=["GET", "POST"])
def register(event_id: int):
    event = db.session.get(FlashEvent, event_id)
    if event is None or not may_register(None, event):
        abort(404)
    form = RegistrationForm()

    def page():
        return render_template("meetings/register.html", event=event, form=form)

    if not form.validate_on_submit():
        return page(), 422 if request.method == "POST" else 200
    on_refusal(form, "email", lambda _exc: page())
    participant, token = services.register_holder(
        event, name=form.name.data or "", email=form.email.data or "",
        summary=form.summary.data or "", language=_locale())
    notifications.invite(participant, token)
    return render_template("meetings/registered.html", event=event,
                           email=participant.email)


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "fr")[:2]
