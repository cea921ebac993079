"""Following a convention up (issue 18, item 4): the animators (and the organisation's members
once it is signed) set its indicators and reporting dates (changing them:
``followup_edit_views``); the holder reports and asks for a scheduled payment; the organisation's
members (or an animator) approve or refuse the request. A convention someone may not see
answers 404; a holder reaches only their own conventions.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from murporteur.accounts.models import Role
from murporteur.conventions import followup, history
from murporteur.conventions.forms import _day
from murporteur.conventions.models import (
    MAX_FIGURE,
    Convention,
    IndicatorKind,
    Payment,
    PaymentRequest,
    ReportingDate,
)
from murporteur.conventions.policies import (
    is_holder,
    may_report,
    may_set_followup,
    may_view_convention,
)
from murporteur.conventions.workflow import PAYMENT_REQUEST_STATES, PaymentRequestState
from murporteur.core.access import roles_required
from murporteur.core.forms import TOO_LONG, day
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.core.policy import permission
from murporteur.core.timeutil import paris_today
from murporteur.submissions.uploads import ACCEPTED_LABEL

bp = Blueprint("followup", __name__, url_prefix="/conventions")
animators_and_members = roles_required(Role.ANIMATOR, Role.MEMBER)

BAD_FIGURE = _l("Indiquez un nombre entier, par exemple 12.")
TOO_BIG = _l("Ce nombre semble trop élevé : %(max)s au plus.",
             max=f"{MAX_FIGURE:,}".replace(",", " "))
DIGITS = re.compile(r"^\d+$")

permission("decide_payment_request")(followup.may_decide)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def figure(raw) -> int | None:
    """A whole number typed with or without spaces (12, 1 200); None when not one."""
    cleaned = re.sub(r"[\s\u202f\xa0]", "", raw or "")
    if not DIGITS.match(cleaned):
        return None
    # Beyond a dozen digits, only "too high" matters (and no huge integer is parsed).
    return int(cleaned) if len(cleaned) < 12 else MAX_FIGURE + 1


def _figure(form, field):
    if not (field.data or "").strip():
        raise ValidationError(_l("Indiquez un nombre, 0 s'il n'y en a pas."))
    value = figure(field.data)
    if value is None:
        raise ValidationError(BAD_FIGURE)
    if value > MAX_FIGURE:
        raise ValidationError(TOO_BIG)


def _documents_field():
    return MultipleFileField(_l("Pièces justificatives (facultatif)"),
                             description=_l("Types acceptés : %(types)s ; 10 Mo au plus par "
                                            "fichier.", types=ACCEPTED_LABEL))


class IndicatorForm(FlaskForm):
    kind = RadioField(_l("Indicateur"), choices=[
        (k.value, label) for k, (label, _unit) in followup.INDICATOR_LABELS.items()],
        validate_choice=False, validators=[InputRequired(_l("Choisissez un indicateur."))])
    name = StringField(_l("Nom (pour un autre indicateur)"), filters=[_strip],
                       validators=[Optional(), Length(max=120, message=TOO_LONG)])
    unit = StringField(_l("Unité (pour un autre indicateur)"), filters=[_strip],
                       validators=[Optional(), Length(max=40, message=TOO_LONG)])
    target = StringField(_l("Objectif"), filters=[_strip], validators=[_figure])

    def validate_kind(self, field):
        if field.data not in {k.value for k in IndicatorKind}:
            raise ValidationError(_l("Choisissez parmi les réponses proposées."))


class ReportingDateForm(FlaskForm):
    due_date = _day(_l("Date de suivi"), InputRequired(_l("Indiquez une date.")))


class RequestForm(FlaskForm):
    text = TextAreaField(_l("Votre demande"), filters=[_strip],
                         description=_l("Ce qui rend le versement dû : étape franchie, "
                                        "dépenses engagées…"),
                         validators=[InputRequired(_l("Dites en quelques mots pourquoi le "
                                                      "versement est dû.")),
                                     Length(max=5000, message=TOO_LONG)])
    documents = _documents_field()


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Décision"), choices=[("approve", _l("Approuver")),
                                                   ("refuse", _l("Refuser"))],
                          validate_choice=False,
                          validators=[InputRequired(_l("Choisissez d'approuver ou de "
                                                       "refuser."))])
    reason = TextAreaField(_l("Motif"), filters=[_strip],
                           validators=[InputRequired(_l("Le motif est obligatoire.")),
                                       Length(max=5000, message=TOO_LONG)])

    def validate_decision(self, field):
        if field.data not in ("approve", "refuse"):
            raise ValidationError(_l("Choisissez parmi les réponses proposées."))


def report_form(convention: Convention, report=None):
    """The report's form: one figure per indicator still followed by ``convention``, a text,
    documents; filled with ``report`` (a report being corrected) when given."""
    class ReportForm(FlaskForm):
        text = TextAreaField(_l("Où en est le projet ?"), filters=[_strip],
                             validators=[InputRequired(_l("Racontez en quelques lignes où en "
                                                          "est le projet.")),
                                         Length(max=10000, message=TOO_LONG)])
        documents = _documents_field()

    for indicator in convention.current_indicators:
        setattr(ReportForm, f"indicator_{indicator.id}", StringField(
            f"{indicator.name} ({indicator.unit})", filters=[_strip], validators=[_figure],
            description=_l("Objectif : %(target)s %(unit)s. Le total atteint à ce jour.",
                           target=indicator.target, unit=indicator.unit)))
    if report is None:
        return ReportForm()
    data = {f"indicator_{v.indicator_id}": str(v.value) for v in report.values}
    return ReportForm(data={**data, "text": report.text})


def typed_figures(form, convention: Convention) -> dict:
    """The figures of a validated report form, by indicator id."""
    return {i.id: figure(getattr(form, f"indicator_{i.id}").data)
            for i in convention.current_indicators}


# --- Loading ---------------------------------------------------------------------------------

def load_convention(convention_id: int) -> Convention:
    return get_or_404(Convention, convention_id, may=may_view_convention)


def load_own(convention_id: int) -> Convention:
    """The holder's own convention; anyone else's: 404."""
    return get_or_404(Convention, convention_id, may=is_holder)


def child_of(model, ident: int, convention: Convention):
    obj = get_or_404(model, ident)
    if obj.convention_id != convention.id:
        abort(404)
    return obj


# --- Indicators and reporting dates: the animators; the organisation's members once signed ---

class IndicatorEditForm(FlaskForm):
    """One indicator's name, unit and target (prefixed ``ind<id>``)."""

    name = StringField(_l("Nom"), filters=[_strip],
                       validators=[InputRequired(_l("Nommez l'indicateur.")),
                                   Length(max=120, message=TOO_LONG)])
    unit = StringField(_l("Unité"), filters=[_strip],
                       validators=[InputRequired(_l("Indiquez son unité, par exemple "
                                                    "« ateliers »")),
                                   Length(max=40, message=TOO_LONG)])
    target = StringField(_l("Objectif"), filters=[_strip], validators=[_figure])

    @classmethod
    def of(cls, indicator):
        return cls(prefix=f"ind{indicator.id}", formdata=None,
                   data={"name": indicator.name, "unit": indicator.unit,
                         "target": str(indicator.target)})


