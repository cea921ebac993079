"""The premises pages: the public list (with its map) and each unit's page; the catalogue the
members and animators keep; the premises' figures and their exports."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from murporteur.accounts.models import Organisation, OrganisationKind, Role
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.core.security import CSP, talisman
from murporteur.core.tables import send_table
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.premises import idea_form as _idea_form  # noqa: F401  (registers the section)
from murporteur.premises import matching, photos, reporting, services
from murporteur.premises.forms import UnitForm
from murporteur.premises.models import (
    LEASE_LABELS,
    USE_LABELS,
    VISIBILITY_LABELS,
    PremisesUnit,
    PremisesUse,
    UnitPhoto,
)
from murporteur.premises.policies import (
    editable_units,
    may_edit_unit,
    may_view_unit,
    public_units,
)
from murporteur.premises.workflow import MANUAL, UNIT_STATES

bp = Blueprint("premises", __name__, url_prefix="/locaux")
keepers = roles_required(Role.ANIMATOR, Role.MEMBER)


def tile_host(url: str | None) -> str | None:
    """The scheme and host of the tile server (``https://tiles.example.org``), or None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or "{" in parts.hostname:
        return None
    return f"https://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def map_csp() -> dict:
    """The CSP of the public list: the site's, and the configured tile host's images only."""
    host = tile_host(current_app.config.get("PREMISES_TILE_URL"))
    return {**CSP, "img-src": CSP["img-src"] + (f" {host}" if host else "")}


class MapPolicy(dict):
    """Talisman's per-view policy is fixed at import; the tile host is a setting of each
    application: this policy is read (``items``) at each response."""

    def items(self):
        return map_csp().items()


# --- The public pages -------------------------------------------------------------------------

@bp.get("/")
@talisman(content_security_policy=MapPolicy(CSP))
def public_list():
    args = request.args
    town = params.text(args.get("commune"), 120)
    use = params.choice(args.get("usage"), {u.value for u in PremisesUse})
    surface_min = params.integer(args.get("surface_min"), low=0, high=100000)
    surface_max = params.integer(args.get("surface_max"), low=0, high=100000)
    qpv = args.get("qpv") == "1"
    query = public_units()
    if town:
        query = query.where(PremisesUnit.town.ilike(town.replace("%", "").replace("_", "")))
    if surface_min is not None:
        query = query.where(PremisesUnit.surface_m2 >= surface_min)
    if surface_max is not None:
        query = query.where(PremisesUnit.surface_m2 <= surface_max)
    if qpv:
        query = query.where(PremisesUnit.qpv.is_(True))
    units = list(db.session.scalars(query.order_by(PremisesUnit.town, PremisesUnit.surface_m2)))
    if use:
        units = [u for u in units if use in (u.uses or [])]  # a JSON list, alike on both engines
    towns = sorted(set(db.session.scalars(public_units().with_only_columns(
        PremisesUnit.town).distinct())))
    tile_url = current_app.config.get("PREMISES_TILE_URL") \
        if tile_host(current_app.config.get("PREMISES_TILE_URL")) else None
    return render_template("premises/public_list.html", units=units, towns=towns, town=town,
                           use=use, surface_min=surface_min, surface_max=surface_max, qpv=qpv,
                           uses=USE_LABELS, leases=LEASE_LABELS, tile_url=tile_url,
                           tile_attribution=current_app.config.get("PREMISES_TILE_ATTRIBUTION"))


@bp.get("/<id:unit_id>")
def show_unit(unit_id: int):
    unit = get_or_404(PremisesUnit, unit_id, may=may_view_unit)
    ideas = matching.ideas_for_unit(unit, current_user) \
        if current_user.is_authenticated and current_user.role in (Role.ANIMATOR,
                                                                    Role.MEMBER) else []
    transitions = [t for t in unit.lifecycle.available(unit, current_user)
                   if t.name in MANUAL] if may_edit_unit(current_user, unit) else []
    return render_template("premises/unit.html", unit=unit, uses=USE_LABELS,
                           leases=LEASE_LABELS, visibilities=VISIBILITY_LABELS,
                           states=UNIT_STATES, ideas=ideas, transitions=transitions,
                           today=paris_today())


@bp.get("/<id:unit_id>/photos/<id:photo_id>.jpg")
def photo(unit_id: int, photo_id: int):
    unit = get_or_404(PremisesUnit, unit_id, may=may_view_unit)
    found = db.session.get(UnitPhoto, photo_id)
    if found is None or found.unit_id != unit.id:
        abort(404)
    return photos.send_photo(found)


# --- The catalogue the collective keeps ----------------------------------------------------------

@bp.get("/catalogue")
@keepers
def manage_units():
    units = list(db.session.scalars(editable_units(current_user).order_by(
        PremisesUnit.town, PremisesUnit.address)))
    return render_template("premises/manage.html", units=units, states=UNIT_STATES,
                           visibilities=VISIBILITY_LABELS)


def _organisation_choices() -> list[tuple[str, str]]:
    if current_user.role != Role.ANIMATOR:
        return [(str(current_user.organisation_id), current_user.organisation.name)]
    return [(str(o.id), o.name) for o in db.session.scalars(
        select(Organisation).where(Organisation.active.is_(True),
                                   Organisation.kind != OrganisationKind.ANIMATOR)
        .order_by(Organisation.name))]


@bp.route("/catalogue/nouveau", methods=["GET", "POST"])
@keepers
def new_unit():
    return _unit_form(None)


@bp.route("/<id:unit_id>/modifier", methods=["GET", "POST"])
@keepers
def edit_unit(unit_id: int):
    return _unit_form(get_or_404(PremisesUnit, unit_id, may=may_edit_unit))


def _unit_form(unit: PremisesUnit | None):
    form = UnitForm()
    form.organisation.choices = _organisation_choices()
    if request.method == "GET":
        if unit is not None:
            form.fill_from(unit)
        else:
            form.organisation.data = form.organisation.choices[0][0] \
                if len(form.organisation.choices) == 1 else ""
    status = 422 if request.method == "POST" else 200

    def page(_exc=None):
        return render_template("premises/form.html", form=form, unit=unit,
                               max_photos=photos.MAX_PHOTOS), status

    if not form.validate_on_submit():
        return page()
    on_refusal(form, None, page)
    organisation_id = params.identifier(form.organisation.data)
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    saved = services.save_unit(unit, current_user, organisation, **form.values())
    for upload in request.files.getlist(form.photos.name):
        if upload and upload.filename:
            photos.add_photo(saved, upload.read(photos.MAX_PHOTO_BYTES + 1), upload.filename)
    flash(_("Le local « %(label)s » est enregistré.", label=saved.label), "success")
    return redirect(url_for("premises.show_unit", unit_id=saved.id))


@bp.post("/<id:unit_id>/photos/<id:photo_id>/supprimer")
@keepers
def delete_photo(unit_id: int, photo_id: int):
    unit = get_or_404(PremisesUnit, unit_id, may=may_edit_unit)
    found = db.session.get(UnitPhoto, photo_id)
    if found is not None and found.unit_id == unit.id:
        photos.remove_photo(found)
        flash(_("La photo est supprimée."), "success")
    return redirect(url_for("premises.edit_unit", unit_id=unit.id))


@bp.post("/<id:unit_id>/etat/<transition>")
@keepers
def move_unit(unit_id: int, transition: str):
    unit = get_or_404(PremisesUnit, unit_id, may=may_edit_unit)
    if transition not in MANUAL:
        abort(404)
    services.move(unit, transition, current_user, params.text(request.form.get("comment"), 2000))
    flash(_("Le local est maintenant « %(state)s ».", state=UNIT_STATES[unit.state].label),
          "success")
    return redirect(url_for("premises.show_unit", unit_id=unit.id))


# --- Figures -------------------------------------------------------------------------------

def _year() -> int:
    return params.integer(request.args.get("annee"), low=2000, high=2100) or paris_today().year


def _scope_id() -> int | None:
    """A member's figures are their organisation's; an animator's, the collective's."""
    if current_user.role == Role.ANIMATOR:
        return None
    return current_user.organisation_id or -1


@bp.get("/bilan")
@keepers
def report():
    year = _year()
    lines = reporting.figures(year, _scope_id())
    return render_template("premises/report.html", year=year, lines=lines,
                           total=reporting.totals(lines), headers=reporting.HEADERS)


@bp.get("/bilan.<fmt>")
@keepers
def export_report(fmt: str):
    year = _year()
    return send_table(fmt, f"locaux-{year}.{fmt}", _("Locaux"),
                      [str(h) for h in reporting.HEADERS], reporting.rows(year, _scope_id()))


# --- What other pages include ------------------------------------------------------------------

@bp.app_context_processor
def _premises_helpers():
    return {"premises_suggestions": lambda dossier: matching.suggestions(dossier, current_user),
            "premises_figures": _figures}


def _figures(year: int) -> dict:
    """The premises' figures of ``year`` as the current user may see them (the reporting
    page's section)."""
    lines = reporting.figures(year, _scope_id())
    return {"year": year, "lines": lines, "total": reporting.totals(lines),
            "headers": reporting.HEADERS}

