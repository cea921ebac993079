"""The admin's pages: the collective's settings and its reference lists."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from murporteur.collective import references
from murporteur.collective import settings as collective_settings
from murporteur.collective.forms import EntryForm, SettingsForm
from murporteur.collective.models import ReferenceEntry
from murporteur.core import checklist
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.core.policy import can
from murporteur.extensions import db

bp = Blueprint("collective", __name__, url_prefix="/admin")

# The first step of the admin's first-run checklist: the collective's own details.
checklist.step("collective", _l("Renseigner le collectif : son nom, sa région, son contact"),
               "collective.edit_settings", order=10)(collective_settings.details_done)


def admins_only(view: Callable) -> Callable:
    """The platform's admins (the accounts' ``administer`` permission, asked by name)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can("administer"):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/collectif", methods=["GET", "POST"])
@admins_only
def edit_settings():
    if request.method == "POST":
        form = SettingsForm()
    else:
        form = SettingsForm(data={f.name: str(collective_settings.get(f.name))
                                  for f in collective_settings.FIELDS})
    # An overridden field shows the environment's value, whatever was posted.
    overridden = {f.name for f in collective_settings.FIELDS
                  if collective_settings.overridden(f.name)}
    for name in overridden:
        form[name].data = str(collective_settings.get(name))
    status = 422 if request.method == "POST" else 200

    def page(_exc=None):
        return render_template("collective/settings.html", form=form, overridden=overridden,
                               fields=collective_settings.FIELDS,
                               lists=references.LISTS), status

    if not form.validate_on_submit():
        return page()
    on_refusal(form, None, page)
    changed = collective_settings.save(current_user, form.values())
    flash(_("Réglages enregistrés (%(n)s modifié(s)).", n=len(changed)), "success")
    return redirect(url_for("collective.edit_settings"))


def _list_or_404(list_name: str) -> str:
    if list_name not in references.LISTS:
        abort(404)
    return list_name


def _entry_or_404(list_name: str, entry_id: int) -> ReferenceEntry:
    entry = get_or_404(ReferenceEntry, entry_id)
    if entry.list_name != list_name:
        abort(404)
    return entry


def _list_page(list_name: str, form: EntryForm, status: int = 200,
               edited: EntryForm | None = None, edited_id: int | None = None):
    rows = db.session.scalars(db.select(ReferenceEntry).where(
        ReferenceEntry.list_name == list_name).order_by(ReferenceEntry.position,
                                                        ReferenceEntry.id)).all()
    return render_template("collective/references.html", list_name=list_name,
                           title=references.LISTS[list_name], rows=rows, form=form,
                           edited=edited, edited_id=edited_id, lists=references.LISTS,
                           entry_form=_entry_form), status


def _entry_form(entry: ReferenceEntry) -> EntryForm:
    """The inline form of one entry, filled with its words."""
    return EntryForm(formdata=None, prefix=f"e{entry.id}", data={
        "label_fr": entry.label_fr, "label_en": entry.label_en,
        "position": str(entry.position)})


@bp.route("/listes/<list_name>", methods=["GET", "POST"])
@admins_only
def edit_list(list_name: str):
    list_name = _list_or_404(list_name)
    form = EntryForm()
    if not form.validate_on_submit():
        return _list_page(list_name, form, 422 if request.method == "POST" else 200)
    on_refusal(form, None, lambda _exc: _list_page(list_name, form))
    entry = references.create_entry(current_user, list_name, form.key.data or "",
                                    form.label_fr.data or "", form.label_en.data or "",
                                    form.position_value())
    flash(_("« %(label)s » ajouté à la liste.", label=entry.label_fr), "success")
    return redirect(url_for("collective.edit_list", list_name=list_name))


@bp.post("/listes/<list_name>/<id:entry_id>")
@admins_only
def update_entry(list_name: str, entry_id: int):
    entry = _entry_or_404(_list_or_404(list_name), entry_id)
    form = EntryForm(prefix=f"e{entry.id}")
    if not form.validate_on_submit():
        return _list_page(list_name, EntryForm(formdata=None), 422, form, entry.id)
    on_refusal(form, None, lambda _exc: _list_page(list_name, EntryForm(formdata=None),
                                                   edited=form, edited_id=entry.id))
    position = form.position_value()
    references.update_entry(current_user, entry, form.label_fr.data or "",
                            form.label_en.data or "",
                            entry.position if position is None else position)
    flash(_("« %(label)s » enregistré.", label=entry.label_fr), "success")
    return redirect(url_for("collective.edit_list", list_name=list_name))


@bp.post("/listes/<list_name>/<id:entry_id>/archiver")
@admins_only
def archive_entry(list_name: str, entry_id: int):
    entry = _entry_or_404(_list_or_404(list_name), entry_id)
    archived = request.form.get("archived") != "0"
    references.set_archived(current_user, entry, archived)
    flash(_("« %(label)s » archivé : il n'est plus proposé, les dossiers qui l'ont le "
            "gardent.", label=entry.label_fr) if archived else
          _("« %(label)s » de nouveau proposé.", label=entry.label_fr), "success")
    return redirect(url_for("collective.edit_list", list_name=list_name))
