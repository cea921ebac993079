"""The reporting pages: the figures of a period, their exports and the yearly report.

Animators see everything and may look at one organisation; a member sees their organisation's
conventions and money next to the collective's totals, never another organisation's detail.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from murporteur.accounts.models import Organisation, Role
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.tables import send_table
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.reporting import cache, exports, jobs, services
from murporteur.reporting.policies import may_view_all_figures, own_organisation_only
from murporteur.reporting.presentation import presentation
from murporteur.reporting.services import MAX_YEAR, MIN_YEAR, Period

bp = Blueprint("reporting", __name__, url_prefix="/rapports")
readers = roles_required(Role.ANIMATOR, Role.MEMBER)
FORMATS = ("csv", "xlsx")


@dataclass
class Scope:
    """Whose figures: a member's organisation (``restricted``: whatever the URL says), or for
    an animator, the organisation chosen in the URL, or the whole collective."""

    organisation: Organisation | None
    restricted: bool
    errors: list[str]

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.id if self.organisation is not None else None


def _scope(args) -> Scope:
    if own_organisation_only(current_user):
        return Scope(current_user.organisation, True, [])
    raw = (args.get("organisation") or "").strip()
    if not raw:
        return Scope(None, False, [])
    organisation_id = params.identifier(raw)
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        return Scope(None, False, [_("Cette organisation n'existe pas : les chiffres affichés "
                                     "sont ceux de tout le collectif.")])
    return Scope(organisation, False, [])


#: The page's table and chart by organisation: the most engaged ones; the whole table is in
#: its export and in the yearly report.
ORGANISATIONS_ON_PAGE = 10


def _years(period: Period) -> list[int]:
    this_year = paris_today().year
    return sorted(set(range(this_year - 5, this_year + 1)) | {period.year}, reverse=True)


@bp.get("/")
@readers
def dashboard():
    period, errors = Period.from_args(request.args)
    if errors:
        errors.append(_("Les chiffres affichés sont ceux de l'année %(year)s.", year=period.year))
    scope = _scope(request.args)
    figures = cache.figures(period, scope.organisation)
    if scope.restricted and scope.organisation is None:
        figures.by_organisation = []  # a member without an organisation: the totals only
    animator = may_view_all_figures(current_user)
    args: dict[str, object] = dict(period.to_args())
    if scope.organisation is not None and not scope.restricted:
        args["organisation"] = scope.organisation.id
    supported, supported_total = (cache.supported(period, cache.SUPPORTED_ON_PAGE) if animator
                                  else (None, 0))
    return render_template(
        "reporting/dashboard.html", figures=figures, errors=errors + scope.errors, scope=scope,
        period=period, args=args, years=_years(period),
        organisations=services.reporting_organisations() if animator else [],
        supported=supported, supported_total=supported_total,
        **presentation(figures, ORGANISATIONS_ON_PAGE))


def _export(fmt: str, name: str, sheet, headers, rows):
    if fmt not in FORMATS:
        abort(404)  # before reading the period: an unknown format is not a bad period
    period, _errors = Period.from_args(request.args)
    scope = _scope(request.args)
    organisation_id = current_user.organisation_id if scope.restricted else scope.organisation_id
    lines = rows(period, organisation_id, scope.restricted)
    exports.record_export(current_user, name, fmt=fmt, period=period,
                          organisation_id=organisation_id)
    return send_table(fmt, f"{name}-{period.slug}.{fmt}", sheet, headers, lines)


@bp.get("/conventions.<fmt>")
@readers
def export_conventions(fmt: str):
    return _export(fmt, "conventions", _("Conventions"), exports.CONVENTION_HEADERS,
                   exports.convention_rows)


@bp.get("/versements.<fmt>")
@readers
def export_payments(fmt: str):
    return _export(fmt, "versements", _("Versements"), exports.PAYMENT_HEADERS,
                   exports.payment_rows)


@bp.get("/organisations.<fmt>")
@readers
def export_organisations(fmt: str):
    """The table by organisation in full (a member: their organisation's row)."""
    return _export(fmt, "organisations", _("Par organisation"), exports.ORGANISATION_HEADERS,
                   exports.organisation_rows)


@bp.get("/projets-soutenus.<fmt>")
@roles_required(Role.ANIMATOR)
def export_supported(fmt: str):
    """Every project supported in the period (the page lists the first ones)."""
    return _export(fmt, "projets-soutenus", _("Projets soutenus"), exports.SUPPORTED_HEADERS,
                   exports.supported_rows)


@bp.post("/rapport-<int:year>")
@roles_required(Role.ANIMATOR)
def prepare_yearly_report(year: int):
    """The yearly report is laid out in the background: its job's page follows it."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)  # a report of no year the reports cover: no such page
    job = jobs.prepare_yearly_report(year, current_user, str(get_locale() or "fr"))
    return redirect(url_for("jobs.show_job", job_id=job.id), 303)


@bp.app_context_processor
def _collective_aims() -> dict:
    """The flash meetings' qualified exchanges and the crossed interventions' trend, for the
    report's page (``reporting/_aims.html``)."""
    from murporteur.reporting.cache import crossed_trend
    from murporteur.reporting.exchanges import flash_exchanges

    return {"flash_exchanges": flash_exchanges, "crossed_trend": crossed_trend}
