"""The conventions' templates, generated documents and electronic signatures (issue 18).

The animators keep the templates and send documents for signature; each signatory reads the
document and signs on their own page (anyone else: 404); anyone may check a sealed PDF.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from murporteur.accounts.models import Organisation, Role, User
from murporteur.accounts.signatories import may_sign_for
from murporteur.conventions import delegations, documents, seal, signatures, templates, tfpb
from murporteur.conventions.labels import KIND_LABELS
from murporteur.conventions.models import Convention, ConventionKind, TfpbAxis
from murporteur.conventions.policies import (
    may_delegate_signature,
    may_sign_document,
    may_view_document,
    may_view_signature,
    may_withdraw_delegation,
)
from murporteur.conventions.signing_forms import (
    CodeForm,
    DelegateForm,
    SendForm,
    TemplateForm,
    TfpbForm,
    VerifyForm,
)
from murporteur.conventions.signing_models import ConventionDocument, Signature
from murporteur.conventions.views import render_dossier
from murporteur.conventions.workflow import SIGNATURE_STATES, ConventionState
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.errors import DomainError
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.core.tables import send_table
from murporteur.extensions import db
from murporteur.submissions.services import find_by_number

bp = Blueprint("signing", __name__, url_prefix="/conventions")
animators_only = roles_required(Role.ANIMATOR)


# --- Templates -----------------------------------------------------------------------------

def _kind(value: str) -> ConventionKind:
    try:
        return ConventionKind(value)
    except ValueError:
        abort(404)


def _organisation(value) -> Organisation | None:
    ident = params.identifier(value)
    if ident is None:
        return None
    return get_or_404(Organisation, ident)


@bp.get("/modeles")
@animators_only
def list_templates():
    saved = templates.list_templates()
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    return render_template("conventions/templates_list.html", saved=saved,
                           kinds=list(ConventionKind), labels=KIND_LABELS,
                           organisations=organisations)


def _render_template_form(kind, organisation, form, status=200):
    candidates = list(db.session.scalars(
        select(Convention).where(Convention.kind == kind).order_by(Convention.id.desc())
        .limit(30)))
    return render_template("conventions/template_form.html", kind=kind, label=KIND_LABELS[kind],
                           organisation=organisation, form=form,
                           placeholders=templates.PLACEHOLDERS.values(),
                           candidates=candidates), status


@bp.route("/modeles/<kind>", methods=["GET", "POST"])
@animators_only
def edit_template(kind: str):
    kind_ = _kind(kind)
    organisation = _organisation(request.values.get("organisation"))
    organisation_id = organisation.id if organisation else None
    if request.method == "GET":
        current = templates.template_for(kind_, organisation_id)
        form = TemplateForm(formdata=None, data={"title": current.title, "body": current.body})
        return _render_template_form(kind_, organisation, form)
    form = TemplateForm()
    if not form.validate_on_submit():
        return _render_template_form(kind_, organisation, form, 422)
    on_refusal(form, "body", lambda exc: _render_template_form(kind_, organisation, form))
    templates.save_template(current_user, kind_, organisation_id, form.title.data or "",
                            form.body.data or "")
    flash(_("Modèle enregistré."), "success")
    return redirect(url_for("signing.edit_template", kind=kind_.value,
                            organisation=organisation_id or None))


@bp.post("/modeles/<kind>/apercu")
@animators_only
def preview_template(kind: str):
    """The PDF the form's wording would give for a real convention, without saving."""
    kind_ = _kind(kind)
    organisation = _organisation(request.values.get("organisation"))
    form = TemplateForm()
    if not form.validate_on_submit():
        return _render_template_form(kind_, organisation, form, 422)
    convention = db.session.get(Convention, form.convention.data) if form.convention.data \
        else None
    if convention is None:
        form.convention.errors = [_("Choisissez une convention pour l'aperçu.")]
        return _render_template_form(kind_, organisation, form, 422)
    try:
        templates.check_body(form.body.data or "")
    except DomainError as exc:
        form.body.errors = [exc.message]
        return _render_template_form(kind_, organisation, form, 422)
    html = documents.render_with(form.title.data or "", form.body.data or "", [convention])
    pdf = documents.html_to_pdf(html)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": "inline; filename=apercu.pdf", "Cache-Control": "no-store"})


# --- Sending a dossier's conventions for signature -----------------------------------------

