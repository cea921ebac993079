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


def leading_organisations(figures: Figures, limit: int | None) -> list:
    """The rows of ``figures.by_organisation``: all of them up to ``limit`` (or when it is
    None), else the first ``limit`` with something to show, most committed first (then paid,
    in kind, supported, name)."""
    if limit is None or len(figures.by_organisation) <= limit:
        return figures.by_organisation
    active = [r for r in figures.by_organisation if r.supported or r.money.conventions
              or r.money.paid_cents or r.money.committed_cents or r.money.in_kind_cents]
    active.sort(key=lambda r: (-r.money.committed_cents, -r.money.paid_cents,
                               -r.money.in_kind_cents, -r.supported, r.organisation.name))
    return active[:limit]


def presentation(figures: Figures, organisations_shown: int | None = None) -> dict:
    """The charts of ``figures`` and the helpers their tables use (page and PDF alike); on
    the page, the first ``organisations_shown`` organisations."""
    steps = [str(STEP_LABELS[s]) for s in STEPS]
    rows = leading_organisations(figures, organisations_shown)
    themes = [r for r in figures.by_theme if r.key is not None]
    quarters = figures.quarters
    desc = _("Les mêmes chiffres sont dans le tableau qui suit.")
    return {
        "steps": STEPS, "step_labels": STEP_LABELS, "theme_labels": THEME_LABELS,
        "percent": _percent, "days": _days, "organisation_rows": rows,
        "other_organisations": len(figures.by_organisation) - len(rows),
        "funnel_chart": charts.funnel(
            _("Du dépôt de l'idée à la convention, %(period)s", period=figures.period.label),
            list(zip(steps, [figures.funnel[s] for s in STEPS], strict=True)), desc=desc),
        "organisation_chart": charts.horizontal_bars(
            _("Euros engagés, versés et en nature par organisation, %(period)s",
              period=figures.period.label),
            [r.organisation.name for r in rows],
            [charts.Series(_("Engagé"), [r.money.committed_cents for r in rows]),
             charts.Series(_("Versé"), [r.money.paid_cents for r in rows]),
             charts.Series(_("En nature"), [r.money.in_kind_cents for r in rows])],
            fmt=euros, desc=desc) if rows else None,
        "quarter_chart": charts.columns(
            _("Idées reçues, projets soutenus et conventionnés par trimestre, %(year)s",
              year=figures.period.year),
            [q.period.label for q in quarters],
            [charts.Series(str(STEP_LABELS[s]), [q.counts[s] for q in quarters])
             for s in ("received", "supported", "conventioned")], desc=desc),
        "theme_chart": charts.horizontal_bars(
            _("Idées reçues et projets soutenus par thème, %(period)s",
              period=figures.period.label),
            [references.label("theme", r.key) for r in themes],
            [charts.Series(str(STEP_LABELS[s]), [r.counts[s] for r in themes])
             for s in ("received", "supported")], desc=desc) if themes else None,
    }
