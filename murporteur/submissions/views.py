"""The holder's pages: the confirmation, the receipt and the dossier page (the idea form and
drafts: ``idea_views``)."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from murporteur.accounts import policies as policies_accounts
from murporteur.accounts.services import link_landing_asked
from murporteur.collective import settings as collective_settings
from murporteur.core.forms import text
from murporteur.core.handling import on_refusal, visible_or_404
from murporteur.core.urls import site_path
from murporteur.extensions import db
from murporteur.notifications.services import in_app_page_asked
from murporteur.submissions import policies, scanning, services, uploads
from murporteur.submissions.forms import MessageForm, WithdrawForm
from murporteur.submissions.models import DocumentKind, Dossier
from murporteur.submissions.receipt import receipt_pdf
from murporteur.submissions.workflow import STATES

bp = Blueprint("submissions", __name__)

_DRAFTS = "drafts"  # public ids of the drafts this browser created without an account


def _staging_key() -> str:
    if "staging_key" not in session:
        session["staging_key"] = secrets.token_hex(16)
    return session["staging_key"]


def _remember_draft(dossier: Dossier) -> None:
    drafts = [d for d in session.get(_DRAFTS, []) if d != dossier.public_id]
    session[_DRAFTS] = (drafts + [dossier.public_id])[-20:]


def _user():
    return current_user if current_user.is_authenticated else None


def _may_edit(dossier: Dossier) -> bool:
    user = _user()
    return (user is not None and user.id == dossier.holder_id) or \
        dossier.public_id in session.get(_DRAFTS, [])


def _load(public_id: str) -> Dossier:
    return visible_or_404(services.find_by_public_id(public_id))


@link_landing_asked.connect
def _dossier_of_link(access) -> str | None:
    """A login link sent about a dossier leads to it (its form while it is a draft), when it
    is still its holder's."""
    dossier = db.session.get(Dossier, access.dossier_id) if access.dossier_id else None
    if dossier is None or dossier.holder_id != access.user_id:
        return None
    if dossier.is_draft:
        return url_for("submissions.edit_draft", public_id=dossier.public_id)
    return url_for("submissions.show_dossier", public_id=dossier.public_id)


@in_app_page_asked.connect
def _dossier_of_bell_entry(user, *, dossier_id: int) -> str | None:
    """A bell entry about a dossier leads its holder to the dossier's page."""
    if not policies_accounts.may_hold_dossiers(user):
        return None
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.holder_id != user.id:
        return None
    return site_path("submissions.show_dossier", public_id=dossier.public_id)


@bp.get("/deposer/<public_id>/merci")
def confirmation(public_id: str):
    dossier = _load(public_id)
    if not _may_edit(dossier) or dossier.number is None:
        abort(404)
    return render_template("submissions/confirmation.html", dossier=dossier)


@bp.get("/deposer/<public_id>/recapitulatif.pdf")
def receipt(public_id: str):
    """The PDF of what was sent, for whoever reached the confirmation (or holds it)."""
    dossier = _load(public_id)
    if not _may_edit(dossier) or dossier.number is None:
        abort(404)
    pdf = receipt_pdf(dossier)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{dossier.number}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.get("/mes-dossiers")
@login_required
def my_dossiers():
    return render_template("submissions/my_dossiers.html",
                           dossiers=services.dossiers_of(current_user))


def _own(user, dossier: Dossier) -> bool:
    return user.is_authenticated and dossier.holder_id == user.id


def _load_own(public_id: str) -> Dossier:
    return visible_or_404(services.find_by_public_id(public_id), may=_own)


@bp.get("/mes-dossiers/<public_id>")
@login_required
def show_dossier(public_id: str):
    dossier = _load_own(public_id)
    if dossier.is_draft:
        return redirect(url_for("submissions.edit_draft", public_id=public_id))
    return _render_dossier(dossier, MessageForm())


