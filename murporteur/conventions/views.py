"""Conventions: animators manage them, members see and sign their organisation's.

Each action is a small form posting to its own route: load → check access → call a service →
flash and redirect (the request commits at its end); a refused form is shown again (422, by
``on_refusal``) with the message next to the field it concerns and what was typed kept. A
convention a member may not see answers 404, so that its existence is never revealed.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from murporteur.accounts.models import Role
from murporteur.conventions import services, signatures
from murporteur.conventions.forms import (
    AmendmentForm,
    ConventionForm,
    PaidForm,
    PaymentForm,
    ReferenceForm,
    SignedCopyForm,
    StepForm,
    cents,
)
from murporteur.conventions.labels import AMENDED_FIELD_LABELS, KIND_LABELS
from murporteur.conventions.models import Convention, Payment
from murporteur.conventions.policies import may_manage_convention, may_sign, may_view_convention
from murporteur.conventions.workflow import (
    CONVENTION_STATES,
    CONVENTION_TRANSITIONS,
    FINISHED,
    LIFECYCLE,
    SIGNATURE_STATES,
    SIGNED_STATES,
    ConventionState,
)
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.forms import day, text
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.core.lifecycle import apply_transition
from murporteur.core.money import cents_to_input, format_cents
from murporteur.core.timeutil import paris_today
from murporteur.submissions.services import find_by_number

bp = Blueprint("conventions", __name__, url_prefix="/conventions")

animators_only = roles_required(Role.ANIMATOR)
#: The convention's page, the signature and the signed copy: animators, and the members of
#: the convention's organisation (``policies.may_view_convention`` says which convention).
animators_and_members = roles_required(Role.ANIMATOR, Role.MEMBER)


# --- Loading and shared pieces ------------------------------------------------------------

def _load(convention_id: int) -> Convention:
    return get_or_404(Convention, convention_id, may=may_view_convention)


def _load_payment(convention: Convention, payment_id: int) -> Payment:
    payment = get_or_404(Payment, payment_id)
    if payment.convention_id != convention.id:
        abort(404)
    return payment


def _load_dossier(number: str):
    dossier = find_by_number(number)
    if dossier is None or dossier.is_draft:
        abort(404)
    return dossier


def totals(conventions) -> dict[str, int]:
    """The sums shown under a list of conventions, in cents."""
    names = ("committed_cents", "in_kind_cents", "scheduled_cents", "paid_cents",
             "remaining_cents")
    return {name: sum(getattr(c, name) for c in conventions) for name in names}


@bp.app_context_processor
def _convention_labels() -> dict:
    """The words of the conventions' states and kinds, for every template: the holder's
    dossier page includes ``conventions/_holder_conventions.html`` too."""
    return {"CONVENTION_LABELS": {"states": CONVENTION_STATES, "kinds": KIND_LABELS,
                                  "amended_fields": AMENDED_FIELD_LABELS},
            "SIGNATURE_LABELS": SIGNATURE_STATES}


# --- Lists ---------------------------------------------------------------------------------

@bp.get("/")
@animators_only
def list_conventions():
    state = params.choice(request.args.get("state"), CONVENTION_STATES, "")
    organisation = params.identifier(request.args.get("organisation"))
    conventions = services.conventions_for(current_user, state=state,
                                           organisation_id=organisation)
    filtered = (bool(state) or organisation is not None) and \
        len(conventions) != services.count_conventions(current_user)
    return render_template("conventions/list.html", conventions=conventions,
                           organisations=services.organisations_with_conventions(current_user),
                           totals=totals(conventions),
                           filters={"state": state, "organisation": str(organisation or "")},
                           filtered=filtered)


@bp.get("/mes-conventions")
@roles_required(Role.MEMBER)
def my_conventions():
    conventions = services.conventions_for(current_user)
    return render_template("conventions/my_conventions.html", conventions=conventions)


# --- A dossier's conventions ---------------------------------------------------------------

def render_dossier(dossier, status: int = 200, page_errors=(), send_refusal=None):
    """A dossier's conventions; ``send_refusal``: why its drafts could not be sent for
    signature (``signatures.NoSignatory``), said at the sending form."""
    conventions = list(dossier.conventions)
    have = {c.organisation_id for c in conventions}
    pending = [(organisation, position, services.kind_of(position))
               for organisation, position in services.supporting_offers(dossier)
               if organisation.id not in have]
    signers = {c.organisation_id: signatures.signatory_of(c.organisation_id)
               for c in conventions if c.state == ConventionState.DRAFT}
    return render_template("conventions/dossier.html", dossier=dossier,
                           conventions=conventions, totals=totals(conventions),
                           pending=pending, page_errors=list(page_errors),
                           signers=signers, send_refusal=send_refusal), status


@bp.get("/dossiers/<number>")
@animators_only
def dossier_conventions(number: str):
    return render_dossier(_load_dossier(number))


@bp.post("/dossiers/<number>/creer")
@animators_only
def create_for_dossier(number: str):
    dossier = _load_dossier(number)
    on_refusal(None, None, lambda exc: render_dossier(dossier, page_errors=[exc.message]))
    created = services.create_conventions(dossier, current_user)
    if created:
        flash(ngettext("%(num)d convention créée en brouillon, pré-remplie avec l'offre du "
                       "comité.",
                       "%(num)d conventions créées en brouillon, pré-remplies avec les offres "
                       "du comité.", len(created)), "success")
    else:
        flash(_("Chaque organisation qui soutient le projet a déjà sa convention."), "info")
    return redirect(url_for("conventions.dossier_conventions", number=dossier.number))


# --- One convention ------------------------------------------------------------------------

def _signed(convention: Convention) -> bool:
    return convention.state in SIGNED_STATES


def _edit_form(convention: Convention):
    return ReferenceForm if _signed(convention) else ConventionForm


def _paid_form(payment: Payment) -> PaidForm:
    return PaidForm(prefix=f"pay{payment.id}", formdata=None, data={
        "paid_date": paris_today(), "amount": cents_to_input(payment.amount_cents)})


def _render(convention: Convention, status: int = 200, **forms):
    manages = may_manage_convention(current_user, convention)
    steps = LIFECYCLE.available(convention, current_user)
    step_forms = forms.get("step_forms") or {}
    for step in steps:
        step_forms.setdefault(step.name, StepForm(prefix=step.name, formdata=None))
    context = {}
    if manages:
        posted = forms.get("paid_forms") or {}
        context = {
            "edit_form": forms.get("edit_form") or _edit_form(convention).of(convention),
            "amend_form": forms.get("amend_form") or AmendmentForm(formdata=None),
            "payment_form": forms.get("payment_form") or PaymentForm(formdata=None),
            "paid_forms": {p.id: posted.get(p.id) or _paid_form(p)
                           for p in convention.payments if p.paid_date is None},
        }
    return render_template(
        "conventions/show.html", convention=convention, dossier=convention.dossier,
        state=CONVENTION_STATES[convention.state], transitions=CONVENTION_TRANSITIONS,
        signed=_signed(convention), finished=convention.state in FINISHED,
        steps=steps, step_forms=step_forms, page_errors=forms.get("page_errors", []),
        upload_form=forms.get("upload_form") or SignedCopyForm(formdata=None),
        **context), status


def _done(convention: Convention, message: str, anchor: str = ""):
    flash(message, "success")
    return redirect(url_for("conventions.show_convention", convention_id=convention.id) + anchor)


def _on_refusal(convention: Convention, form, field: str | None, **forms) -> None:
    """A refusal of the rules: the convention's page again, ``form`` as typed and the message
    at ``field`` (at the top of the page when there is no field)."""
    def render(exc):
        if field is None:
            return _render(convention, page_errors=[exc.message], **forms)
        return _render(convention, **forms)

    on_refusal(form, field, render)


@bp.get("/<id:convention_id>")
@animators_and_members
def show_convention(convention_id: int):
    return _render(_load(convention_id))


@bp.post("/<id:convention_id>/modifier")
@animators_only
def edit_convention(convention_id: int):
    convention = _load(convention_id)
    form = _edit_form(convention)()
    if not form.validate_on_submit():
        return _render(convention, 422, edit_form=form)
    _on_refusal(convention, form, _field_refused(form), edit_form=form)
    services.update_convention(convention, current_user, **form.values())
    return _done(convention, _("Convention enregistrée."), "#details")


def _field_refused(form):
    """Where a refusal of ``update_convention`` is shown: the end date when the dates typed
    are the wrong way round, otherwise the amount committed (the schedule, the signature).
    The rules themselves are the service's; this only places its message."""
    if not isinstance(form, ConventionForm):
        return "reference"
    start, end = form.start_date.data, form.end_date.data
    return "end_date" if start and end and end < start else "committed"


