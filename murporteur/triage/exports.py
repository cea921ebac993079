"""Exports of the dashboard's current filter: CSV streamed row by row, XLSX in constant memory.

Every column an animator may choose is declared once here, with its header, how the table
reads it from a dossier of its page, and how the export selects it: the dashboard's table
shows the same columns (``columns``), and its exports write the ones it shows. Dates are
written in Europe/Paris, amounts in euros.

The export reads 100,000 dossiers in one statement that gives each column's value ready, or
nearly (no ORM object, no lookup per row): names joined, deadlines as a code, dates in Paris
time (formatted by PostgreSQL for the CSV); each value then becomes its cell through one
function chosen for its column before the first row (a translated word looked up in a dict
built once, a text kept from being read as a formula…).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, String, case, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from murporteur.accounts.models import User
from murporteur.audit import services as audit
from murporteur.core.db import utcnow
from murporteur.core.tables import Cents, csv_text, euros_text
from murporteur.core.timeutil import PARIS, to_paris
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


def _label(labels, value) -> str:
    return str(labels.get(value, "")) if value else ""


def _many(labels, values) -> str:
    return ", ".join(str(labels.get(v, v)) for v in values or [])


#: What a column's reader gives: a text, or an amount (a number in the XLSX).
Cell = str | Cents


def _q(name: str, reader: Callable | None = None) -> Callable[[Any], str]:
    def read(d) -> str:
        q = d.qualification
        value = getattr(q, name) if q is not None else None
        return reader(value) if reader else (value or "")
    return read


LATE_CALL = _l("Premier appel en retard")
LATE_ANSWER = _l("Sans réponse du porteur")
ON_TIME = _l("Dans les temps")


#: key -> (header, reader): how the table reads a dossier of its page (``columns.cell``); None
#: for the columns it draws from its own row (the deadlines, the call).
COLUMNS: dict[str, tuple[object, Callable[[Any], Cell] | None]] = {
    "number": (_l("Numéro"), lambda d: d.number or ""),
    "state": (_l("État"), lambda d: str(STATES[d.state].staff_label)),
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
    "deadlines": (_l("Délais"), None),
    "call": (_l("Appel"), None),
}


def requested_columns(requested: list[str] | None) -> list[str]:
    """The columns of ``requested`` an export knows, in the order asked, each once (the
    names it does not know are left out)."""
    return list(dict.fromkeys(c for c in (requested or []) if c in COLUMNS))


def record_export(user, fmt: str, columns: list[str], filters: dict) -> None:
    """An export of the dossiers (personal data leaving the platform) is audited."""
    audit.record(user, "export.dossiers", ("export", "dossiers"), {
        "format": fmt, "columns": columns, "filters": filters})


# --- The export: one statement, a function per column ----------------------------------------

#: Between the keys of a qualification's themes (never in a key).
SEPARATOR = "\x1f"
#: A label's names between the dossiers' (as the table's badges are read).
NAMES = ", "
#: The deadlines' code (``_Export.deadlines``): 1 the first call is late, 2 the holder's answer.
LATE_CALL_CODE, LATE_ANSWER_CODE = 1, 2


def _same(value):
    return value


def _paris_text(value: datetime | None) -> str:
    """An instant read as UTC (SQLite's), as the CSV writes it: ``2026-03-01 10:00``."""
    return to_paris(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _paris(value: datetime | None) -> datetime | str:
    """An instant read as UTC (SQLite's), as the XLSX writes it: Paris time, naive."""
    return to_paris(value).replace(tzinfo=None) if value else ""


class _Words(dict):
    """Words by key, translated once for the export: a key without a word gives nothing."""

    def __missing__(self, _key) -> str:
        return ""


Source = tuple[Any, Callable[[Any], Any]]  # (what the statement selects, value -> cell)


class _Export:
    """An export's statement in the making: what each column selects, the joins that brings,
    and how each value becomes its cell in this format (chosen once, called per row)."""

    def __init__(self, fmt: str) -> None:
        self.csv = fmt == "csv"
        # PostgreSQL converts instants to Paris time (and formats them) itself; SQLite keeps
        # UTC text: converted here, row by row (a small database).
        self.postgresql = db.session.get_bind().dialect.name == "postgresql"
        self.now = utcnow()
        self._joins: dict[str, tuple[Any, Any, bool]] = {}  # name -> (target, on, outer)

    def _join(self, name: str, make: Callable[[], tuple[Any, Any]], *, outer: bool = True):
        if name not in self._joins:
            target, on = make()
            self._joins[name] = (target, on, outer)
        return self._joins[name][0]

    def joined(self, statement):
        for target, on, outer in self._joins.values():
            statement = statement.outerjoin(target, on) if outer else statement.join(target, on)
        return statement

    # What the columns read besides the dossier, joined once each.
    @property
    def holder(self):
        def make():
            holder = aliased(User)
            return holder, holder.id == Dossier.holder_id
        return self._join("holder", make, outer=False)

    @property
    def assignee(self):
        def make():
            assignee = aliased(User)
            return assignee, assignee.id == Dossier.assigned_to_id
        return self._join("assignee", make)

    @property
    def qualification(self):
        def make():
            qualification = aliased(Qualification)
            return qualification, qualification.dossier_id == Dossier.id
        return self._join("qualification", make)

    @property
    def label_names(self):
        """A dossier's labels' names, in the order they were created, joined by NAMES: a
        join to every labelled dossier's names, aggregated once (not a subquery per row)."""
        def make():
            key = dossier_label.c.dossier_id
            if self.postgresql:
                names = func.string_agg(Label.name, aggregate_order_by(
                    literal(NAMES, String()), Label.id))
                per_dossier = select(key.label("dossier_id"), names.label("label_names")) \
                    .join(Label, Label.id == dossier_label.c.label_id).group_by(key)
            else:  # SQLite has no ORDER BY in an aggregate: it keeps its input's order
                ordered = select(key.label("dossier_id"), Label.name.label("name")) \
                    .join(Label, Label.id == dossier_label.c.label_id) \
                    .order_by(key, Label.id).subquery()
                per_dossier = select(ordered.c.dossier_id, func.aggregate_strings(
                    ordered.c.name, NAMES).label("label_names")).group_by(ordered.c.dossier_id)
            names_of = per_dossier.subquery("label_names")
            return names_of, names_of.c.dossier_id == Dossier.id
        return self._join("labels", make).c.label_names

    @property
    def theme_keys(self):
        """A qualification's themes' keys, joined by SEPARATOR (aggregated once)."""
        qualification = self.qualification

        def make():
            key = QualificationTheme.qualification_id
            keys = select(key.label("qualification_id"), func.aggregate_strings(
                QualificationTheme.theme, SEPARATOR).label("theme_keys")).group_by(key) \
                .subquery("theme_keys")
            return keys, keys.c.qualification_id == qualification.id
        return self._join("themes", make).c.theme_keys

    # How each kind of value becomes a cell.
    def text(self, expression) -> Source:
        return expression, csv_text if self.csv else _same

    def _cell_of_text(self, word) -> str:
        return csv_text(str(word)) if self.csv else str(word)

    def words(self, expression, labels) -> Source:
        """A key shown as its word (a state, a stage…): nothing for a key without one."""
        words = _Words({getattr(key, "value", key): self._cell_of_text(word)
                        for key, word in labels.items()})
        return type_coerce(expression, String()), words.__getitem__

    def many(self, expression, labels) -> Source:
        """A list of keys shown as their words, joined (a key without one as itself)."""
        words = {key: str(labels[key]) for key in labels}
        cell = csv_text if self.csv else _same

        def read(keys) -> str:
            return cell(", ".join([str(words.get(k, k)) for k in keys])) if keys else ""
        return expression, read

    def themes(self) -> Source:
        words = {key: str(THEME_LABELS[key]) for key in THEME_LABELS}
        cell = csv_text if self.csv else _same

        def read(keys) -> str:
            return cell(", ".join([words.get(k, k) for k in sorted(keys.split(SEPARATOR))])) \
                if keys else ""
        return self.theme_keys, read

    def instant(self, expression) -> Source:
        if not self.postgresql:
            return expression, _paris_text if self.csv else _paris
        paris = func.timezone(PARIS.key, expression)
        if self.csv:
            return func.coalesce(func.to_char(paris, "YYYY-MM-DD HH24:MI"), ""), str
        return type_coerce(paris, DateTime()), _same

    def amount(self, expression) -> Source:
        return expression, euros_text if self.csv else _euros

    def deadlines(self) -> Source:
        no_call, no_answer = dashboard.overdue_condition(self.now)
        code = case((no_call, LATE_CALL_CODE), else_=0) \
            + case((no_answer, LATE_ANSWER_CODE), else_=0)
        late, answer, on_time = (self._cell_of_text(w) for w in (LATE_CALL, LATE_ANSWER,
                                                                  ON_TIME))
        cells = (on_time, late, answer, f"{late}, {answer}")  # by code
        return code, cells.__getitem__


#: key -> what the export selects for the column, and how a value becomes its cell.
SOURCES: dict[str, Callable[[_Export], Source]] = {
    "number": lambda e: e.text(Dossier.number),
    "state": lambda e: e.words(Dossier.state, {k: s.staff_label for k, s in STATES.items()}),
    "submitted_at": lambda e: e.instant(Dossier.submitted_at),
    "title": lambda e: e.text(Dossier.title),
    "structure_name": lambda e: e.text(Dossier.structure_name),
    "legal_form": lambda e: e.words(Dossier.legal_form, LEGAL_FORM_LABELS),
    "contact_name": lambda e: e.text(Dossier.contact_name),
    # Where the holder's mail goes (a holder kept apart from a staff address: the one typed).
    "email": lambda e: e.text(func.coalesce(e.holder.contact_email, e.holder.email)),
    "phone": lambda e: e.text(Dossier.phone),
    "town": lambda e: e.text(Dossier.town),
    "summary": lambda e: e.text(Dossier.summary),
    "need": lambda e: e.text(Dossier.need),
    "residents": lambda e: e.text(Dossier.residents),
    "neighbourhoods": lambda e: e.text(Dossier.neighbourhoods),
    "priority_area": lambda e: e.words(Dossier.priority_area, PRIORITY_AREA_LABELS),
    "stage": lambda e: e.words(Dossier.stage, STAGE_LABELS),
    "support_kinds": lambda e: e.many(Dossier.support_kinds, SUPPORT_KIND_LABELS),
    "financing_amount": lambda e: e.amount(Dossier.financing_amount_cents),
    # The assignee's display name: their full name, else their address.
    "assigned_to": lambda e: e.text(func.coalesce(func.nullif(e.assignee.full_name, ""),
                                                  e.assignee.email)),
    "labels": lambda e: e.text(e.label_names),
    "first_call_at": lambda e: e.instant(Dossier.first_call_at),
    "q_stage": lambda e: e.words(e.qualification.stage, STAGE_LABELS),
    "q_themes": lambda e: e.themes(),
    "q_neighbourhoods": lambda e: e.text(e.qualification.neighbourhoods),
    "q_priority_area": lambda e: e.words(e.qualification.priority_area, PRIORITY_AREA_LABELS),
    "q_legal_form": lambda e: e.words(e.qualification.legal_form, LEGAL_FORM_LABELS),
    "q_support_kinds": lambda e: e.many(e.qualification.support_kinds, SUPPORT_KIND_LABELS),
    "q_summary": lambda e: e.text(e.qualification.summary),
    "q_opinion": lambda e: e.text(e.qualification.opinion),
    "activity": lambda e: e.instant(Dossier.updated_at),
    "deadlines": lambda e: e.deadlines(),
    "call": lambda e: e.text(dashboard.call_title()),
}


def _rows(query, columns: list[str], fmt: str) -> Iterator[list]:
    """The export's rows, in the query's order: one statement (the query's own filters and
    order, with what the columns read joined to it), streamed BATCH rows at a time from a
    server-side cursor, so that memory stays flat whatever the number of dossiers. Each row
    is a tuple of plain values (no ORM object, no type conversion), one per column, each
    turned into its cell by its column's function: CSV cells for the CSV."""
    export = _Export(fmt)
    selected, cells = zip(*(SOURCES[key](export) for key in columns), strict=True)
    statement = export.joined(query.with_only_columns(
        *[expression.label(f"c{n}") for n, expression in enumerate(selected)],
        maintain_column_froms=True))
    # Core, not the ORM session's execute: the rows come as the driver reads them.
    result = db.session.connection().execute(statement.execution_options(yield_per=BATCH))
    for rows in result.partitions():
        for row in rows:
            yield [cell(value) for cell, value in zip(cells, row, strict=True)]


def headers(columns: list[str]) -> list[str]:
    return [str(COLUMNS[c][0]) for c in columns]


def table(query, columns: list[str], fmt: str) -> tuple[list[str], Iterator[list]]:
    """The headers and the rows of the export, for ``core.tables.send_table`` (the CSV's rows
    are ready: ``csv_ready``)."""
    return headers(columns), _rows(query, columns, fmt)