@bp.post("/dossiers/<number>/signature")
@animators_only
def send_for_signature(number: str):
    dossier = find_by_number(number)
    if dossier is None or dossier.is_draft:
        abort(404)
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = {params.identifier(v) for v in request.form.getlist("conventions")}
    chosen = [c for c in dossier.conventions if c.id in wanted]
    back = url_for("conventions.dossier_conventions", number=dossier.number)
    try:
        document = signatures.send_for_signature(chosen, current_user)
    except signatures.NoSignatory as refused:
        db.session.rollback()
        return render_dossier(dossier, 422, send_refusal=refused)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    flash(_("Document envoyé pour signature à %(n)s signataire(s).",
            n=len(document.signatures)), "success")
    return redirect(back)


@bp.get("/dossiers/<number>/apercu.pdf")
@animators_only
def preview_dossier_document(number: str):
    """The document the dossier's drafts would give, generated now and not kept: it is frozen
    only when sent for signature."""
    dossier = find_by_number(number)
    if dossier is None or dossier.is_draft:
        abort(404)
    drafts = sendable(dossier)
    if not drafts:
        abort(404)
    return _pdf(documents.document_pdf(drafts), f"apercu-{dossier.number}.pdf")


# --- Documents -----------------------------------------------------------------------------

def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


@bp.get("/documents/<id:document_id>.pdf")
@login_required
def document_pdf(document_id: int):
    document = get_or_404(ConventionDocument, document_id, may=may_view_document)
    return _pdf(document.pdf, f"convention-{document.dossier.number}-{document.id}.pdf")


@bp.get("/documents/<id:document_id>/scellee.pdf")
@login_required
def sealed_pdf(document_id: int):
    document = get_or_404(ConventionDocument, document_id, may=may_view_document)
    if document.sealed_pdf is None:
        abort(404)
    return _pdf(document.sealed_pdf,
                f"convention-{document.dossier.number}-{document.id}-scellee.pdf")


# --- One signature -------------------------------------------------------------------------

def _load(signature_id: int) -> Signature:
    """A signature its organisation's people, its signatory or its delegator may see; anyone
    else: 404. Acting on it is asked apart (403): a colleague sees who signs, not signs."""
    return get_or_404(Signature, signature_id, may=may_view_signature)


def _members(signature: Signature) -> list[User]:
    """Whom the signature may be delegated to: the organisation's other active people."""
    if signature.organisation_id is None:
        return []
    return [u for u in db.session.scalars(select(User).where(
        User.organisation_id == signature.organisation_id, User.active.is_(True),
        User.id != signature.signer_id).order_by(User.full_name, User.email))
        if may_sign_for(u, signature.organisation_id)]


def _render_signature(signature: Signature, status: int = 200, code_form=None,
                      delegate_form=None, page_errors=()):
    members = _members(signature) if may_delegate_signature(current_user, signature) else []
    delegate_form = delegate_form or DelegateForm(formdata=None)
    delegate_form.member.choices = [(m.id, m.display_name) for m in members]
    return render_template(
        "conventions/sign.html", signature=signature, document=signature.document,
        state=SIGNATURE_STATES[signature.state], code_form=code_form or CodeForm(formdata=None),
        delegate_form=delegate_form, members=members, action_form=SendForm(formdata=None),
        page_errors=list(page_errors),
        party=signature.organisation.name if signature.organisation else
        signature.document.dossier.structure_name), status


def _require(may, signature: Signature) -> None:
    if not may(current_user, signature):
        abort(403)


@bp.get("/signatures/<id:signature_id>")
@login_required
def signature_page(signature_id: int):
    return _render_signature(_load(signature_id))


@bp.post("/signatures/<id:signature_id>/code")
@login_required
def send_code(signature_id: int):
    signature = _load(signature_id)
    form = CodeForm()
    if not form.validate_on_submit():
        return _render_signature(signature, 422)
    _require(may_sign_document, signature)
    on_refusal(form, "code", lambda exc: _render_signature(signature, code_form=form))
    signatures.send_code(signature, current_user)
    flash(_("Un code vous a été envoyé par courriel ; il vaut %(n)s minutes.",
            n=signatures.CODE_MINUTES), "success")
    return redirect(url_for("signing.signature_page", signature_id=signature.id) + "#sign")


@bp.post("/signatures/<id:signature_id>/signer")
@login_required
def sign(signature_id: int):
    signature = _load(signature_id)
    form = CodeForm()
    if not form.validate_on_submit():
        return _render_signature(signature, 422, code_form=form)
    _require(may_sign_document, signature)
    if not form.read.data:
        form.read.errors = [_("Cochez la case pour dire que vous avez lu le document.")]
        return _render_signature(signature, 422, code_form=form)
    if not (form.code.data or "").strip():
        form.code.errors = [_("Tapez le code reçu par courriel.")]
        return _render_signature(signature, 422, code_form=form)
    on_refusal(form, "code", lambda exc: _render_signature(signature, code_form=form))
    try:
        signatures.sign(signature, current_user, form.code.data or "", request.remote_addr)
    except signatures.CodeRefused as exc:
        db.session.commit()  # the attempt counts, although the page is refused (422)
        form.code.errors = [exc.message]
        return _render_signature(signature, 422, code_form=form)
    flash(_("Vous avez signé le document."), "success")
    return redirect(url_for("signing.signature_page", signature_id=signature.id))


