"""The idea form (``/deposer``, a draft's ``/deposer/<id>``): POST, redirect, GET.

A send refused (a field, a file, a section a higher layer adds, the anti-robot checks, a
rule) is kept on the server with what was typed (``staging.keep_refused_send``) and answered
by a redirect (303) to the form's address, whose GET draws it again with the refusals at their
fields; a saved send leads to the draft or the confirmation. No page is drawn in answer to a
POST, so the Back button never offers to send the form again.
"""

from __future__ import annotations

import secrets

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import CombinedMultiDict

from murporteur.accounts import policies as policies_accounts
from murporteur.collective import references
from murporteur.core import params
from murporteur.core.forms import text
from murporteur.core.handling import on_refusal
from murporteur.core.security import filled_too_fast, form_stamp, genuine_stamp, idea_limit
from murporteur.extensions import db
from murporteur.submissions import extensions, services, staging, uploads
from murporteur.submissions.forms import FIELD_OF, IdeaForm
from murporteur.submissions.models import Dossier
from murporteur.submissions.views import (
    _load,
    _may_edit,
    _remember_draft,
    _staging_key,
    _user,
    bp,
)


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
    """The idea form, POST, redirect, GET: a refused send is kept on the server (what was
    typed, what was refused: ``staging.keep_refused_send``) and answered by a redirect (303)
    to the form's address, whose GET draws it again; a saved one leads to the draft or the
    confirmation. No page is drawn in answer to a POST, so the Back button never offers to
    send the form again."""
    key = _staging_key()
    scope = dossier.public_id if dossier is not None else staging.NEW
    kept = staging.refused_send(key, scope, newer_than=dossier.updated_at if dossier else None) \
        if request.method == "GET" else None
    form = IdeaForm(formdata=kept.values) if kept is not None else IdeaForm()
    if dossier is not None:  # an archived kind of support it holds stays offered, and kept
        form.support_kinds.choices = references.choices("support_kind",
                                                        dossier.support_kinds or [])
    holder = dossier.holder if dossier is not None else _holder_signed_in()
    # The sections higher layers add (a call's questions…), drawn again by _idea_page.
    g.idea_extensions = actives = extensions.active(
        dossier, CombinedMultiDict([request.args, kept.values]) if kept else request.values)
    if kept is not None:
        _restore_refusals(form, actives, kept)
        if holder is not None:
            form.email.data = holder.mail_address
    elif request.method == "GET":
        if dossier is not None:
            form.fill_from(dossier)
        elif holder is not None:
            form.email.data = holder.email
            form.contact_name.data = holder.full_name
    # A key that is not one we drew (64 characters at most, as its column) is replaced.
    if dossier is None and not params.token(form.submission_key.data, 64):
        form.submission_key.data = secrets.token_urlsafe(24)
    if request.method != "POST":
        return _idea_page(form, dossier, key, kept)
    if form.website.data:
        # Only robots see the field: nothing is stored, what was sent comes back as it was.
        return _send_back(form, dossier, key, [_(
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
        return _send_back(form, dossier, key, upload_errors, new)
    repeat = services.find_by_submission_key(form.submission_key.data) \
        if dossier is None else None
    if repeat is not None:
        return _sent_already(repeat)  # a double click: the first send did it all

    def refused(exc):
        if isinstance(exc, services.IncompleteDossier):
            _show_problems(form, exc.problems)
            return _send_back(form, dossier, key, upload_errors, new)
        return _send_back(form, dossier, key, [*upload_errors, exc.message], new)

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
    staging.forget_refused_send(key, scope)
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


def _send_back(form: IdeaForm, dossier: Dossier | None, key: str, messages: list[str],
               new: list | None = None):
    """A refused send: what was typed and refused kept on the server for the form's GET, to
    which the browser is sent (303: See Other). Committed with the request (a redirect)."""
    messages = list(messages)
    over = uploads.over_staging_cap(key, new or [])  # the form was not saved: they stay staged
    if over:
        messages += [uploads.not_kept_message(d) for d in over]
        uploads.discard(over)
    actives = g.get("idea_extensions", [])
    staging.keep_refused_send(
        key, dossier.public_id if dossier is not None else staging.NEW, request.form,
        fields={f.name: [str(e) for e in f.errors] for f in form
                if f.errors and isinstance(f.errors, list)},
        messages=[str(m) for m in messages],
        sections={a.param: a.errors for a in actives if a.errors})
    values = {a.param: a.value for a in actives}
    if dossier is not None:
        url = url_for("submissions.edit_draft", public_id=dossier.public_id, **values)
    else:
        url = url_for("submissions.new_idea", **values)
    return redirect(url, 303)


def _restore_refusals(form: IdeaForm, actives, kept: staging.RefusedSend) -> None:
    """The refusals of the send kept, at their fields again."""
    for name, messages in kept.fields.items():
        if name in form:
            form[name].errors = list(messages)
    for item in actives:
        item.errors = dict(kept.sections.get(item.param, {}))


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
    wrong with the form, what was sent is kept for the next try. Committed here, before the
    rules run: a refusal of theirs rolls the rest of the request back."""
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
               kept: staging.RefusedSend | None = None):
    """The form, by GET: empty, a draft's, or a refused send's (its refusals at their fields;
    200: this request, a GET, is answered; the refusal was the POST's, answered 303)."""
    actives = g.get("idea_extensions", [])
    apart = {d.id for d in extensions.documents(actives, dossier)}
    documents = services.staged_documents(key) + [
        d for d in (services.dossier_documents(dossier) if dossier else []) if d.id not in apart]
    if not genuine_stamp(form.started.data):
        # The next send is timed from the first display: fixing one field and sending again
        # at once is a person, not a robot.
        form.started.data = form_stamp()
    return render_template("submissions/idea_form.html", form=form, dossier=dossier,
                           extensions=actives, extension_errors=extensions.messages(actives),
                           extension_sections=extensions.sections(
                               actives, dossier, kept.values if kept else None, key),
                           documents=documents, upload_errors=kept.messages if kept else [],
                           max_files=uploads.MAX_FILES,
                           accepted_types=uploads.ACCEPTED_LABEL,
                           autosave_since=_autosave_since(dossier, kept))


def _autosave_since(dossier: Dossier | None, kept: staging.RefusedSend | None) -> int:
    """The moment (ms) the page's answers date from: what this browser kept of the form
    (static/js/forms.js) is put back only when it is newer (typed, then the tab closed)."""
    if kept is not None:
        return int(kept.created_at.timestamp() * 1000)  # what was just sent
    if dossier is not None and dossier.updated_at is not None:
        return int(dossier.updated_at.timestamp() * 1000)
    return 0


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


