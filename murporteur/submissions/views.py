"""The holder's pages: the idea form, drafts, the confirmation and the dossier page."""

from __future__ import annotations

import secrets
import time

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from murporteur.accounts import policies as policies_accounts
from murporteur.accounts.services import link_landing_asked
from murporteur.collective import references
from murporteur.collective import settings as collective_settings
from murporteur.core import params
from murporteur.core.forms import text
from murporteur.core.handling import on_refusal, visible_or_404
from murporteur.core.security import filled_too_fast, form_stamp, genuine_stamp, idea_limit
from murporteur.core.urls import site_path
from murporteur.extensions import db
from murporteur.notifications.services import in_app_page_asked
from murporteur.submissions import extensions, policies, scanning, services, uploads
from murporteur.submissions.forms import FIELD_OF, IdeaForm, MessageForm, WithdrawForm
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


@bp.route("/deposer", methods=["GET", "POST"])
@idea_limit
def new_idea():
    return _idea_form(None)


@bp.route("/deposer/<public_id>", methods=["GET", "POST"])
@idea_limit
def edit_draft(public_id: str):
    dossier = _load(public_id)
    if not _may_edit(dossier):
        if _user() is None:
            flash(_("Pour reprendre ce brouillon, utilisez le lien reçu par e-mail ou "
                    "demandez-en un nouveau."), "info")
            return redirect(url_for("accounts.request_link"))
        abort(404)
    if not dossier.is_draft:
        if request.method == "POST":
            return _sent_already(dossier)  # the form sent again after it went (double click)
        return redirect(url_for("submissions.show_dossier", public_id=dossier.public_id))
    return _idea_form(dossier)


def _holder_signed_in():
    """The holder account signed in on this browser, if any (staff fill the form as anyone)."""
    user = _user()
    return user if policies_accounts.may_hold_dossiers(user) else None


def _idea_form(dossier: Dossier | None):
    form = IdeaForm()
    if dossier is not None:  # an archived kind of support it holds stays offered, and kept
        form.support_kinds.choices = references.choices("support_kind",
                                                        dossier.support_kinds or [])
    key = _staging_key()
    holder = dossier.holder if dossier is not None else _holder_signed_in()
    # The sections higher layers add (a call's questions…), drawn again by _idea_page.
    g.idea_extensions = actives = extensions.active(dossier, request.values)
    if request.method == "GET":
        if dossier is not None:
            form.fill_from(dossier)
        elif holder is not None:
            form.email.data = holder.email
            form.contact_name.data = holder.full_name
    # A key that is not one we drew (64 characters at most, as its column) is replaced.
    if dossier is None and not params.token(form.submission_key.data, 64):
        form.submission_key.data = secrets.token_urlsafe(24)
    if request.method != "POST":
        return _idea_page(form, dossier, key)
    if form.website.data:
        # Only robots see the field: nothing is stored, what was sent comes back as it was.
        return _idea_page(form, dossier, key, [_(
            "Votre envoi ressemble à celui d'un robot : rien n'a été enregistré. Laissez vide "
            "le champ « Ne remplissez pas ce champ » puis envoyez de nouveau.")])
    if holder is not None:
        # The address that follows a dossier is its holder's: not changed from the form.
        form.email.data = holder.mail_address
    new, upload_errors = _keep_files(form, dossier, key, actives)
    action = request.form.get("action", "save")
    if dossier is None and _user() is None and filled_too_fast(form.started.data):
        # A first anonymous send, quicker than anyone fills this form in. The files are
        # kept with the answers above; nothing else is stored.
        upload_errors.append(_("Votre envoi est arrivé plus vite qu'une personne ne "
                               "remplit ce formulaire : par précaution, rien n'a été "
                               "enregistré. Vérifiez vos réponses, elles sont conservées, "
                               "puis envoyez de nouveau."))
    extended = extensions.check(actives, request.form, request.files, dossier=dossier,
                                submitting=action == "submit", staging_key=key)
    if not form.validate() or upload_errors or not extended:
        if action == "submit":
            # Say everything that is missing at once, not only the malformed answers.
            _show_problems(form, services.answers_problems(form.answers(lenient=True)))
        return _idea_page(form, dossier, key, upload_errors, new)
    repeat = services.find_by_submission_key(form.submission_key.data) \
        if dossier is None else None
    if repeat is not None:
        return _sent_already(repeat)  # a double click: the first send did it all

    def refused(exc):
        if isinstance(exc, services.IncompleteDossier):
            _show_problems(form, exc.problems)
            return _idea_page(form, dossier, key, upload_errors, new)
        return _idea_page(form, dossier, key, [*upload_errors, exc.message], new)

    on_refusal(form, None, refused)
    saved, fresh, link_sent = services.save_idea(
        form.answers(), dossier, holder=holder, email=text(form.email),
        contact_name=form.contact_name.data or "", submitting=action == "submit",
        signed_in=_user(), submission_key=form.submission_key.data, staging_key=key,
        locale=str(get_locale() or ""))
    if not fresh:
        return _sent_already(saved)  # the same page sent twice at once: the other did it
    extensions.save(actives, saved, request.form, request.files, submitting=action == "submit",
                    staging_key=key)
    if action == "submit":
        if not services.submit_unless_sent(saved, saved.holder):
            return _sent_already(saved)  # sent a moment ago by the same double click
        _remember_draft(saved)
        return redirect(url_for("submissions.confirmation", public_id=saved.public_id))
    _remember_draft(saved)
    if link_sent:
        flash(_("Brouillon enregistré. Pour le reprendre plus tard, utilisez le "
                "lien que nous venons d'envoyer à %(email)s.", email=saved.holder.mail_address),
              "success")
    else:
        flash(_("Brouillon enregistré."), "success")
    return redirect(url_for("submissions.edit_draft", public_id=saved.public_id))


