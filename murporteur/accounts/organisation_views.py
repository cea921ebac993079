"""The admins' pages of the collective's organisations, and the public logo."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from murporteur.accounts import organisations, signatories
from murporteur.accounts import policies as _policies  # noqa: F401  (registers the permissions)
from murporteur.accounts.admin_access import permission_required
from murporteur.accounts.admin_forms import ActionForm, OrganisationForm, SignatoryForm
from murporteur.accounts.models import Organisation, User
from murporteur.accounts.organisations import KIND_LABELS
from murporteur.core.errors import DomainError
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.extensions import db

bp = Blueprint("organisations", __name__, url_prefix="/admin/organisations")
admins_only = permission_required("manage_organisations")
#: An organisation's page and its signatory: the animators too (they designate signatories).
staff_only = permission_required("view_organisations")


@bp.get("/")
@admins_only
def list_organisations():
    archives = request.args.get("archives") == "1"
    return render_template("admin/organisations.html", archives=archives, kinds=KIND_LABELS,
                           organisations=organisations.listed(archived=archives))


@bp.route("/nouvelle", methods=["GET", "POST"])
@admins_only
def new_organisation():
    return _form(None)


@bp.route("/<id:organisation_id>/modifier", methods=["GET", "POST"])
@admins_only
def edit_organisation(organisation_id: int):
    return _form(get_or_404(Organisation, organisation_id))


def _form(organisation: Organisation | None):
    form = OrganisationForm(obj=organisation)
    if request.method == "GET" and organisation is not None:
        form.kind.data = organisation.kind.value
    status = 422 if request.method == "POST" else 200

    def page(_exc=None):
        return render_template("admin/organisation_form.html", form=form,
                               organisation=organisation), status

    if not form.validate_on_submit():
        return page()
    on_refusal(form, "name", page)
    upload = request.files.get(form.logo.name)
    logo = upload.read(organisations.LOGO_MAX_BYTES + 1) if upload and upload.filename else None
    if logo is not None:
        organisations.normalised_logo(logo)  # refused at its field before anything is saved
    if organisation is None:
        organisation = organisations.create_organisation(current_user, form.values())
        flash(_("L'organisation « %(name)s » a été ajoutée.", name=organisation.name), "success")
    else:
        organisations.update_organisation(current_user, organisation, form.values())
        flash(_("Les informations de « %(name)s » ont été enregistrées.",
                name=organisation.name), "success")
    if logo is not None:
        organisations.set_logo(current_user, organisation, logo)
    return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))


@bp.get("/<id:organisation_id>")
@staff_only
def show_organisation(organisation_id: int):
    return _show(get_or_404(Organisation, organisation_id))


def _show(organisation: Organisation, signatory_form: SignatoryForm | None = None,
          status: int = 200, page_errors=()):
    candidates = signatories.candidates(organisation)
    if signatory_form is None:
        signatory_form = SignatoryForm(formdata=None)
    signatory_form.offer(candidates)
    return render_template("admin/organisation.html", organisation=organisation,
                           kinds=KIND_LABELS, form=ActionForm(),
                           representatives=organisations.representatives(organisation),
                           designation=signatories.designation_of(organisation.id),
                           signatory=signatories.current_signatory(organisation.id),
                           signatory_form=signatory_form, page_errors=list(page_errors)), status


@bp.post("/<id:organisation_id>/signataire")
@permission_required("designate_signatory")
def designate_signatory(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    form = SignatoryForm()
    form.offer(signatories.candidates(organisation))
    if not form.validate_on_submit():
        return _show(organisation, form, 422)
    on_refusal(form, "person", lambda _exc: _show(organisation, form, 422))
    person = get_or_404(User, int(form.person.data))
    signatories.designate(current_user, organisation, person)
    flash(_("%(person)s signe désormais les conventions de « %(name)s ».",
            person=person.display_name, name=organisation.name), "success")
    return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id)
                    + "#signatory")


@bp.post("/<id:organisation_id>/signataire/retirer")
@permission_required("designate_signatory")
def withdraw_signatory(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    if ActionForm().validate_on_submit():
        on_refusal(None, None, lambda exc: _show(organisation, page_errors=[exc.message]))
        signatories.withdraw_designation(current_user, organisation)
        flash(_("« %(name)s » n'a plus de signataire habilité·e : ses conventions ne "
                "partiront pas pour signature avant une nouvelle désignation.",
                name=organisation.name), "success")
    return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id)
                    + "#signatory")


def _act(organisation_id: int, action, message: str):
    organisation = get_or_404(Organisation, organisation_id)
    if ActionForm().validate_on_submit():
        try:
            action(current_user, organisation)
        except DomainError as refused:  # e.g. archived twice: said on the page it came from
            db.session.rollback()
            flash(refused.message, "error")
        else:
            flash(message % {"name": organisation.name}, "success")
    return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))


@bp.post("/<id:organisation_id>/archiver")
@admins_only
def archive_organisation(organisation_id: int):
    return _act(organisation_id, organisations.archive_organisation,
                _("« %(name)s » est archivée : elle n'est plus proposée, ce qui la cite reste."))


@bp.post("/<id:organisation_id>/restaurer")
@admins_only
def restore_organisation(organisation_id: int):
    return _act(organisation_id, organisations.restore_organisation,
                _("« %(name)s » est de nouveau active."))


@bp.post("/<id:organisation_id>/logo/supprimer")
@admins_only
def remove_logo(organisation_id: int):
    return _act(organisation_id, organisations.remove_logo,
                _("Le logo de « %(name)s » a été retiré."))


public_bp = Blueprint("organisation_logos", __name__)


@public_bp.get("/organisations/<id:organisation_id>/logo.png")
def logo(organisation_id: int):
    """The logo as re-encoded by the app (shown on the landing page): public."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.has_logo or organisation.logo_png is None:
        abort(404)
    response = make_response(organisation.logo_png)
    response.headers["Content-Type"] = "image/png"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
