"""The animators' directory of support structures: list, add, edit, archive, and the
dossiers redirected to each structure."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from murporteur.accounts.models import Role
from murporteur.collective import references
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.directory import services
from murporteur.directory.forms import StructureForm
from murporteur.directory.models import STRUCTURE_KIND_LABELS, SupportStructure

bp = Blueprint("directory", __name__, url_prefix="/instruction/structures")

animators_only = roles_required(Role.ANIMATOR)


def _load(structure_id: int) -> SupportStructure:
    return get_or_404(SupportStructure, structure_id)


@bp.get("/")
@animators_only
def list_structures():
    kind = params.choice(request.args.get("kind"), set(STRUCTURE_KIND_LABELS))
    archives = request.args.get("archives") == "1"
    structures = services.list_structures(include_archived=archives, kind=kind)
    return render_template("directory/list.html", structures=structures, kind=kind,
                           archives=archives, kinds=STRUCTURE_KIND_LABELS)


@bp.route("/nouvelle", methods=["GET", "POST"])
@animators_only
def new_structure():
    return _structure_form(None)


@bp.route("/<id:structure_id>/modifier", methods=["GET", "POST"])
@animators_only
def edit_structure(structure_id: int):
    return _structure_form(_load(structure_id))


def _structure_form(structure: SupportStructure | None):
    form = StructureForm(obj=structure)
    if structure is not None:  # an archived kind it already has stays offered
        form.kind.choices = [("", _("— Choisissez —")),
                             *references.choices("structure_kind", [structure.kind])]
    status = 422 if request.method == "POST" else 200

    def page(_exc=None):
        return render_template("directory/form.html", form=form, structure=structure), status

    if not form.validate_on_submit():
        return page()
    on_refusal(form, "name", page)
    saved = services.save_structure(structure, actor=current_user, **form.structure_fields())
    if structure is None:
        flash(_("La structure « %(name)s » a été ajoutée à l'annuaire.", name=saved.name),
              "success")
    else:
        flash(_("Les informations de « %(name)s » ont été enregistrées.", name=saved.name),
              "success")
    return redirect(url_for("directory.show_structure", structure_id=saved.id))


@bp.get("/<id:structure_id>")
@animators_only
def show_structure(structure_id: int):
    structure = _load(structure_id)
    return render_template("directory/show.html", structure=structure,
                           kinds=STRUCTURE_KIND_LABELS,
                           dossiers=services.dossiers_redirected_to(structure))


@bp.post("/<id:structure_id>/archiver")
@animators_only
def archive_structure(structure_id: int):
    structure = _load(structure_id)
    services.archive_structure(structure, actor=current_user)
    flash(_("« %(name)s » est archivée : elle ne sera plus proposée pour une orientation.",
            name=structure.name), "success")
    return redirect(url_for("directory.show_structure", structure_id=structure.id))


@bp.post("/<id:structure_id>/restaurer")
@animators_only
def restore_structure(structure_id: int):
    structure = _load(structure_id)
    services.restore_structure(structure, actor=current_user)
    flash(_("« %(name)s » est de nouveau dans l'annuaire.", name=structure.name), "success")
    return redirect(url_for("directory.show_structure", structure_id=structure.id))