def _render_dossier(dossier: Dossier, message_form: MessageForm, status: int = 200):
    structure = services.redirect_structure(dossier)
    services.load_page(dossier)
    return render_template(
        "submissions/dossier.html", dossier=dossier, state=STATES[dossier.state],
        documents=policies.documents_for(current_user, dossier), message_form=message_form,
        may_withdraw=services.may_withdraw(dossier, current_user), structure=structure,
        request_open=services.open_request(dossier,
                                           collective_settings.get("holder_answer_days"))
    ), status


@bp.post("/mes-dossiers/<public_id>/messages")
@login_required
def post_message(public_id: str):
    dossier = _load_own(public_id)
    form = MessageForm()
    if dossier.is_withdrawn:  # its page no longer shows the message form: say why
        flash(_("Ce dossier est retiré : il ne reçoit plus de messages."), "error")
        return _render_dossier(dossier, form, 409)
    on_refusal(form, "body", lambda exc: _render_dossier(dossier, form, 422))
    response = post_message_from(form, dossier, "submissions.show_dossier",
                                 public_id=dossier.public_id)
    return response or _render_dossier(dossier, form, 422)


def post_message_from(form: MessageForm, dossier: Dossier, endpoint: str, **values):
    """Post the message of ``form`` (the holder's or an animator's), files included.

    Returns the redirect after success, or None with the errors set on the form (the page
    drawn again is a 422: nothing is committed, the files just stored included). A refusal of
    the rules comes back through the caller's ``on_refusal``.
    """
    if not form.validate():
        return None
    attachments, errors = uploads.store_many(
        request.files.getlist(form.attachments.name), already=0, uploaded_by_id=current_user.id,
        kind=DocumentKind.MESSAGE)
    if errors:
        form.attachments.errors = errors
        return None
    services.post_message(dossier, current_user, text(form.body), attachments)
    flash(_("Message envoyé."), "success")
    return redirect(url_for(endpoint, **values) + "#messages")


@bp.route("/mes-dossiers/<public_id>/retirer", methods=["GET", "POST"])
@login_required
def withdraw_dossier(public_id: str):
    dossier = _load_own(public_id)
    form = WithdrawForm()
    if not services.may_withdraw(dossier, current_user):
        flash(_("Ce dossier ne peut plus être retiré : une décision a été prise."), "error")
        return redirect(url_for("submissions.show_dossier", public_id=public_id))
    if form.validate_on_submit():
        services.withdraw_dossier(dossier, current_user, form.reason.data or "")
        flash(_("Votre dossier a été retiré. Nous avons prévenu l'équipe d'animation."),
              "success")
        return redirect(url_for("submissions.show_dossier", public_id=public_id))
    return render_template("submissions/withdraw.html", dossier=dossier, form=form)


def _withheld(document):
    """A file the antivirus has not cleared: refused with the reason, never served."""
    if document.scan_status == scanning.INFECTED:
        message = _("Un virus a été détecté dans « %(name)s » : le fichier a été mis en "
                    "quarantaine et ne peut pas être téléchargé. Envoyez-en une copie saine.",
                    name=document.original_name)
    else:
        message = _("« %(name)s » est en cours d'analyse antivirus : il sera disponible dans "
                    "quelques instants. Réessayez un peu plus tard.", name=document.original_name)
    return render_template("errors/error.html", status=409, title=_("Fichier indisponible"),
                           message=message, back=None), 409


@bp.app_context_processor
def _document_policy() -> dict:
    """``may_view_document(d)`` for every template that links a file: the one rule, asked
    for the current user and this browser's staged files."""
    return {"may_view_document": lambda document: policies.may_view_document(
        _user(), document, staging_key=session.get("staging_key"))}


@bp.get("/documents/<public_id>")
def download_document(public_id: str):
    document = services.find_document(public_id)
    if document is None or not policies.may_view_document(
            _user(), document, staging_key=session.get("staging_key")):
        abort(404)
    if document.scan_status in scanning.WITHHELD:
        return _withheld(document)
    return uploads.send(document)


from murporteur.submissions import idea_views  # noqa: E402,F401  (the idea form's routes)
