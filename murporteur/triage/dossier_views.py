"""The dossier as the animators work on it: assignment, calls, qualification, decisions,
notes and the thread. Each action is a small form posting to its own route."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from murporteur.core import params
from murporteur.core.forms import text
from murporteur.core.handling import on_refusal, visible_or_404
from murporteur.core.lifecycle import available_transitions
from murporteur.directory import services as directory
from murporteur.submissions.forms import MessageForm
from murporteur.submissions.policies import documents_for
from murporteur.submissions.views import post_message_from
from murporteur.submissions.workflow import STATES, TRANSITIONS
from murporteur.triage import policies, services
from murporteur.triage.choices import CALL_OUTCOME_LABELS, THEME_LABELS, CallOutcome
from murporteur.triage.forms import (
    AssignForm,
    DecisionForm,
    LabelsForm,
    NoteForm,
    QualificationForm,
    RecordCallForm,
    ScheduleCallForm,
)
from murporteur.triage.views import animators_only, bp


def _load(number: str):
    return visible_or_404(services.find_dossier(number), may=policies.may_triage_dossier)


def _assign_choices():
    return [("none", _("Personne"))] + [(str(a.id), a.display_name)
                                        for a in services.animators()]


def _structure_choices():
    return [("", _("— Choisissez —"))] + [(str(s.id), s.name)
                                          for s in directory.list_structures()]


def _render(dossier, status: int = 200, **forms):
    services.load_dossier_page(dossier)
    assign_form = forms.get("assign_form") or AssignForm(
        animator=str(dossier.assigned_to_id or "none"))
    assign_form.animator.choices = _assign_choices()
    labels_form = forms.get("labels_form") or LabelsForm(labels=[lb.id for lb in dossier.labels])
    labels_form.labels.choices = [(lb.id, lb.display_name)
                                  for lb in services.offered_labels(dossier.labels)]
    saved = services.qualification_values(dossier)
    qualification_form = (forms.get("qualification_form") or QualificationForm(
        data=saved, formdata=None)).keep(saved)
    decision_forms = forms.get("decision_forms") or {}
    transitions = [t for t in available_transitions(dossier, current_user)
                   if t.name in services.TRIAGE_DECISIONS]
    structure_choices = _structure_choices() if transitions else []
    for t in transitions:
        form = decision_forms.setdefault(t.name, DecisionForm(prefix=t.name, formdata=None))
        form.structure.choices = structure_choices
    return render_template(
        "triage/dossier.html", dossier=dossier, state=STATES[dossier.state],
        page_errors=forms.get("page_errors", []),
        documents=documents_for(current_user, dossier),
        message_form=forms.get("message_form") or MessageForm(),
        note_form=forms.get("note_form") or NoteForm(),
        assign_form=assign_form, labels_form=labels_form,
        schedule_form=forms.get("schedule_form") or ScheduleCallForm(),
        call_form=forms.get("call_form") or RecordCallForm(),
        qualification_form=qualification_form,
        qualification_problems=services.qualification_problems(dossier.qualification),
        transitions=transitions, decision_forms=decision_forms,
        following=services.is_following(dossier, current_user),
        pending_call=services.pending_call(dossier), call_outcomes=CALL_OUTCOME_LABELS,
        themes=THEME_LABELS, transitions_table=TRANSITIONS,
        structure=directory.get_structure(dossier.redirect_structure_id)
        if dossier.redirect_structure_id else None), status


def _back(dossier, anchor: str = ""):
    return redirect(url_for("triage.show_dossier", number=dossier.number) + anchor)


def _done(dossier, message: str, anchor: str = ""):
    flash(message, "success")
    return _back(dossier, anchor)


@bp.get("/dossiers/<number>")
@animators_only
def show_dossier(number: str):
    dossier = _load(number)
    services.record_view(dossier, current_user)
    return _render(dossier)


@bp.post("/dossiers/<number>/messages")
@animators_only
def post_message(number: str):
    dossier = _load(number)
    form = MessageForm()
    on_refusal(form, "body", lambda exc: _render(dossier, 422, message_form=form))
    response = post_message_from(form, dossier, "triage.show_dossier", number=number)
    return response or _render(dossier, 422, message_form=form)


@bp.post("/dossiers/<number>/attribuer")
@animators_only
def assign_dossier(number: str):
    dossier = _load(number)
    form = AssignForm()
    form.animator.choices = _assign_choices() + [("me", "")]
    if not form.validate_on_submit():
        return _render(dossier, 422, assign_form=form)
    target = form.animator.data
    animator = current_user if target == "me" else next(
        (a for a in services.animators() if str(a.id) == target), None)
    on_refusal(form, "animator", lambda exc: _render(dossier, 422, assign_form=form))
    services.assign(dossier, animator, current_user)
    return _done(dossier, _("Dossier confié à %(name)s.", name=animator.display_name)
                 if animator else _("Le dossier n'est plus confié à personne."))


@bp.post("/dossiers/<number>/suivre")
@animators_only
def toggle_follow(number: str):
    dossier = _load(number)
    if services.is_following(dossier, current_user):
        services.unfollow(dossier, current_user)
        return _done(dossier, _("Vous ne suivez plus ce dossier."))
    services.follow(dossier, current_user)
    return _done(dossier, _("Vous suivez ce dossier : vous serez prévenu·e de ses nouvelles."))


@bp.post("/dossiers/<number>/etiquettes")
@animators_only
def set_labels(number: str):
    dossier = _load(number)
    form = LabelsForm()
    known = {lb.id: lb for lb in services.offered_labels(dossier.labels)}
    form.labels.choices = [(i, lb.display_name) for i, lb in known.items()]
    if not form.validate_on_submit() or any(i not in known for i in form.labels.data or []):
        form.labels.errors = [_("Choisissez parmi les étiquettes proposées.")]
        return _render(dossier, 422, labels_form=form)
    services.set_labels(dossier, [known[i] for i in form.labels.data or []], current_user)
    return _done(dossier, _("Étiquettes enregistrées."))


@bp.post("/dossiers/<number>/appels/planifier")
@animators_only
def schedule_call(number: str):
    dossier = _load(number)
    form = ScheduleCallForm()
    if not form.validate_on_submit():
        return _render(dossier, 422, schedule_form=form)
    services.schedule_call(dossier, current_user, form.when())
    return _done(dossier, _("Appel planifié. Vous recevrez un rappel le matin même."),
                 "#calls")


@bp.post("/dossiers/<number>/appels")
@animators_only
def record_call(number: str):
    dossier = _load(number)
    form = RecordCallForm()
    if not form.validate_on_submit():
        return _render(dossier, 422, call_form=form)
    on_refusal(form, "outcome", lambda exc: _render(dossier, 422, call_form=form))
    services.record_call(dossier, current_user, CallOutcome(form.outcome.data), text(form.notes),
                         at=form.when(), call=services.pending_call(dossier))
    return _done(dossier, _("Appel enregistré."), "#calls")


@bp.post("/dossiers/<number>/qualification")
@animators_only
def save_qualification(number: str):
    dossier = _load(number)
    form = QualificationForm().keep(services.qualification_values(dossier))
    if not form.validate_on_submit():
        return _render(dossier, 422, qualification_form=form)
    services.save_qualification(dossier, form.values(), current_user)
    problems = services.qualification_problems(dossier.qualification)
    return _done(dossier, _("Qualification enregistrée.") if not problems else
                 _("Qualification enregistrée ; elle reste à compléter avant de retenir "
                   "l'idée."), "#qualification")


@bp.post("/dossiers/<number>/decision/<transition>")
@animators_only
def decide(number: str, transition: str):
    dossier = _load(number)
    if transition not in services.TRIAGE_DECISIONS:
        abort(404)  # the committee's and the conventions' steps are taken there
    form = DecisionForm(prefix=transition)
    form.structure.choices = _structure_choices()
    if not form.validate_on_submit():
        return _render(dossier, 422, decision_forms={transition: form})
    structure = None
    if structure_id := params.identifier(form.structure.data):
        structure = directory.get_structure(structure_id)

    def refused(exc):
        if transition not in {t.name for t in available_transitions(dossier, current_user)}:
            # Out of turn (someone else decided meanwhile): said at the top of the page.
            return _render(dossier, 422, page_errors=[exc.message])
        return _render(dossier, 422, decision_forms={transition: form})

    on_refusal(form, "structure" if transition == "redirect" and structure is None
               else "comment", refused)
    services.decide(dossier, transition, current_user, form.comment.data or "",
                    structure=structure)
    return _done(dossier, _("C'est fait : le dossier est maintenant « %(state)s ».",
                            state=STATES[dossier.state].staff_label))


@bp.post("/dossiers/<number>/notes")
@animators_only
def add_note(number: str):
    dossier = _load(number)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render(dossier, 422, note_form=form)
    services.add_note(dossier, current_user, text(form.body))
    return _done(dossier, _("Note enregistrée."), "#notes")