@bp.post("/signatures/<id:signature_id>/deleguer")
@login_required
def delegate(signature_id: int):
    signature = _load(signature_id)
    form = DelegateForm()
    form.member.choices = [(m.id, m.display_name) for m in _members(signature)]
    if not form.validate_on_submit():
        return _render_signature(signature, 422, delegate_form=form)
    _require(may_delegate_signature, signature)
    to = db.session.get(User, form.member.data) if form.member.data else None
    if to is None:
        form.member.errors = [_("Choisissez la personne qui signera.")]
        return _render_signature(signature, 422, delegate_form=form)
    on_refusal(form, "member", lambda exc: _render_signature(signature, delegate_form=form))
    delegations.delegate(signature, current_user, to)
    flash(_("Signature déléguée à %(name)s, qui en est prévenu·e. Vous pouvez la reprendre "
            "tant qu'elle n'est pas donnée.", name=to.display_name), "success")
    return redirect(url_for("signing.signature_page", signature_id=signature.id))


@bp.post("/signatures/<id:signature_id>/reprendre")
@login_required
def withdraw_delegation(signature_id: int):
    signature = _load(signature_id)
    if not SendForm().validate_on_submit():
        abort(400)
    _require(may_withdraw_delegation, signature)
    delegate_name = signature.signer.display_name
    on_refusal(None, None, lambda exc: _render_signature(signature, page_errors=[exc.message]))
    delegations.withdraw(signature, current_user)
    flash(_("Vous avez repris la signature : %(name)s n'a plus à signer et en est prévenu·e.",
            name=delegate_name), "success")
    return redirect(url_for("signing.signature_page", signature_id=signature.id) + "#sign")


# --- Checking a sealed PDF -----------------------------------------------------------------

@bp.route("/verifier", methods=["GET", "POST"])
def verify():
    form = VerifyForm()
    verdict = document = None
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("conventions/verify.html", form=form), 422
        upload = form.document.data
        if not upload or not upload.filename:
            form.document.errors = [_("Choisissez le fichier PDF à vérifier.")]
            return render_template("conventions/verify.html", form=form), 422
        data = upload.read()
        verdict = seal.verify(data)
        document = signatures.document_by_hash(documents.sha256(data))
    return render_template("conventions/verify.html", form=form, verdict=verdict,
                           known=document is not None), 200


# Which conventions of a dossier may go out for signature (for the dossier page).
def sendable(dossier) -> list[Convention]:
    return [c for c in dossier.conventions if c.state == ConventionState.DRAFT]


# --- TFPB: QPV actions and the landlords' reporting ----------------------------------------

@bp.app_context_processor
def _tfpb_axes() -> dict:
    return {"TFPB_AXES": tfpb.AXIS_LABELS}


@bp.post("/<id:convention_id>/tfpb")
@animators_only
def mark_tfpb(convention_id: int):
    convention = get_or_404(Convention, convention_id)
    form = TfpbForm()
    back = url_for("conventions.show_convention", convention_id=convention.id) + "#tfpb"
    if not form.validate_on_submit():
        abort(400)
    value = form.axis.data or ""
    if value and value not in {a.value for a in TfpbAxis}:
        flash(_("Choisissez parmi les réponses proposées."), "error")
        return redirect(back)
    try:
        tfpb.mark(convention, current_user, TfpbAxis(value) if value else None,
                  form.qpv.data or "")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    flash(_("Action QPV enregistrée.") if value else _("La convention n'est plus une action "
                                                       "QPV."), "success")
    return redirect(back)


@bp.get("/tfpb")
@animators_only
def tfpb_report():
    year = params.identifier(request.args.get("annee"))
    data = tfpb.rows(year)
    wanted = params.choice(request.args.get("format"), {"csv": 1, "xlsx": 1, "pdf": 1}, "")
    name = f"tfpb-{year or 'toutes-annees'}"
    if wanted in ("csv", "xlsx"):
        return send_table(wanted, f"{name}.{wanted}", "TFPB", tfpb.HEADERS, tfpb.table(data))
    if wanted == "pdf":
        html = render_template("conventions/pdf/tfpb.html", rows=data, year=year,
                               headers=tfpb.HEADERS)
        return Response(documents.html_to_pdf(html), mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}.pdf"'})
    return render_template("conventions/tfpb.html", rows=data, year=year,
                           headers=tfpb.HEADERS)
