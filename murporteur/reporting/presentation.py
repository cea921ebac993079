"""What the reporting page and the yearly report (PDF) draw from the figures: the charts and
the helpers their tables use, in the active language."""

from __future__ import annotations

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from murporteur.collective import references
from murporteur.core.templating import euros
from murporteur.reporting import charts
from murporteur.reporting.services import STEP_LABELS, STEPS, Figures
from murporteur.triage.choices import THEME_LABELS


def _percent(share: float | None) -> str:
    return format_percent(share) if share is not None else "—"


def _days(value: float | None) -> str:
    return _("%(n)s jours", n=format_decimal(value)) if value is not None else "—"


def presentation(figures: Figures) -> dict:
    """The charts of ``figures`` and the helpers their tables use (page and PDF alike)."""
    steps = [str(STEP_LABELS[s]) for s in STEPS]
    rows = figures.by_organisation
    themes = [r for r in figures.by_theme if r.key is not None]
    quarters = figures.quarters
    return {
        "steps": STEPS, "step_labels": STEP_LABELS, "theme_labels": THEME_LABELS,
        "percent": _percent, "days": _days,
        "funnel_chart": charts.funnel(
            _("Du dépôt de l'idée à la convention, %(period)s", period=figures.period.label),
            list(zip(steps, [figures.funnel[s] for s in STEPS], strict=True))),
        "organisation_chart": charts.horizontal_bars(
            _("Euros engagés, versés et en nature par organisation, %(period)s",
              period=figures.period.label),
            [r.organisation.name for r in rows],
            [charts.Series(_("Engagé"), [r.money.committed_cents for r in rows]),
             charts.Series(_("Versé"), [r.money.paid_cents for r in rows]),
             charts.Series(_("En nature"), [r.money.in_kind_cents for r in rows])],
            fmt=euros) if rows else None,
        "quarter_chart": charts.columns(
            _("Idées reçues, projets soutenus et conventionnés par trimestre, %(year)s",
              year=figures.period.year),
            [q.period.label for q in quarters],
            [charts.Series(str(STEP_LABELS[s]), [q.counts[s] for q in quarters])
             for s in ("received", "supported", "conventioned")]),
        "theme_chart": charts.horizontal_bars(
            _("Idées reçues et projets soutenus par thème, %(period)s",
              period=figures.period.label),
            [references.label("theme", r.key) for r in themes],
            [charts.Series(str(STEP_LABELS[s]), [r.counts[s] for r in themes])
             for s in ("received", "supported")]) if themes else None,
    }