@bp.post("/<id:convention_id>/avenant")
@animators_only
def amend_convention(convention_id: int):
    convention = _load(convention_id)
    form = AmendmentForm()
    if not form.validate_on_submit():
        return _render(convention, 422, amend_form=form)
    _on_refusal(convention, form, "new_amount", amend_form=form)
    amendment = services.amend(convention, current_user, field=form.field.data,
                               new_cents=cents(form.new_amount), reason=text(form.reason))
    return _done(convention, _("Avenant enregistré : %(field)s passe de %(old)s à %(new)s.",
                               field=AMENDED_FIELD_LABELS[amendment.field].lower(),
                               old=format_cents(amendment.old_cents),
                               new=format_cents(amendment.new_cents)), "#amendments")


@bp.post("/<id:convention_id>/versements")
@animators_only
def add_payment(convention_id: int):
    convention = _load(convention_id)
    form = PaymentForm()
    if not form.validate_on_submit():
        return _render(convention, 422, payment_form=form)
    _on_refusal(convention, form, "amount", payment_form=form)
    payment = services.schedule_payment(convention, current_user, day(form.planned_date),
                                        cents(form.amount))
    return _done(convention, _("Versement de %(amount)s prévu.",
                               amount=format_cents(payment.amount_cents)), "#payments")