def date_form_of(reporting_date) -> ReportingDateForm:
    """A reporting date's own form, filled with its date (prefixed ``date<id>``)."""
    return ReportingDateForm(prefix=f"date{reporting_date.id}", formdata=None,
                             data={"due_date": reporting_date.due_date})


def render_setup(convention, status=200, indicator_form=None, date_form=None,
                 indicator_forms=None, date_forms=None, row_errors=None):
    """The follow-up's page; a refused form is shown as typed (``…_forms`` by id), a refusal
    about a row (deleting, archiving) at that row (``row_errors``)."""
    indicator_forms, date_forms = indicator_forms or {}, date_forms or {}
    for indicator in convention.indicators:
        indicator_forms.setdefault(indicator.id, IndicatorEditForm.of(indicator))
    for reporting_date in convention.reporting_dates:
        date_forms.setdefault(reporting_date.id, date_form_of(reporting_date))
    return render_template(
        "conventions/followup_setup.html", convention=convention, dossier=convention.dossier,
        indicator_form=indicator_form or IndicatorForm(formdata=None),
        date_form=date_form or ReportingDateForm(formdata=None),
        indicator_forms=indicator_forms, date_forms=date_forms, row_errors=row_errors or {},
        today=paris_today()), status


def load_for_setup(convention_id: int) -> Convention:
    """A convention whose follow-up the user may set: 404 when they may not see it, 403
    when they see it but may not set it (a member before the signature)."""
    convention = load_convention(convention_id)
    if not may_set_followup(current_user, convention):
        abort(403)
    return convention


@bp.get("/<id:convention_id>/suivi")
@animators_and_members
def setup(convention_id: int):
    return render_setup(load_for_setup(convention_id))


@bp.post("/<id:convention_id>/suivi/indicateurs")
@animators_and_members
def add_indicator(convention_id: int):
    convention = load_for_setup(convention_id)
    form = IndicatorForm()
    if not form.validate_on_submit():
        return render_setup(convention, 422, indicator_form=form)
    on_refusal(form, "kind", lambda exc: render_setup(convention, indicator_form=form))
    indicator = followup.add_indicator(convention, current_user, IndicatorKind(form.kind.data),
                                       figure(form.target.data), form.name.data or "",
                                       form.unit.data or "")
    flash(_("Indicateur « %(name)s » ajouté.", name=indicator.name), "success")
    return redirect(url_for("followup.setup", convention_id=convention.id))


