"""Exports of the dashboard's current filter: CSV streamed row by row, XLSX in constant memory.

Every column an animator may choose is declared once here, with its header and how to read it.
Dates are written in Europe/Paris, amounts in euros.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from murporteur.core.tables import euros_text
from murporteur.core.timeutil import to_paris
from murporteur.extensions import db
from murporteur.submissions.choices import (LEGAL_FORM_LABELS, PRIORITY_AREA_LABELS,
                                            STAGE_LABELS, SUPPORT_KIND_LABELS)
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import STATES
from murporteur.triage.choices import THEME_LABELS
from murporteur.triage.models import ExportPreference, Qualification

BATCH = 500


def _date(value) -> str:
    return to_paris(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _euros(cents) -> str:
    return euros_text(cents)


def _label(labels, value) -> str:
    return str(labels.get(value, "")) if value else ""


def _many(labels, values) -> str:
    return ", ".join(str(labels.get(v, v)) for v in values or [])


def _q(name: str, reader: Callable | None = None) -> Callable[[Dossier], str]:
    def read(d: Dossier) -> str:
        q = d.qualification
        value = getattr(q, name) if q is not None else None
        return reader(value) if reader else (value or "")
    return read


#: key -> (header, reader). The order is the export's column order.
COLUMNS: dict[str, tuple[object, Callable[[Dossier], str]]] = {
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
}
DEFAULT_COLUMNS = ["number", "state", "submitted_at", "title", "structure_name", "town",
                   "assigned_to", "labels"]


def chosen_columns(user, requested: list[str] | None) -> list[str]:
    """The columns asked for (remembered for next time), else the ones last chosen."""
    preference = db.session.scalar(select(ExportPreference).where(
        ExportPreference.user_id == user.id))
    wanted = [c for c in (requested or []) if c in COLUMNS]
    if wanted:
        if preference is None:
            db.session.add(ExportPreference(user_id=user.id, columns=wanted))
        else:
            preference.columns = wanted
        return wanted
    if preference is not None and preference.columns:
        return [c for c in preference.columns if c in COLUMNS] or DEFAULT_COLUMNS
    return DEFAULT_COLUMNS


def _rows(query, columns: list[str]) -> Iterator[list[str]]:
    readers = [COLUMNS[c][1] for c in columns]
    query = query.options(selectinload(Dossier.holder), selectinload(Dossier.assigned_to),
                          selectinload(Dossier.labels),
                          selectinload(Dossier.qualification).selectinload(
                              Qualification.theme_rows))
    for dossier in db.session.scalars(query.execution_options(yield_per=BATCH)):
        yield [reader(dossier) for reader in readers]


def headers(columns: list[str]) -> list[str]:
    return [str(COLUMNS[c][0]) for c in columns]


def table(query, columns: list[str]) -> tuple[list[str], Iterator[list[str]]]:
    """The headers and the rows of the export, for ``core.tables.send_table``."""
    return headers(columns), _rows(query, columns)