@bp.post("/deposer/<public_id>/enregistrement-auto")
def autosave_draft(public_id: str):
    """The draft's answers saved as they are typed (static/js/forms.js, no files): a field
    the form refuses keeps what the draft held; nothing is said, nothing is mailed."""
    dossier = _load(public_id)
    if not _may_edit(dossier) or not dossier.is_draft:
        abort(404)
    form = IdeaForm()  # its CSRF token was checked app-wide before the view
    form.validate()
    answers = form.answers(lenient=True)
    answers.values = {name: value for name, value in answers.values.items()
                      if not form[FIELD_OF.get(name, name)].errors}
    services.update_answers(dossier, answers)
    return "", 204


def _keep_files(form: IdeaForm, dossier: Dossier | None, key: str, actives):
    """Files first, the form's and its sections' (a call's file question): whatever else is
    wrong with the form, what was sent is kept for the next try. Committed here, because a
    refused form answers 422 and commits nothing."""
    user = _user()
    uploaded_by = user.id if user else None
    new, errors = services.keep_idea_files(
        request.files.getlist(form.documents.name), request.form.getlist("remove_document"),
        dossier=dossier, staging_key=key, uploaded_by_id=uploaded_by,
        apart=frozenset(d.id for d in extensions.documents(actives, dossier)))
    extensions.keep_files(actives, request.files, dossier=dossier, staging_key=key,
                          uploaded_by_id=uploaded_by)
    db.session.commit()
    return new, errors


def _idea_page(form: IdeaForm, dossier: Dossier | None, key: str,
               upload_errors: list[str] | None = None, new: list | None = None):
    upload_errors = list(upload_errors or [])
    over = uploads.over_staging_cap(key, new or [])  # the form was not saved: they stay staged
    if over:
        upload_errors += [uploads.not_kept_message(d) for d in over]
        uploads.discard(over)
        # Their bytes are gone from the disk: their rows go too, although the page is a 422.
        db.session.commit()
    actives = g.get("idea_extensions", [])
    apart = {d.id for d in extensions.documents(actives, dossier)}
    documents = services.staged_documents(key) + [
        d for d in (services.dossier_documents(dossier) if dossier else []) if d.id not in apart]
    status = 422 if request.method == "POST" else 200
    if not genuine_stamp(form.started.data):
        # The next send is timed from the first display: fixing one field and sending again
        # at once is a person, not a robot.
        form.started.data = form_stamp()
    return render_template("submissions/idea_form.html", form=form, dossier=dossier,
                           extensions=actives, extension_errors=extensions.messages(actives),
                           extension_sections=extensions.sections(
                               actives, dossier, request.form if request.method == "POST"
                               else None, key),
                           documents=documents, upload_errors=upload_errors,
                           max_files=uploads.MAX_FILES,
                           accepted_types=uploads.ACCEPTED_LABEL,
                           autosave_since=_autosave_since(dossier)), status


def _autosave_since(dossier: Dossier | None) -> int:
    """The moment (ms) the page's answers date from: what this browser kept of the form
    (static/js/forms.js) is put back only when it is newer (typed, then the tab closed)."""
    if request.method == "POST":
        return int(time.time() * 1000)  # the page shows what was just sent
    if dossier is not None and dossier.updated_at is not None:
        return int(dossier.updated_at.timestamp() * 1000)
    return 0


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


def _sent_already(dossier: Dossier):
    """Where a repeated send of a form lands: the page the first send led to."""
    _remember_draft(dossier)
    if dossier.number is not None:
        return redirect(url_for("submissions.confirmation", public_id=dossier.public_id))
    return redirect(url_for("submissions.edit_draft", public_id=dossier.public_id))


def _show_problems(form: IdeaForm, problems: dict) -> None:
    for name, message in problems.items():
        field = form[FIELD_OF.get(name, name)]
        if not field.errors:
            field.errors = [message]


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
