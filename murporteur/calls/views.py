"""Calls and needs: the public list and page (« Répondre » opens the idea form), the writers'
pages (animators; members for their organisation, published once approved), the questions,
the comparison of the answers with its exports, the agenda and the figures by call."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from murporteur.accounts.models import Organisation, OrganisationKind, Role
from murporteur.calls import answers, policies, services
from murporteur.calls import form as _idea_form_extension  # noqa: F401  (registers it)
from murporteur.calls.forms import (
    KIND_LABELS,
    OFFER_LABELS,
    QUESTION_KIND_LABELS,
    AgendaForm,
    CallForm,
    QuestionForm,
    StepForm,
)
from murporteur.calls.models import Call, CallKind, CallQuestion, Offer
from murporteur.calls.workflow import CALL_STATES, LIFECYCLE
from murporteur.collective import references
from murporteur.committee.models import CommitteeSession
from murporteur.committee.workflow import UPCOMING_STATES
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.core.money import format_cents
from murporteur.core.tables import send_table
from murporteur.extensions import db
from murporteur.premises.models import PremisesUnit
from murporteur.premises.workflow import OFFERABLE
from murporteur.triage.choices import THEME_LABELS

bp = Blueprint("calls", __name__, url_prefix="/appels")

writers = roles_required(Role.ANIMATOR, Role.MEMBER)
animators_only = roles_required(Role.ANIMATOR)


@bp.app_template_filter("call_day")
def call_day(value) -> str:
    return format_date(value, "d MMMM yyyy") if value else ""


@bp.app_context_processor
def _calls_helpers() -> dict:
    return {"open_calls_for_home": lambda: services.open_calls(limit=4),
            "dossier_extra_sections": _dossier_sections,
            "holder_dossier_sections": _holder_sections,
            "call_kind_label": services.kind_label, "call_states": CALL_STATES,
            "call_offer_labels": OFFER_LABELS, "call_theme_labels": THEME_LABELS}


def _answer_rows(response) -> list[tuple]:
    """(the question as it was answered, the answer as read, the answer) in the form's
    order: an answer keeps the version of the question it answered."""
    locale = str(get_locale() or "fr")
    return [(a.question.label(locale), answers.shown(a, locale), a)
            for a in sorted(response.answers, key=lambda a: (a.question.position, a.id))]


def _dossier_sections(dossier) -> list[dict]:
    """The call a dossier answers, with its answers as given (each with the version of the
    question it answered), for the animators' dossier page."""
    if not policies.may_compare_answers(current_user):
        return []
    response = services.response_for_page(dossier)
    if response is None:
        return []
    return [{"template": "calls/_dossier_answers.html",
             "context": {"call": response.call, "rows": _answer_rows(response)}}]


def _holder_sections(dossier) -> list[dict]:
    """The same for the holder's own dossier page: the call they answered and their answers,
    with the questions as they were when answered."""
    if not policies.may_view_own_answers(current_user, dossier):
        return []
    response = services.response_for_page(dossier)
    if response is None:
        return []
    return [{"template": "calls/_holder_answers.html",
             "context": {"call": response.call, "rows": _answer_rows(response)}}]


def _load(call_id: int) -> Call:
    return get_or_404(Call, call_id, may=policies.may_view_call)


# --- Public -------------------------------------------------------------------------------

@bp.get("")
def list_calls():
    args = request.args
    kind = params.choice(args.get("kind"), [k.value for k in CallKind], "") or ""
    theme = params.choice(args.get("theme"), references.keys("theme"), "") or ""
    offer = params.choice(args.get("offer"), [o.value for o in Offer], "") or ""
    qpv, q = args.get("qpv") == "1", params.text(args.get("q"), 100)
    calls = services.open_calls(kind=kind, theme=theme, offer=offer, qpv=qpv, q=q)
    filters = {"kind": kind, "theme": theme, "offer": offer, "qpv": qpv, "q": q}
    return render_template("calls/list.html", calls=calls, filters=filters, kinds=KIND_LABELS)


@bp.get("/<id:call_id>")
def show_call(call_id: int):
    call = _load(call_id)
    return render_template(
        "calls/show.html", call=call, refusal=services.refusal_for_answers(call),
        transitions=LIFECYCLE.available(call, current_user if current_user.is_authenticated
                                        else None),
        step_form=StepForm(), locale=str(get_locale() or "fr"))


# --- Writing ------------------------------------------------------------------------------

@bp.get("/gestion")
@writers
def manage_calls():
    return render_template("calls/manage.html", calls=services.calls_for(current_user))


