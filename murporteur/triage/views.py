"""The animators' dashboard: tabs, filters, search, bulk actions, exports and labels.

The dossier page and its actions are in ``dossier_views``, on the same blueprint.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from murporteur.accounts.models import Role
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.errors import DomainError
from murporteur.core.forms import text
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.core.tables import send_table
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import STATES
from murporteur.triage import (
    columns,
    dashboard,
    dashboard_rows,
    exports,
    keyset,
    policies,
    saved_views,
    services,
)
from murporteur.triage.choices import THEME_LABELS
from murporteur.triage.forms import NewLabelForm
from murporteur.triage.models import Label

bp = Blueprint("triage", __name__, url_prefix="/instruction")
animators_only = roles_required(Role.ANIMATOR)


@bp.get("/")
@animators_only
def inbox():
    filters = dashboard.Filters.from_args(request.args)
    # The columns of the URL (a saved view), else the default view's; the « Colonnes »
    # control's choice (``columns_chosen``) becomes the default view's.
    shown = columns.chosen(current_user, request.args.getlist("column"),
                           remember=request.args.get("columns_chosen") == "1")
    # A view's own columns (opened from a saved view) stay with its tabs, sorts and pages.
    view_columns: dict[str, Any] = (
        {"column": shown} if columns.asked(request.args.getlist("column")) else {})
    offered = columns.offered()
    counts, rows, total = dashboard_rows.dashboard_view(filters, current_user,
                                                        options=columns.loads(shown),
                                                        extras=columns.extras(shown))
    pages = max(1, -(-total // dashboard.PAGE_SIZE))
    # The next and previous pages are read from the rows' position (keyset): as fast deep in
    # the list as at its start. The first page needs none.
    cursors = {"after": keyset.encode_cursor(filters, rows[-1].dossier) if rows else "",
               "before": keyset.encode_cursor(filters, rows[0].dossier)
               if rows and filters.page > 2 else ""}
    return render_template(
        "triage/dashboard.html", rows=rows, total=total, pages=pages, filters=filters,
        cursors=cursors,
        counts=counts, tabs=dashboard.TABS,
        animators=services.animators(), labels=services.all_labels(), states=STATES,
        themes=THEME_LABELS, offered=offered, shown=shown,
        # Translated once: each of the 50 rows repeats them in every cell's data-label.
        headers={key: str(label) for key, label in offered},
        state_labels={name: str(state.staff_label) for name, state in STATES.items()},
        # Translated once too, then filled in for each row.
        formats={"select": _("Sélectionner %(number)s"), "age": _("il y a %(n)s j")},
        sort_of=columns.SORT_OF, always=columns.ALWAYS, cell=columns.cell,
        view_columns=view_columns,
        shown_names=", ".join(str(dict(offered)[key]) for key in shown),
        inbox_url=lambda **changes: url_for("triage.inbox", **filters.to_args(**changes),
                                            **view_columns),
        organisations=dashboard.interested_organisations(),
        calls=dashboard.calls_to_filter(),
        saved_views=[(v, saved_views.view_args(v)) for v in saved_views.views_of(current_user)],
        current_query=urlencode([*filters.to_args(page=1).items(),
                                 *(("column", c) for c in shown)], doseq=True))


@bp.post("/vues")
@animators_only
def save_view():
    """Name the dashboard's current view (its filters and export columns)."""
    from urllib.parse import parse_qs

    from werkzeug.datastructures import MultiDict

    args = MultiDict([(k, v) for k, values in parse_qs(request.form.get("query", "")).items()
                      for v in values])
    back = url_for("triage.inbox") + ("?" + request.form.get("query", "")
                                      if request.form.get("query") else "")
    try:
        view = saved_views.save_view(current_user, request.form.get("name", ""), args,
                                     columns.chosen(current_user, args.getlist("column")))
    except DomainError as exc:
        return _refused(exc.message, back)
    flash(_("Vue « %(name)s » enregistrée.", name=view.name), "success")
    return redirect(url_for("triage.inbox") + "?" + saved_views.view_args(view))


@bp.post("/vues/<id:view_id>/supprimer")
@animators_only
def delete_view(view_id: int):
    saved_views.delete_view(current_user, view_id)
    flash(_("Vue supprimée."), "success")
    return redirect(url_for("triage.inbox"))


def _selected() -> list[Dossier]:
    ids = params.identifiers(request.form.getlist("dossier"))
    if not ids:
        return []
    return list(db.session.scalars(policies.triageable_dossiers(current_user)
                                   .where(Dossier.id.in_(ids))))