@bp.post("/<id:convention_id>/versements/<id:payment_id>/paye")
@animators_only
def mark_payment_paid(convention_id: int, payment_id: int):
    convention = _load(convention_id)
    payment = _load_payment(convention, payment_id)
    form = PaidForm(prefix=f"pay{payment.id}")
    if not form.validate_on_submit():
        return _render(convention, 422, paid_forms={payment.id: form})
    _on_refusal(convention, form, "amount", paid_forms={payment.id: form})
    services.mark_paid(payment, current_user, day(form.paid_date),
                       form.paid_cents(payment.amount_cents))
    return _done(convention, _("Versement de %(amount)s noté comme effectué.",
                               amount=format_cents(payment.paid_amount_cents)), "#payments")


@bp.post("/<id:convention_id>/versements/<id:payment_id>/supprimer")
@animators_only
def delete_payment(convention_id: int, payment_id: int):
    convention = _load(convention_id)
    payment = _load_payment(convention, payment_id)
    _on_refusal(convention, None, None)
    services.remove_payment(payment, current_user)
    return _done(convention, _("Versement retiré de l'échéancier."), "#payments")


@bp.post("/<id:convention_id>/etape/<name>")
@animators_and_members
def apply_step(convention_id: int, name: str):
    convention = _load(convention_id)
    if name not in CONVENTION_TRANSITIONS:
        abort(404)
    form = StepForm(prefix=name)
    if not form.validate_on_submit():
        return _render(convention, 422, step_forms={name: form})
    if not LIFECYCLE.may(convention, name, current_user):
        abort(403)
    if convention.state in CONVENTION_TRANSITIONS[name].sources:
        _on_refusal(convention, form, "comment", step_forms={name: form})
    else:  # out of turn (the convention moved meanwhile): said at the top of the page
        _on_refusal(convention, None, None)
    apply_transition(convention, name, current_user, form.comment.data or "")
    return _done(convention, _("C'est fait : la convention est maintenant « %(state)s ».",
                               state=CONVENTION_STATES[convention.state].label))


@bp.post("/<id:convention_id>/copie-signee")
@animators_and_members
def upload_signed_copy(convention_id: int):
    convention = _load(convention_id)
    form = SignedCopyForm()
    if not form.validate_on_submit():
        return _render(convention, 422, upload_form=form)
    upload = form.document.data
    if not upload or not upload.filename:
        form.document.errors = [*form.document.errors,
                                _("Choisissez le fichier de la convention signée.")]
        return _render(convention, 422, upload_form=form)
    if not may_sign(current_user, convention):
        abort(403)
    _on_refusal(convention, form, "document", upload_form=form)
    document = services.store_signed_copy(convention, upload, current_user)
    return _done(convention, _("Copie signée « %(name)s » déposée.",
                               name=document.original_name), "#signed-copy")
