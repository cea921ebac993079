"""The admin's home (the first-run checklist and the administration's pages) and the import
of organisations and people from a spreadsheet."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from murporteur.accounts import imports
from murporteur.accounts.admin_access import permission_required
from murporteur.accounts.admin_forms import ActionForm, ImportForm
from murporteur.core import checklist
from murporteur.core.handling import on_refusal

bp = Blueprint("admin", __name__, url_prefix="/admin")
admins_only = permission_required("manage_organisations")


@bp.get("/")
@admins_only
def home():
    progress = checklist.progress()
    return render_template("admin/home.html", progress=progress,
                           complete=all(done for _step, done in progress))


@bp.route("/import", methods=["GET", "POST"])
@admins_only
def import_spreadsheet():
    form = ImportForm()
    if request.method == "GET":
        form.kind.data = request.args.get("kind") or "organisations"
    status = 422 if request.method == "POST" else 200

    def page(_exc=None):
        return render_template("admin/import.html", form=form), status

    if not form.validate_on_submit():
        return page()
    on_refusal(form, "spreadsheet", page)
    upload = request.files.get(form.spreadsheet.name)
    if upload is None or not upload.filename:
        form.spreadsheet.errors = [_("Choisissez le fichier à importer.")]
        return page()
    staged = imports.stage(current_user, form.kind.data or "", upload.filename,
                           upload.read(imports.MAX_BYTES + 1))
    return redirect(url_for("admin.preview_import", token=staged.token))


@bp.get("/import/<token>")
@admins_only
def preview_import(token: str):
    staged = imports.staged_for(current_user, token)
    if staged is None:
        abort(404)
    valid = [row for row in staged.rows if not row["errors"]]
    return render_template("admin/import_preview.html", staged=staged, valid=valid,
                           form=ActionForm())


@bp.post("/import/<token>")
@admins_only
def confirm_import(token: str):
    staged = imports.staged_for(current_user, token)
    if staged is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.preview_import", token=token))
    written, skipped = imports.confirm(current_user, staged)
    flash(_("%(n)s ligne(s) importée(s).", n=written), "success")
    if skipped:
        flash(_("%(n)s ligne(s) laissée(s) de côté : corrigez-les dans le fichier et "
                "importez-les de nouveau.", n=len(skipped)), "error")
    target = ("organisations.list_organisations" if staged.kind == "organisations"
              else "people.list_people")
    return redirect(url_for(target))


def register_blueprints(app) -> None:
    """The collective's administration: this home, organisations, people, invitations."""
    from murporteur.accounts.organisation_views import bp as organisations_bp
    from murporteur.accounts.organisation_views import public_bp as logos_bp
    from murporteur.accounts.people_views import bp as people_bp

    for blueprint in (bp, organisations_bp, logos_bp, people_bp):
        app.register_blueprint(blueprint)