@bp.post("/lot")
@animators_only
def bulk_action():
    """Assign, label or export the dossiers ticked on the dashboard."""
    back = request.form.get("back") or url_for("triage.inbox")
    if not back.startswith("/instruction/"):
        back = url_for("triage.inbox")
    selected = _selected()
    if not selected:
        flash(_("Cochez au moins un dossier."), "error")
        return redirect(back)
    action = request.form.get("action")
    if action == "export":
        query = select(Dossier).where(Dossier.id.in_([d.id for d in selected])) \
            .order_by(Dossier.submitted_at.desc())
        return _export(query, request.form.get("format", "csv"))
    if action == "assign":
        target = request.form.get("animator", "")
        animator = None
        if target == "me":
            animator = current_user
        elif (wanted := params.identifier(target)) is not None:
            animator = next((a for a in services.animators() if a.id == wanted), None)
            if animator is None:
                return _refused(_("Choisissez une personne de l'équipe."), back)
        elif target != "none":
            return _refused(_("Choisissez à qui confier les dossiers."), back)
        for dossier in selected:
            services.assign(dossier, animator, current_user)
        flash(_("%(n)s dossier(s) confié(s).", n=len(selected)), "success")
    elif action == "label":
        label_id = params.identifier(request.form.get("label"))
        label = db.session.get(Label, label_id) if label_id else None
        if label is None or label.archived_at is not None:
            return _refused(_("Choisissez l'étiquette à ajouter."), back)
        services.add_label(selected, label, current_user)
        flash(_("Étiquette « %(name)s » ajoutée à %(n)s dossier(s).", name=label.name,
                n=len(selected)), "success")
    else:
        return _refused(_("Choisissez une action."), back)
    return redirect(back)


def _refused(message: str, back: str):
    """A choice missing from the dashboard's form: said at the top of the dashboard."""
    flash(message, "error")
    return redirect(back)


@bp.get("/export.<fmt>")
@animators_only
def export(fmt: str):
    filters = dashboard.Filters.from_args(request.args)
    query = keyset.ordered(dashboard.dossier_query(filters, current_user), filters)
    return _export(query, fmt)


def _export(query, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    source = request.form if request.method == "POST" else request.args
    # The columns asked for (the dashboard sends those it shows), else the default view's.
    written = exports.requested_columns(source.getlist("column")) \
        or columns.chosen(current_user, None)
    # The audit entry is committed at the end of the request, before the file streams.
    exports.record_export(current_user, fmt, written, request.args.to_dict(flat=False))
    headers, rows = exports.table(query, written, fmt)
    return send_table(fmt, f"dossiers-{paris_today().isoformat()}.{fmt}", _("Dossiers"),
                      headers, rows, csv_ready=True)


@bp.route("/etiquettes", methods=["GET", "POST"])
@animators_only
def labels():
    form = NewLabelForm()
    status = 422 if request.method == "POST" else 200

    def page(_exc=None):
        return render_template("triage/labels.html", form=form,
                               labels=services.all_labels()), status

    if form.validate_on_submit():
        on_refusal(form, "name", page)
        services.create_label(text(form.name), form.colour.data, current_user,
                              name_en=text(form.name_en))
        flash(_("Étiquette créée."), "success")
        return redirect(url_for("triage.labels"))
    return page()


@bp.route("/etiquettes/<id:label_id>/modifier", methods=["GET", "POST"])
@animators_only
def edit_label(label_id: int):
    label = get_or_404(Label, label_id)
    form = NewLabelForm(data={"name": label.name, "name_en": label.name_en,
                              "colour": label.colour} if request.method == "GET" else None)
    status = 422 if request.method == "POST" else 200

    def page(_exc=None):
        return render_template("triage/label_form.html", form=form, label=label), status

    if form.validate_on_submit():
        on_refusal(form, "name", page)
        services.update_label(label, text(form.name), form.colour.data, current_user,
                              name_en=text(form.name_en))
        flash(_("Étiquette enregistrée."), "success")
        return redirect(url_for("triage.labels"))
    return page()


@bp.post("/etiquettes/<id:label_id>/archiver")
@animators_only
def archive_label(label_id: int):
    label = get_or_404(Label, label_id)
    archived = request.form.get("archived") != "0"
    services.archive_label(label, archived, current_user)
    flash(_("Étiquette archivée : elle reste sur les dossiers qui l'ont.") if archived
          else _("Étiquette de nouveau proposée."), "success")
    return redirect(url_for("triage.labels"))


from murporteur.triage import dossier_views, search_views  # noqa: E402,F401  (routes)
