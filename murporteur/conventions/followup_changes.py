"""Changing a convention's follow-up once it is set (issue 18), with the rules a user expects:

- an indicator is renamed, its unit or target changed, archived (no longer asked in the
  reports, kept in the earlier ones) or restored; it is deleted only while no report gave it
  a value — after that, archive or rename it;
- a reporting date is moved or removed while no report answered it; one that a report
  answered stays, with its report;
- the holder corrects a report until the organisation or the team has read it
  (``acknowledge_report``); then it is locked.

Who may do what is asked of ``policies``. Each change is kept in the convention's history
(``history``) and in the audit trail; a change of the indicators while a document awaits
signatures cancels it (they are in its text: ``signatures.changed``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from murporteur.accounts.models import User
from murporteur.audit import services as audit
from murporteur.conventions import followup, history, signatures
from murporteur.conventions.models import (
    Indicator,
    ProgressReport,
    ReportingDate,
    ReportValue,
)
from murporteur.conventions.policies import (
    may_acknowledge_report,
    may_correct_report,
    may_set_followup,
)
from murporteur.conventions.workflow import FINISHED
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.params import check_business_day
from murporteur.core.timeutil import to_paris
from murporteur.extensions import db

NOT_ALLOWED = _l("Vous ne pouvez pas faire cette action.")


def _require_setter(actor: User, convention) -> None:
    if not may_set_followup(actor, convention):
        raise AccessDenied(str(NOT_ALLOWED))
    if convention.state in FINISHED:
        raise DomainError(str(_l("Cette convention est terminée.")))


# --- Indicators ------------------------------------------------------------------------------

def has_values(indicator: Indicator) -> bool:
    """Whether a report gave this indicator a value."""
    return bool(db.session.scalar(select(exists().where(
        ReportValue.indicator_id == indicator.id))))


def change_indicator(indicator: Indicator, actor: User, *, name: str, unit: str,
                     target: int | None) -> bool:
    """Rename an indicator, change its unit or its target. False when nothing changed."""
    convention = indicator.convention
    _require_setter(actor, convention)
    target = followup.check_figure(target, "target")
    name, unit = (name or "").strip()[:120], (unit or "").strip()[:40]
    if not name:
        raise DomainError(str(_l("Nommez l'indicateur.")), field="name")
    if not unit:
        raise DomainError(str(_l("Indiquez son unité, par exemple « ateliers »")),
                          field="unit")
    if any(i is not indicator and i.name.casefold() == name.casefold()
           for i in convention.indicators):
        raise DomainError(str(_l("La convention suit déjà cet indicateur.")), field="name")
    before = (indicator.name, indicator.unit, indicator.target)
    if before == (name, unit, target):
        return False
    indicator.name, indicator.unit, indicator.target = name, unit, target
    db.session.flush()
    audit.record(actor, "convention.indicator_changed", convention,
                 {"indicator_id": indicator.id, "target": target})
    history.record(convention, actor, "indicator_changed", old_name=before[0], name=name,
                   old_unit=before[1], unit=unit, old_target=before[2], target=target)
    signatures.changed(convention, actor)
    return True


def archive_indicator(indicator: Indicator, actor: User, archived: bool = True) -> None:
    """Stop asking for an indicator in the reports (``archived``), or ask for it again."""
    convention = indicator.convention
    _require_setter(actor, convention)
    if (indicator.archived_at is not None) == archived:
        raise DomainError(str(_l("Cet indicateur est déjà archivé.") if archived
                              else _l("Cet indicateur est déjà suivi.")), field="indicator")
    indicator.archived_at = utcnow() if archived else None
    db.session.flush()
    action = "indicator_archived" if archived else "indicator_restored"
    audit.record(actor, f"convention.{action}", convention, {"indicator_id": indicator.id})
    history.record(convention, actor, action, name=indicator.name)
    signatures.changed(convention, actor)


def remove_indicator(indicator: Indicator, actor: User) -> None:
    """Delete an indicator no report has given a value yet."""
    convention = indicator.convention
    _require_setter(actor, convention)
    if has_values(indicator):
        raise DomainError(str(_l(
            "Des bilans donnent déjà une valeur à « %(name)s » : il ne se supprime plus. "
            "Archivez-le (il ne sera plus demandé) ou renommez-le.", name=indicator.name)),
            field="indicator")
    name = indicator.name
    audit.record(actor, "convention.indicator_removed", convention,
                 {"indicator_id": indicator.id, "name": name})
    convention.indicators.remove(indicator)
    db.session.flush()
    history.record(convention, actor, "indicator_removed", name=name)
    signatures.changed(convention, actor)


# --- Reporting dates -------------------------------------------------------------------------

def _answered(reporting_date: ReportingDate, message) -> None:
    if reporting_date.report is not None:
        raise DomainError(str(message), field="due_date")


def move_reporting_date(reporting_date: ReportingDate, actor: User, due_date: date) -> bool:
    """Move a reporting date no report answered yet; its reminders start again."""
    convention = reporting_date.convention
    _require_setter(actor, convention)
    _answered(reporting_date, _l("Le porteur a envoyé son bilan pour cette date : elle ne "
                                 "se déplace plus."))
    try:
        check_business_day(due_date)
    except DomainError as exc:
        raise DomainError(exc.message, field="due_date") from None
    if due_date == reporting_date.due_date:
        return False
    if any(d.due_date == due_date for d in convention.reporting_dates):
        raise DomainError(str(_l("Cette date de suivi est déjà prévue.")), field="due_date")
    old = reporting_date.due_date
    reporting_date.due_date = due_date
    reporting_date.reminded_before_at = reporting_date.reminded_after_at = None
    reporting_date.reminders_after = 0
    db.session.flush()
    audit.record(actor, "convention.reporting_date_moved", convention,
                 {"from": old.isoformat(), "to": due_date.isoformat()})
    history.record(convention, actor, "reporting_date_moved", old_date=old, date=due_date)
    return True


def remove_reporting_date(reporting_date: ReportingDate, actor: User) -> None:
    """Remove a reporting date no report answered (a date passed with its report stays)."""
    convention = reporting_date.convention
    _require_setter(actor, convention)
    _answered(reporting_date, _l("Le porteur a envoyé son bilan pour cette date : elle ne "
                                 "se supprime plus."))
    due = reporting_date.due_date
    audit.record(actor, "convention.reporting_date_removed", convention,
                 {"due_date": due.isoformat()})
    convention.reporting_dates.remove(reporting_date)
    db.session.flush()
    history.record(convention, actor, "reporting_date_removed", date=due)


# --- Reports: read, and corrected until then -------------------------------------------------

def locked_message(report: ProgressReport) -> str:
    """Why a report no longer changes: who read it, when (in the current language)."""
    reader = report.acknowledged_by
    when = format_date(to_paris(report.acknowledged_at).date(), "d MMMM yyyy") \
        if report.acknowledged_at else ""
    return str(_l("Ce bilan a été lu le %(date)s par %(name)s : il ne se modifie plus. Pour "
                  "le compléter, écrivez à l'équipe d'animation.", date=when,
                  name=reader.display_name if reader else _l("l'équipe")))


def acknowledge_report(report: ProgressReport, actor: User) -> None:
    """Mark a report as read: the holder may no longer correct it."""
    if not may_acknowledge_report(actor, report):
        raise AccessDenied(str(NOT_ALLOWED))
    if report.acknowledged_at is not None:
        raise DomainError(locked_message(report))
    report.acknowledged_at, report.acknowledged_by = utcnow(), actor
    convention = report.reporting_date.convention
    db.session.flush()
    audit.record(actor, "convention.report_acknowledged", convention, {"report_id": report.id})
    history.record(convention, actor, "report_acknowledged",
                   date=report.reporting_date.due_date)


def correct_report(report: ProgressReport, actor: User, values: Mapping[int, int | None],
                   text: str, files: Iterable = ()) -> None:
    """The holder corrects their report (its figures, its text; documents added) until it is
    read."""
    if report.acknowledged_at is not None:
        raise DomainError(locked_message(report))
    if not may_correct_report(actor, report):
        raise AccessDenied(str(NOT_ALLOWED))
    convention = report.reporting_date.convention
    checked = followup.check_figures(convention, values)
    text = (text or "").strip()
    if not text:
        raise DomainError(str(_l("Racontez en quelques lignes où en est le projet.")),
                          field="text")
    kept = {v.indicator_id: v for v in report.values}
    for ident, value in checked.items():
        if ident in kept:
            kept[ident].value = value
        else:
            report.values.append(ReportValue(indicator_id=ident, value=value))
    report.text = text
    report.documents.extend(followup.store_documents(convention, actor, files))
    report.corrected_at = utcnow()
    db.session.flush()
    audit.record(actor, "convention.report_corrected", convention,
                 {"report_id": report.id, "values": checked})
    history.record(convention, actor, "report_corrected", date=report.reporting_date.due_date)
