"""The holder's pages: the idea form, drafts, the confirmation and the dossier page."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
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
from sqlalchemy.exc import IntegrityError

from murporteur.accounts.models import Role
from murporteur.accounts.services import holder_for_email, link_landing_asked
from murporteur.core import params
from murporteur.core.errors import DomainError
from murporteur.core.lifecycle import TransitionRefused
from murporteur.core.security import filled_too_fast, form_stamp, idea_limit
from murporteur.extensions import db
from murporteur.submissions import policies, scanning, services, uploads
from murporteur.submissions.forms import FIELD_OF, IdeaForm, MessageForm, WithdrawForm
from murporteur.submissions.models import DocumentKind, Dossier
from murporteur.submissions.workflow import STATES, DossierState

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
    dossier = services.find_by_public_id(public_id)
    if dossier is None:
        abort(404)
    return dossier


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


def _resolve_holder(form: IdeaForm, dossier: Dossier | None):
    user = _user()
    if dossier is not None:
        return dossier.holder
    if user is not None and user.role == Role.HOLDER:
        return user
    return holder_for_email(form.email.data, form.contact_name.data or "")


def _idea_form(dossier: Dossier | None):
    form = IdeaForm()
    key = _staging_key()
    user = _user()
    if request.method == "GET":
        if dossier is not None:
            form.fill_from(dossier)
        elif user is not None and user.role == Role.HOLDER:
            form.email.data = user.email
            form.contact_name.data = user.full_name
    # A key that is not one we drew (64 characters at most, as its column) is replaced.
    if dossier is None and not params.token(form.submission_key.data, 64):
        form.submission_key.data = secrets.token_urlsafe(24)
    upload_errors: list[str] = []
    new: list = []
    if request.method == "POST" and form.website.data:
        # Only robots see the field: nothing is stored, what was sent comes back as it was.
        upload_errors = [_("Votre envoi ressemble à celui d'un robot : rien n'a été "
                           "enregistré. Laissez vide le champ « Ne remplissez pas ce champ » "
                           "puis envoyez de nouveau.")]
    elif request.method == "POST":
        if dossier is not None or (user is not None and user.role == Role.HOLDER):
            # The address that follows a dossier is its holder's: not changed from the form.
            form.email.data = (dossier.holder if dossier else user).mail_address
        # Files first: whatever else is wrong, what was sent is kept for the next try.
        kept = services.staged_documents(key) + (
            services.dossier_documents(dossier) if dossier else [])
        services.remove_documents(kept, request.form.getlist("remove_document"))
        kept = [d for d in kept if not d.removed]
        new, upload_errors = uploads.store_many(
            request.files.getlist(form.documents.name), already=len(kept),
            staging_key=key, uploaded_by_id=user.id if user else None)
        db.session.commit()
        action = request.form.get("action", "save")
        if dossier is None and user is None and filled_too_fast(form.started.data):
            # A first anonymous send, quicker than anyone fills this form in. The files are
            # kept with the answers above; nothing else is stored.
            upload_errors.append(_("Votre envoi est arrivé plus vite qu'une personne ne "
                                   "remplit ce formulaire : par précaution, rien n'a été "
                                   "enregistré. Vérifiez vos réponses, elles sont conservées, "
                                   "puis envoyez de nouveau."))
        valid = form.validate() and not upload_errors
        repeat = services.find_by_submission_key(form.submission_key.data) \
            if dossier is None else None
        if valid and repeat is not None:
            return _sent_already(repeat)  # a double click: the first send did it all
        if valid:
            try:
                holder = _resolve_holder(form, dossier)
                # A link to resume a saved draft; a sent idea gets its receipt instead.
                send_link = (dossier is None and action != "submit"
                             and not (user and user.id == holder.id))
                saved = services.save_draft(holder, form.answers(), dossier,
                                            send_link=send_link,
                                            submission_key=form.submission_key.data)
            except IntegrityError:
                # The same page sent twice at once: the other request created the dossier.
                db.session.rollback()
                repeat = services.find_by_submission_key(form.submission_key.data)
                if repeat is None:
                    raise
                return _sent_already(repeat)
            services.attach_staged(saved, key)
            if action == "submit":
                try:
                    services.submit_dossier(saved, holder)
                except services.IncompleteDossier as exc:
                    db.session.rollback()
                    _show_problems(form, exc.problems)
                except TransitionRefused:  # sent a moment ago by the same double click
                    db.session.rollback()
                    return _sent_already(saved)
                else:
                    db.session.commit()
                    _remember_draft(saved)
                    return redirect(url_for("submissions.confirmation",
                                            public_id=saved.public_id))
            else:
                db.session.commit()
                _remember_draft(saved)
                if send_link:
                    flash(_("Brouillon enregistré. Pour le reprendre plus tard, utilisez le "
                            "lien que nous venons d'envoyer à %(email)s.", email=holder.mail_address),
                          "success")
                else:
                    flash(_("Brouillon enregistré."), "success")
                return redirect(url_for("submissions.edit_draft", public_id=saved.public_id))
        elif action == "submit":
            # Say everything that is missing at once, not only the malformed answers.
            probe = Dossier(state=DossierState.DRAFT, support_kinds=[])
            services.update_answers(probe, form.answers(lenient=True))
            _show_problems(form, services.submission_problems(probe))
    over = uploads.over_staging_cap(key, new)  # the form was not saved: they stay staged
    if over:
        upload_errors += [uploads.not_kept_message(d) for d in over]
        uploads.discard(over)
        db.session.commit()
    documents = services.staged_documents(key) + (
        services.dossier_documents(dossier) if dossier else [])
    status = 422 if request.method == "POST" else 200
    form.started.data = form_stamp()  # the next send is timed from this display
    return render_template("submissions/idea_form.html", form=form, dossier=dossier,
                           documents=documents, upload_errors=upload_errors,
                           max_files=uploads.MAX_FILES,
                           accepted_types=uploads.ACCEPTED_LABEL), status


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


@bp.get("/mes-dossiers")
@login_required
def my_dossiers():
    return render_template("submissions/my_dossiers.html",
                           dossiers=services.dossiers_of(current_user))


def _load_own(public_id: str) -> Dossier:
    dossier = _load(public_id)
    if dossier.holder_id != current_user.id:
        abort(404)
    return dossier


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
        may_withdraw=services.may_withdraw(dossier, current_user), structure=structure), status


@bp.post("/mes-dossiers/<public_id>/messages")
@login_required
def post_message(public_id: str):
    dossier = _load_own(public_id)
    form = MessageForm()
    if dossier.is_withdrawn:  # its page no longer shows the message form: say why
        flash(_("Ce dossier est retiré : il ne reçoit plus de messages."), "error")
        return _render_dossier(dossier, form, 409)
    response = post_message_from(form, dossier, "submissions.show_dossier",
                                 public_id=dossier.public_id)
    return response or _render_dossier(dossier, form, 422)


def post_message_from(form: MessageForm, dossier: Dossier, endpoint: str, **values):
    """Post the message of ``form`` (the holder's or an animator's), files included.

    Returns the redirect after success, or None with the errors set on the form.
    """
    if not form.validate():
        return None
    attachments, errors = uploads.store_many(
        request.files.getlist(form.attachments.name), already=0, uploaded_by_id=current_user.id,
        kind=DocumentKind.MESSAGE)
    if errors:
        db.session.rollback()
        form.attachments.errors = errors
        return None
    try:
        services.post_message(dossier, current_user, form.body.data, attachments)
    except DomainError as exc:
        db.session.rollback()
        form.body.errors = [exc.message]
        return None
    db.session.commit()
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
        db.session.commit()
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
