"""Changing a convention's follow-up (issue 18): its indicators (renamed, target changed,
archived, restored, deleted while no report gave them a value) and its reporting dates (moved,
removed while no report answered them), by the animators and, once the convention is signed,
its organisation's members; a report read (acknowledged) by them, or corrected by its holder
until then. The rules are ``followup_changes``'; a refusal is shown on the page it came from,
at the row or field it concerns (422), with what was typed.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from murporteur.accounts.models import Role
from murporteur.conventions import followup_changes as changes
from murporteur.conventions.followup_views import (
    IndicatorEditForm,
    ReportingDateForm,
    child_of,
    figure,
    load_convention,
    load_for_setup,
    load_own,
    render_report,
    render_setup,
    report_form,
    typed_figures,
)
from murporteur.conventions.models import Convention, Indicator, ReportingDate
from murporteur.conventions.policies import may_acknowledge_report, may_correct_report
from murporteur.core.access import roles_required
from murporteur.core.forms import day
from murporteur.core.handling import on_refusal

bp = Blueprint("followup_edit", __name__, url_prefix="/conventions")
animators_and_members = roles_required(Role.ANIMATOR, Role.MEMBER)


class ActionForm(FlaskForm):
    """A button that changes something (archive, delete, mark as read): its CSRF token."""


def _back(convention: Convention, anchor: str):
    return redirect(url_for("followup.setup", convention_id=convention.id) + anchor)


def _act_on_row(convention: Convention, key: str):
    """A button on a row (archive, delete): its CSRF token checked, a refusal said at the
    row."""
    if not ActionForm().validate_on_submit():
        abort(400)
    on_refusal(None, None, lambda exc: render_setup(convention, row_errors={key: [exc.message]}))


# --- Indicators ------------------------------------------------------------------------------

@bp.post("/<id:convention_id>/suivi/indicateurs/<id:indicator_id>")
@animators_and_members
def edit_indicator(convention_id: int, indicator_id: int):
    convention = load_for_setup(convention_id)
    indicator = child_of(Indicator, indicator_id, convention)
    form = IndicatorEditForm(prefix=f"ind{indicator.id}")
    forms = {indicator.id: form}
    if not form.validate_on_submit():
        return render_setup(convention, 422, indicator_forms=forms)
    on_refusal(form, "target", lambda exc: render_setup(convention, indicator_forms=forms))
    if changes.change_indicator(indicator, current_user, name=form.name.data or "",
                                unit=form.unit.data or "", target=figure(form.target.data)):
        flash(_("Indicateur « %(name)s » modifié.", name=indicator.name), "success")
    return _back(convention, f"#indicator-{indicator.id}")


@bp.post("/<id:convention_id>/suivi/indicateurs/<id:indicator_id>/archiver")
@animators_and_members
def archive_indicator(convention_id: int, indicator_id: int):
    convention = load_for_setup(convention_id)
    indicator = child_of(Indicator, indicator_id, convention)
    _act_on_row(convention, f"indicator-{indicator.id}")
    changes.archive_indicator(indicator, current_user)
    flash(_("Indicateur « %(name)s » archivé : il n'est plus demandé dans les bilans.",
            name=indicator.name), "success")
    return _back(convention, f"#indicator-{indicator.id}")


@bp.post("/<id:convention_id>/suivi/indicateurs/<id:indicator_id>/restaurer")
@animators_and_members
def restore_indicator(convention_id: int, indicator_id: int):
    convention = load_for_setup(convention_id)
    indicator = child_of(Indicator, indicator_id, convention)
    _act_on_row(convention, f"indicator-{indicator.id}")
    changes.archive_indicator(indicator, current_user, archived=False)
    flash(_("Indicateur « %(name)s » de nouveau suivi.", name=indicator.name), "success")
    return _back(convention, f"#indicator-{indicator.id}")


@bp.post("/<id:convention_id>/suivi/indicateurs/<id:indicator_id>/supprimer")
@animators_and_members
def delete_indicator(convention_id: int, indicator_id: int):
    convention = load_for_setup(convention_id)
    indicator = child_of(Indicator, indicator_id, convention)
    _act_on_row(convention, f"indicator-{indicator.id}")
    name = indicator.name
    changes.remove_indicator(indicator, current_user)
    flash(_("Indicateur « %(name)s » supprimé.", name=name), "success")
    return _back(convention, "#indicators")


# --- Reporting dates -------------------------------------------------------------------------

@bp.post("/<id:convention_id>/suivi/dates/<id:reporting_date_id>")
@animators_and_members
def move_reporting_date(convention_id: int, reporting_date_id: int):
    convention = load_for_setup(convention_id)
    reporting_date = child_of(ReportingDate, reporting_date_id, convention)
    form = ReportingDateForm(prefix=f"date{reporting_date.id}")
    forms = {reporting_date.id: form}
    if not form.validate_on_submit():
        return render_setup(convention, 422, date_forms=forms)
    on_refusal(form, "due_date", lambda exc: render_setup(convention, date_forms=forms))
    if changes.move_reporting_date(reporting_date, current_user, day(form.due_date)):
        flash(_("Date de suivi déplacée."), "success")
    return _back(convention, f"#reporting-date-{reporting_date.id}")


@bp.post("/<id:convention_id>/suivi/dates/<id:reporting_date_id>/supprimer")
@animators_and_members
def delete_reporting_date(convention_id: int, reporting_date_id: int):
    convention = load_for_setup(convention_id)
    reporting_date = child_of(ReportingDate, reporting_date_id, convention)
    _act_on_row(convention, f"reporting-date-{reporting_date.id}")
    changes.remove_reporting_date(reporting_date, current_user)
    flash(_("Date de suivi supprimée."), "success")
    return _back(convention, "#reporting-dates")


# --- Reports ---------------------------------------------------------------------------------

def _report_of(convention: Convention, reporting_date_id: int):
    reporting_date = child_of(ReportingDate, reporting_date_id, convention)
    if reporting_date.report is None:
        abort(404)
    return reporting_date, reporting_date.report


@bp.post("/<id:convention_id>/bilans/<id:reporting_date_id>/lu")
@animators_and_members
def acknowledge_report(convention_id: int, reporting_date_id: int):
    convention = load_convention(convention_id)
    reporting_date, report = _report_of(convention, reporting_date_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not may_acknowledge_report(current_user, report):
        abort(403)
    back = url_for("conventions.show_convention", convention_id=convention.id) \
        + f"#reporting-date-{reporting_date.id}"
    if report.acknowledged_at is not None:  # read meanwhile by someone else
        flash(changes.locked_message(report), "info")
        return redirect(back)
    changes.acknowledge_report(report, current_user)
    flash(_("Bilan marqué comme lu : le porteur ne peut plus le corriger."), "success")
    return redirect(back)


@bp.route("/<id:convention_id>/bilans/<id:reporting_date_id>/corriger",
          methods=["GET", "POST"])
@login_required
def correct_report(convention_id: int, reporting_date_id: int):
    convention = load_own(convention_id)
    reporting_date, report = _report_of(convention, reporting_date_id)
    if not may_correct_report(current_user, report):
        # Read already (or the convention is over): the report to read, and why it is locked.
        status = 409 if report.acknowledged_at is not None and request.method == "POST" \
            else 200
        if report.acknowledged_at is not None:
            flash(changes.locked_message(report), "error" if status == 409 else "info")
        return render_report(convention, reporting_date, None, status)
    form = report_form(convention, report if request.method == "GET" else None)
    if not form.validate_on_submit():
        return render_report(convention, reporting_date, form,
                             422 if form.is_submitted() else 200, correcting=True)
    on_refusal(form, "text", lambda exc: render_report(convention, reporting_date, form,
                                                       correcting=True))
    changes.correct_report(report, current_user, typed_figures(form, convention),
                           form.text.data or "", form.documents.data or [])
    flash(_("Bilan corrigé."), "success")
    return redirect(url_for("followup.report_page", convention_id=convention.id,
                            reporting_date_id=reporting_date.id))