def _choices(form: CallForm) -> None:
    organisations: list[Organisation]
    if policies.may_compare_answers(current_user):
        organisations = list(db.session.scalars(select(Organisation).where(
            Organisation.active.is_(True), Organisation.kind != OrganisationKind.ANIMATOR)
            .order_by(Organisation.name)))
    else:
        organisations = [current_user.organisation]
    form.organisations.choices = [(o.id, o.name) for o in organisations]
    sessions = db.session.scalars(select(CommitteeSession).where(
        CommitteeSession.state.in_(UPCOMING_STATES)).order_by(CommitteeSession.starts_at))
    # The units of the organisations behind the call (as ticked, when the form was sent).
    chosen = [o.id for o in organisations if o.id in (form.organisations.data or [])]
    units = db.session.scalars(select(PremisesUnit).where(
        PremisesUnit.organisation_id.in_(chosen or [o.id for o in organisations]),
        PremisesUnit.state.in_(OFFERABLE)).order_by(PremisesUnit.town, PremisesUnit.id))
    form.premises_unit.choices = [("", _("Aucun"))] + [
        (str(u.id), f"{u.label} — {u.surface_m2} m² ({u.organisation.name})") for u in units]
    form.session_id.choices = [("", _("Aucune pour l'instant"))] + [
        (str(s.id), _("Comité du %(day)s", day=format_date(s.starts_at, "d MMMM yyyy")))
        for s in sessions]


@bp.route("/nouveau", methods=["GET", "POST"])
@writers
def new_call():
    if not policies.may_write_call(current_user):
        abort(403)
    form = CallForm()
    _choices(form)
    if request.method == "GET" and not policies.may_compare_answers(current_user):
        form.organisations.data = [current_user.organisation_id]
    page = lambda status=200: (render_template(  # noqa: E731
        "calls/edit.html", form=form, call=None), status)
    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    on_refusal(form, None, lambda exc: page(422))
    call = services.create_call(current_user, form.organisations.data or [], **form.values())
    flash(_("Appel enregistré comme brouillon. Ajoutez ses questions, puis publiez-le."),
          "success")
    return redirect(url_for("calls.edit_questions", call_id=call.id))


@bp.route("/<id:call_id>/modifier", methods=["GET", "POST"])
@writers
def edit_call(call_id: int):
    call = _load(call_id)
    if not policies.may_edit_call(current_user, call):
        abort(403)
    form = CallForm()
    _choices(form)
    if request.method == "GET":
        form.fill_from(call)
    page = lambda status=200: (render_template(  # noqa: E731
        "calls/edit.html", form=form, call=call), status)
    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    on_refusal(form, None, lambda exc: page(422))
    services.update_call(call, current_user, form.organisations.data or [], **form.values())
    flash(_("Appel enregistré."), "success")
    return redirect(url_for("calls.show_call", call_id=call.id))


@bp.post("/<id:call_id>/etapes/<name>")
@writers
def move_call(call_id: int, name: str):
    call = _load(call_id)
    if name not in LIFECYCLE.table:
        abort(404)
    if not LIFECYCLE.may(call, name, current_user):
        abort(403)  # a member's call is published by the animators' approval only
    form = StepForm()
    if not form.validate():
        flash(_("Votre message est trop long."), "error")
        return redirect(url_for("calls.show_call", call_id=call.id))
    on_refusal(form, "comment", lambda exc: (render_template(
        "calls/show.html", call=call, refusal=services.refusal_for_answers(call),
        transitions=LIFECYCLE.available(call, current_user), step_form=form, step=name,
        locale=str(get_locale() or "fr")), 422))
    services.transition(call, name, current_user, form.comment.data or "")
    flash({"ask_approval": _("Demande d'approbation envoyée à l'équipe d'animation."),
           "publish": _("Appel publié."), "send_back": _("Appel renvoyé pour modification."),
           "withdraw": _("Appel retiré.")}[name], "success")
    return redirect(url_for("calls.show_call", call_id=call.id))


# --- Questions ----------------------------------------------------------------------------

def _question_data(form: QuestionForm) -> services.QuestionData:
    from murporteur.calls.models import QuestionKind

    return services.QuestionData(QuestionKind(form.kind.data), form.label_fr.data or "",
                                 form.label_en.data or "", bool(form.required.data),
                                 form.choice_list())


@bp.route("/<id:call_id>/questions", methods=["GET", "POST"])
@writers
def edit_questions(call_id: int):
    call = _load(call_id)
    if not policies.may_edit_call(current_user, call):
        abort(403)
    form = QuestionForm()
    page = lambda status=200: (render_template(  # noqa: E731
        "calls/questions.html", call=call, form=form, kinds=QUESTION_KIND_LABELS,
        locale=str(get_locale() or "fr")), status)
    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    on_refusal(form, None, lambda exc: page(422))
    services.add_question(call, current_user, _question_data(form))
    flash(_("Question ajoutée."), "success")
    return redirect(url_for("calls.edit_questions", call_id=call.id))


