"""Exports of the dashboard's current filter: CSV streamed row by row, XLSX in constant memory.

Every column an animator may choose is declared once here, with its header and how to read it;
the dashboard's table shows the same columns (``columns``), and its exports write the ones it
shows. Dates are written in Europe/Paris, amounts in euros.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from murporteur.accounts.models import User
from murporteur.audit import services as audit
from murporteur.core.db import utcnow
from murporteur.core.tables import Cents
from murporteur.core.timeutil import to_paris
from murporteur.extensions import db
from murporteur.submissions.choices import (
    LEGAL_FORM_LABELS,
    PRIORITY_AREA_LABELS,
    STAGE_LABELS,
    SUPPORT_KIND_LABELS,
)
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import STATES
from murporteur.triage import dashboard
from murporteur.triage.choices import THEME_LABELS
from murporteur.triage.models import (
    Label,
    Qualification,
    QualificationTheme,
    dossier_label,
)

BATCH = 2000


def _date(value):
    """An instant as a Paris datetime: a date in the XLSX, ``2026-03-01 10:00`` in the CSV."""
    return to_paris(value).replace(tzinfo=None) if value else ""


def _euros(cents) -> Cents | str:
    # An amount, not a text: a number in the XLSX, never taken for a formula in the CSV.
    return "" if cents is None else Cents(cents)


#: The translations of the labels already written by this export (a lazy string is looked
#: up once per export, not once per row: 100,000 rows).
_translated: ContextVar[dict | None] = ContextVar("export_translations", default=None)


def _tr(text) -> str:
    memo = _translated.get()
    if memo is None:
        return str(text)
    key = id(text)
    if key not in memo:
        memo[key] = str(text)
    return memo[key]


def _label(labels, value) -> str:
    return _tr(labels.get(value, "")) if value else ""


def _many(labels, values) -> str:
    return ", ".join(_tr(labels.get(v, v)) for v in values or [])


#: What a column's reader gives: a text, or an amount (a number in the XLSX).
Cell = str | Cents


def _q(name: str, reader: Callable | None = None) -> Callable[[_Row], str]:
    def read(d: _Row) -> str:
        q = d.qualification
        value = getattr(q, name) if q is not None else None
        return reader(value) if reader else (value or "")
    return read


LATE_CALL = _l("Premier appel en retard")
LATE_ANSWER = _l("Sans réponse du porteur")
ON_TIME = _l("Dans les temps")


def _deadlines(d: _Row) -> str:
    late = [_tr(text) for text, flag in ((LATE_CALL, d.x_late_call),
                                         (LATE_ANSWER, d.x_late_answer)) if flag]
    return ", ".join(late) or _tr(ON_TIME)


#: key -> (header, reader).
COLUMNS: dict[str, tuple[object, Callable[[_Row], Cell]]] = {
    "number": (_l("Numéro"), lambda d: d.number or ""),
    "state": (_l("État"), lambda d: _tr(STATES[d.state].staff_label)),
    "submitted_at": (_l("Reçu le"), lambda d: _date(d.submitted_at)),
    "title": (_l("Titre"), lambda d: d.title),
    "structure_name": (_l("Structure"), lambda d: d.structure_name),
    "legal_form": (_l("Forme juridique (porteur)"),
                   lambda d: _label(LEGAL_FORM_LABELS, d.legal_form)),
    "contact_name": (_l("Porteur"), lambda d: d.contact_name),
    "email": (_l("Adresse e-mail"), lambda d: d.holder.email),
    "phone": (_l("Téléphone"), lambda d: d.phone),
    "town": (_l("Commune"), lambda d: d.town),
    "summary": (_l("Résumé (porteur)"), lambda d: d.summary),
    "need": (_l("Besoin"), lambda d: d.need),
    "residents": (_l("Habitants concernés"), lambda d: d.residents),
    "neighbourhoods": (_l("Quartiers (porteur)"), lambda d: d.neighbourhoods),
    "priority_area": (_l("QPV (porteur)"),
                      lambda d: _label(PRIORITY_AREA_LABELS, d.priority_area)),
    "stage": (_l("Stade (porteur)"), lambda d: _label(STAGE_LABELS, d.stage)),
    "support_kinds": (_l("Soutien recherché (porteur)"),
                      lambda d: _many(SUPPORT_KIND_LABELS, d.support_kinds)),
    "financing_amount": (_l("Financement recherché (€)"),
                         lambda d: _euros(d.financing_amount_cents)),
    "assigned_to": (_l("Confié à"),
                    lambda d: d.assigned_to.display_name if d.assigned_to else ""),
    "labels": (_l("Étiquettes"), lambda d: ", ".join(label.name for label in d.labels)),
    "first_call_at": (_l("Premier appel"), lambda d: _date(d.first_call_at)),
    "q_stage": (_l("Stade (qualification)"), _q("stage", lambda v: _label(STAGE_LABELS, v))),
    "q_themes": (_l("Thèmes (qualification)"), _q("themes", lambda v: _many(THEME_LABELS, v))),
    "q_neighbourhoods": (_l("Quartiers (qualification)"), _q("neighbourhoods")),
    "q_priority_area": (_l("QPV (qualification)"),
                        _q("priority_area", lambda v: _label(PRIORITY_AREA_LABELS, v))),
    "q_legal_form": (_l("Forme juridique (qualification)"),
                     _q("legal_form", lambda v: _label(LEGAL_FORM_LABELS, v))),
    "q_support_kinds": (_l("Soutien (qualification)"),
                        _q("support_kinds", lambda v: _many(SUPPORT_KIND_LABELS, v))),
    "q_summary": (_l("Résumé (qualification)"), _q("summary")),
    "q_opinion": (_l("Avis de l'animation"), _q("opinion")),
    "activity": (_l("Dernière activité"), lambda d: _date(d.updated_at)),
    "deadlines": (_l("Délais"), _deadlines),
    "call": (_l("Appel"), lambda d: d.x_call or ""),
}


def requested_columns(requested: list[str] | None) -> list[str]:
    """The columns of ``requested`` an export knows, in the order asked, each once (the
    names it does not know are left out)."""
    return list(dict.fromkeys(c for c in (requested or []) if c in COLUMNS))


def record_export(user, fmt: str, columns: list[str], filters: dict) -> None:
    """An export of the dossiers (personal data leaving the platform) is audited."""
    audit.record(user, "export.dossiers", ("export", "dossiers"), {
        "format": fmt, "columns": columns, "filters": filters})


#: The dossier's own fields each column reads (the others come from joins, see ``_rows``).
_DOSSIER_FIELDS = {
    "number": ("number",), "state": ("state",), "submitted_at": ("submitted_at",),
    "title": ("title",), "structure_name": ("structure_name",), "legal_form": ("legal_form",),
    "contact_name": ("contact_name",), "phone": ("phone",), "town": ("town",),
    "summary": ("summary",), "need": ("need",), "residents": ("residents",),
    "neighbourhoods": ("neighbourhoods",), "priority_area": ("priority_area",),
    "stage": ("stage",), "support_kinds": ("support_kinds",),
    "financing_amount": ("financing_amount_cents",), "assigned_to": ("assigned_to_id",),
    "first_call_at": ("first_call_at",), "activity": ("updated_at",),
}
SEPARATOR = "\x1f"  # between the names of a dossier's labels (never typed in a name)


class _Row:
    """A dossier as the readers see it (``d.number``, ``d.holder.email``, ``d.labels``,
    ``d.qualification.themes``…), over a plain result row: no ORM object is built, so that
    100,000 rows stream in seconds."""

    __slots__ = ("_row", "assigned_to", "holder", "labels", "qualification")
    holder: SimpleNamespace
    assigned_to: SimpleNamespace | None
    labels: list[SimpleNamespace]
    qualification: SimpleNamespace | None

    def __init__(self, row):
        self._row = row
        mapping = row._mapping
        self.holder = SimpleNamespace(email=mapping.get("x_holder_email"))
        self.assigned_to = None if mapping.get("x_assignee_id") is None else SimpleNamespace(
            display_name=row.x_assignee_name or row.x_assignee_email)
        self.labels = [SimpleNamespace(name=n) for n in
                       (mapping.get("x_labels") or "").split(SEPARATOR) if n]
        self.qualification = None if mapping.get("x_q_id") is None else SimpleNamespace(
            stage=row.x_q_stage, neighbourhoods=row.x_q_neighbourhoods,
            priority_area=row.x_q_priority_area, legal_form=row.x_q_legal_form,
            support_kinds=row.x_q_support_kinds, summary=row.x_q_summary,
            opinion=row.x_q_opinion,
            themes=sorted(t for t in (row.x_q_themes or "").split(SEPARATOR) if t))

    def __getattr__(self, name):
        return getattr(self._row, name)


def _rows(query, columns: list[str]) -> Iterator[list[Cell]]:
    """The export's rows, in the query's order: one statement (the query's own filters and
    order, with what the columns read joined to it), streamed BATCH rows at a time from a
    server-side cursor, so that memory stays flat whatever the number of dossiers."""
    readers = [COLUMNS[c][1] for c in columns]
    _translated.set({})
    # Only what the chosen columns read: each column read costs, 100,000 times.
    wanted = set(columns)
    selected = [Dossier.id] + [getattr(Dossier, name) for name in sorted(
        {n for key in wanted for n in _DOSSIER_FIELDS.get(key, ())})]
    holder, assignee, qualification = aliased(User), aliased(User), aliased(Qualification)
    statement = query.with_only_columns(*selected, maintain_column_froms=True)
    if "email" in wanted:
        statement = statement.join(holder, holder.id == Dossier.holder_id) \
            .add_columns(func.coalesce(holder.contact_email, holder.email)
                         .label("x_holder_email"))  # where the holder's mail goes
    if "assigned_to" in wanted:
        statement = statement.outerjoin(assignee, assignee.id == Dossier.assigned_to_id) \
            .add_columns(assignee.id.label("x_assignee_id"),
                         assignee.full_name.label("x_assignee_name"),
                         assignee.email.label("x_assignee_email"))
    if "labels" in wanted:
        statement = statement.add_columns(
            select(func.aggregate_strings(Label.name, SEPARATOR))
            .join(dossier_label, dossier_label.c.label_id == Label.id)
            .where(dossier_label.c.dossier_id == Dossier.id)
            .correlate(Dossier).scalar_subquery().label("x_labels"))
    if any(key.startswith("q_") for key in wanted):
        themes = (select(func.aggregate_strings(QualificationTheme.theme, SEPARATOR))
                  .where(QualificationTheme.qualification_id == qualification.id)
                  .correlate(qualification).scalar_subquery())
        statement = statement.outerjoin(
            qualification, qualification.dossier_id == Dossier.id).add_columns(
            qualification.id.label("x_q_id"), qualification.stage.label("x_q_stage"),
            qualification.neighbourhoods.label("x_q_neighbourhoods"),
            qualification.priority_area.label("x_q_priority_area"),
            qualification.legal_form.label("x_q_legal_form"),
            qualification.support_kinds.label("x_q_support_kinds"),
            qualification.summary.label("x_q_summary"),
            qualification.opinion.label("x_q_opinion"), themes.label("x_q_themes"))
    if "deadlines" in wanted:
        no_call, no_answer = dashboard.overdue_condition(utcnow())
        statement = statement.add_columns(case((no_call, 1), else_=0).label("x_late_call"),
                                          case((no_answer, 1), else_=0).label("x_late_answer"))
    if "call" in wanted:
        statement = statement.add_columns(dashboard.call_title().label("x_call"))
    for row in db.session.execute(statement.execution_options(yield_per=BATCH)):
        dossier = _Row(row)
        yield [reader(dossier) for reader in readers]


def headers(columns: list[str]) -> list[str]:
    return [str(COLUMNS[c][0]) for c in columns]


def table(query, columns: list[str]) -> tuple[list[str], Iterator[list[Cell]]]:
    """The headers and the rows of the export, for ``core.tables.send_table``."""
    return headers(columns), _rows(query, columns)