@bp.post("/<id:convention_id>/suivi/dates")
@animators_and_members
def add_reporting_date(convention_id: int):
    convention = load_for_setup(convention_id)
    form = ReportingDateForm()
    if not form.validate_on_submit():
        return render_setup(convention, 422, date_form=form)
    on_refusal(form, "due_date", lambda exc: render_setup(convention, date_form=form))
    followup.add_reporting_date(convention, current_user, day(form.due_date))
    flash(_("Date de suivi ajoutée."), "success")
    return redirect(url_for("followup.setup", convention_id=convention.id))


# --- The holder: reports and payment requests ----------------------------------------------

def render_report(convention, reporting_date, form, status=200, correcting=False):
    return render_template("conventions/followup_report.html", convention=convention,
                           dossier=convention.dossier, reporting_date=reporting_date,
                           form=form, today=paris_today(), correcting=correcting), status


@bp.route("/<id:convention_id>/bilans/<id:reporting_date_id>", methods=["GET", "POST"])
@login_required
def report_page(convention_id: int, reporting_date_id: int):
    convention = load_own(convention_id)
    reporting_date = child_of(ReportingDate, reporting_date_id, convention)
    if reporting_date.report is not None or not may_report(current_user, convention):
        # Sent already, or the convention is not running: the report (if any) to read.
        return render_report(convention, reporting_date, None)
    form = report_form(convention)
    if not form.validate_on_submit():
        return render_report(convention, reporting_date, form,
                              422 if form.is_submitted() else 200)
    on_refusal(form, "text", lambda exc: render_report(convention, reporting_date, form))
    followup.submit_report(reporting_date, current_user, typed_figures(form, convention),
                           form.text.data or "", form.documents.data or [])
    flash(_("Bilan envoyé. Merci !"), "success")
    return redirect(url_for("submissions.show_dossier", public_id=convention.dossier.public_id)
                    + "#conventions")


def _render_request(convention, payment, form, status=200):
    return render_template("conventions/followup_request.html", convention=convention,
                           dossier=convention.dossier, payment=payment, form=form,
                           current=followup.latest_request(payment),
                           PAYMENT_REQUEST_STATES=PAYMENT_REQUEST_STATES), status


@bp.route("/<id:convention_id>/versements/<id:payment_id>/demande", methods=["GET", "POST"])
@login_required
def request_payment(convention_id: int, payment_id: int):
    convention = load_own(convention_id)
    payment = child_of(Payment, payment_id, convention)
    if payment not in followup.requestable(convention) or \
            not may_report(current_user, convention):
        return _render_request(convention, payment, None)
    form = RequestForm()
    if not form.validate_on_submit():
        return _render_request(convention, payment, form, 422 if form.is_submitted() else 200)
    on_refusal(form, "text", lambda exc: _render_request(convention, payment, form))
    followup.request_payment(payment, current_user, form.text.data or "",
                             form.documents.data or [])
    flash(_("Demande de versement envoyée à %(name)s.", name=convention.organisation.name),
          "success")
    return redirect(url_for("submissions.show_dossier", public_id=convention.dossier.public_id)
                    + "#conventions")


# --- The organisation: deciding on a request -------------------------------------------------

def _render_decision(convention, request_, form, status=200, page_errors=()):
    return render_template("conventions/followup_decide.html", convention=convention,
                           dossier=convention.dossier, payment_request=request_, form=form,
                           page_errors=list(page_errors),
                           PAYMENT_REQUEST_STATES=PAYMENT_REQUEST_STATES), status


@bp.route("/<id:convention_id>/demandes/<id:request_id>", methods=["GET", "POST"])
@animators_and_members
def decide(convention_id: int, request_id: int):
    convention = load_convention(convention_id)
    request_ = child_of(PaymentRequest, request_id, convention)
    form = DecisionForm()
    if not form.is_submitted():
        return _render_decision(convention, request_, DecisionForm(formdata=None))
    if not followup.may_decide(current_user, request_):
        abort(403)
    if request_.state != PaymentRequestState.REQUESTED:  # decided meanwhile
        return _render_decision(convention, request_, form, 409, page_errors=[
            _("Cette demande a déjà été traitée : elle est « %(state)s ».",
              state=PAYMENT_REQUEST_STATES[request_.state].label)])
    if not form.validate():
        return _render_decision(convention, request_, form, 422)
    on_refusal(form, "reason", lambda exc: _render_decision(convention, request_, form))
    followup.decide(request_, current_user, form.decision.data == "approve",
                    form.reason.data or "")
    flash(_("Demande de versement approuvée.") if form.decision.data == "approve"
          else _("Demande de versement refusée."), "success")
    return redirect(url_for("conventions.show_convention", convention_id=convention.id)
                    + "#followup")


@bp.app_context_processor
def _followup_helpers() -> dict:
    """What the convention's page and the holder's dossier page show of the follow-up."""
    return {"PAYMENT_REQUEST_LABELS": PAYMENT_REQUEST_STATES,
            "followup_totals": followup.totals_reported,
            "followup_status": lambda d: followup.report_status(d, paris_today()),
            "followup_requestable": followup.requestable,
            "followup_latest_request": followup.latest_request,
            "convention_timeline": history.timeline, "describe_change": history.describe}