def _load_question(call: Call, question_id: int) -> CallQuestion:
    question = get_or_404(CallQuestion, question_id)
    if question.call_id != call.id:
        abort(404)
    return question


@bp.route("/<id:call_id>/questions/<id:question_id>", methods=["GET", "POST"])
@writers
def edit_question(call_id: int, question_id: int):
    call = _load(call_id)
    question = _load_question(call, question_id)
    if not policies.may_edit_call(current_user, call):
        abort(403)
    form = QuestionForm()
    if request.method == "GET":
        form.fill_from(question)
    page = lambda status=200: (render_template(  # noqa: E731
        "calls/question.html", call=call, question=question, form=form), status)
    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    on_refusal(form, None, lambda exc: page(422))
    newer = services.change_question(question, current_user, _question_data(form))
    flash(_("Question modifiée : les réponses déjà données restent lisibles telles "
            "quelles.") if newer is not question else _("Question modifiée."), "success")
    return redirect(url_for("calls.edit_questions", call_id=call.id))


@bp.post("/<id:call_id>/questions/<id:question_id>/retirer")
@writers
def remove_question(call_id: int, question_id: int):
    call = _load(call_id)
    question = _load_question(call, question_id)
    services.remove_question(question, current_user)
    flash(_("Question retirée du formulaire."), "success")
    return redirect(url_for("calls.edit_questions", call_id=call.id))


# --- Answers (animators) ------------------------------------------------------------------

def _comparison(call: Call, locale: str):
    columns = services.comparison_columns(call)
    rows = []
    for response in services.responses(call):
        by_key = services.answers_by_key(response)
        rows.append((response, [(by_key.get(q.key), answers.shown(by_key.get(q.key), locale))
                                for q in columns]))
    return columns, rows


@bp.get("/<id:call_id>/reponses")
@animators_only
def compare_answers(call_id: int):
    call = _load(call_id)
    return _compare_page(call, AgendaForm())


def _compare_page(call: Call, form: AgendaForm, status: int = 200, chosen=()):
    locale = str(get_locale() or "fr")
    columns, rows = _comparison(call, locale)
    _sessions(form, call)
    return render_template("calls/compare.html", call=call, columns=columns, rows=rows,
                           form=form, locale=locale, chosen=set(chosen)), status


def _sessions(form: AgendaForm, call: Call) -> None:
    sessions = db.session.scalars(select(CommitteeSession).where(
        CommitteeSession.state.in_(UPCOMING_STATES)).order_by(CommitteeSession.starts_at))
    form.session_id.choices = [
        (str(s.id), _("Comité du %(day)s", day=format_date(s.starts_at, "d MMMM yyyy")))
        for s in sessions]
    if not form.session_id.data and call.session_id:
        form.session_id.data = str(call.session_id)


@bp.get("/<id:call_id>/reponses.<fmt>")
@animators_only
def export_answers(call_id: int, fmt: str):
    call = _load(call_id)
    locale = str(get_locale() or "fr")
    columns, rows = _comparison(call, locale)
    headers = [_("Numéro"), _("Titre"), _("Structure"), _("État"),
               _("Financement demandé")] + [q.label(locale) for q in columns]
    table = [[r.dossier.number, r.dossier.title, r.dossier.structure_name,
              str(r.dossier.state), format_cents(r.dossier.financing_amount_cents, locale)]
             + [text for _answer, text in cells] for r, cells in rows]
    return send_table(fmt, f"reponses-appel-{call.id}.{fmt}", _("Réponses"), headers, table)


@bp.post("/<id:call_id>/reponses/ordre-du-jour")
@animators_only
def put_on_agenda(call_id: int):
    call = _load(call_id)
    form = AgendaForm()
    _sessions(form, call)
    chosen = params.identifiers(request.form.getlist("dossier"))
    if not form.validate():
        return _compare_page(call, form, 422, chosen)
    on_refusal(form, "session_id", lambda exc: _compare_page(call, form, 422, chosen))
    session = db.session.get(CommitteeSession, int(form.session_id.data or 0))
    if session is None:
        abort(404)
    items = services.put_on_agenda(call, session, chosen, current_user)
    flash(_("%(n)s réponses inscrites à l'ordre du jour.", n=len(items)), "success")
    return redirect(url_for("calls.compare_answers", call_id=call.id))


@bp.get("/bilan")
@animators_only
def report_calls():
    return render_template("calls/report.html", rows=services.figures())
