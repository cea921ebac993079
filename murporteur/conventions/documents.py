"""A convention's document: its template filled with the convention's facts, as a tagged PDF
(WeasyPrint, PDF/UA-1), and the evidence page added before sealing.

One document may bind several conventions of the same dossier (a project the committee
supported jointly): the parties are then the holder and each organisation, each with its own
commitment and payments.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from murporteur.conventions.labels import KIND_LABELS
from murporteur.conventions.models import Convention
from murporteur.conventions.signing_models import ConventionDocument
from murporteur.conventions.templates import amount_in_words as in_words
from murporteur.conventions.templates import render_html, template_for
from murporteur.core.money import format_cents
from murporteur.core.timeutil import paris_today, to_paris
from murporteur.submissions.choices import PriorityArea

PRIORITY_AREA_WORDS = {PriorityArea.YES: "oui", PriorityArea.NO: "non",
                       PriorityArea.UNKNOWN: "à préciser"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _day(value: date | None) -> str:
    return format_date(value, format="long", locale="fr") if value else "à préciser"


def _plain(value: str) -> str:
    """A text with its non-breaking and thin spaces made plain (PDF text stays searchable)."""
    return value.replace("\u202f", " ").replace("\xa0", " ")


def _money(cents: int) -> str:
    return _plain(format_cents(cents))


def values_of(conventions: list[Convention], today: date | None = None) -> dict[str, str]:
    """The inline placeholders' values for a document binding ``conventions`` (one dossier)."""
    first = conventions[0]
    dossier = first.dossier
    committed = sum(c.committed_cents for c in conventions)
    in_kind = sum(c.in_kind_cents for c in conventions)
    starts = [c.start_date for c in conventions if c.start_date]
    ends = [c.end_date for c in conventions if c.end_date]
    organisations = ", ".join(c.organisation.name for c in conventions)
    holder = dossier.structure_name or dossier.contact_name
    parties = [f"{holder}, porteur du projet, représenté par {dossier.contact_name}"] + [
        f"{c.organisation.name}, qui s'engage pour {_money(c.committed_cents)}"
        + (f" et un apport en nature de {_money(c.in_kind_cents)}" if c.in_kind_cents else "")
        for c in conventions]
    return {
        "parties": " ; ".join(parties) + ".",
        "organisations": organisations,
        "holder_structure": holder,
        "holder_contact": dossier.contact_name,
        "holder_town": dossier.town,
        "dossier_number": dossier.number or "",
        "project_title": dossier.title,
        "object": " ; ".join(dict.fromkeys(c.object for c in conventions if c.object))
        or dossier.title,
        "kind": ", ".join(dict.fromkeys(str(KIND_LABELS[c.kind]).lower() for c in conventions)),
        "reference": ", ".join(c.reference for c in conventions if c.reference),
        "committed_amount": _money(committed),
        "committed_amount_words": in_words(committed),
        "in_kind_value": _money(in_kind),
        "in_kind_value_words": in_words(in_kind),
        "start_date": _day(min(starts) if starts else None),
        "end_date": _day(max(ends) if ends else None),
        "today": _day(today or paris_today()),
        "neighbourhoods": dossier.neighbourhoods or "à préciser",
        "priority_area": PRIORITY_AREA_WORDS.get(dossier.priority_area, "à préciser")
        if dossier.priority_area else "à préciser",
        "payment_schedule": "; ".join(
            f"{c.organisation.name} : {_money(p.amount_cents)} le {_day(p.planned_date)}"
            for c in conventions for p in c.payments) or "aucun versement prévu",
        "commitments": "; ".join(
            f"{c.organisation.name} : {_money(c.committed_cents)}" for c in conventions),
        "indicators": "; ".join(
            f"{i.name} : {i.target:,} {i.unit}".replace(",", " ")
            for c in conventions for i in c.current_indicators) or "aucun indicateur prévu",
    }


def blocks_of(conventions: list[Convention]) -> dict[str, Markup]:
    """The block placeholders: the tables of commitments and of payments."""
    rows = [(c.organisation.name, str(KIND_LABELS[c.kind]), _money(c.committed_cents),
             in_words(c.committed_cents), _money(c.in_kind_cents)) for c in conventions]
    payments = [(c.organisation.name, _day(p.planned_date), _money(p.amount_cents))
                for c in conventions for p in c.payments]
    return {
        "commitments": Markup(render_template("conventions/pdf/_commitments.html", rows=rows)),
        "payment_schedule": Markup(render_template("conventions/pdf/_payments.html",
                                                   payments=payments)),
    }


def document_html(conventions: list[Convention], today: date | None = None) -> str:
    """The HTML of the document binding ``conventions``, from the template of the first
    convention's kind (its organisation's own, else the collective's, else the default)."""
    first = conventions[0]
    template = template_for(first.kind, first.organisation_id if len(conventions) == 1
                            else None)
    return render_with(template.title, template.body, conventions, today)


def render_with(title: str, body: str, conventions: list[Convention],
                today: date | None = None) -> str:
    """The HTML of a document worded ``body`` (a template's, or one being edited)."""
    with force_locale("fr"):
        return render_template(
            "conventions/pdf/document.html", title=title,
            body=render_html(body, values_of(conventions, today), blocks_of(conventions)),
            dossier=conventions[0].dossier, conventions=conventions)


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1: structure, language, title) of ``html``."""
    from weasyprint import HTML

    static = current_app.static_folder
    assert static is not None
    return HTML(string=html, base_url=str(Path(static))).write_pdf(pdf_variant="pdf/ua-1")


def document_pdf(conventions: list[Convention], today: date | None = None) -> bytes:
    return html_to_pdf(document_html(conventions, today))


def evidence_pdf(document: ConventionDocument, at: datetime) -> bytes:
    """The evidence page: who signed, when, from which address, how, and the hash of what
    they signed."""
    rows = [{"party": s.organisation.name if s.organisation else document.dossier.structure_name
             or document.dossier.contact_name,
             "signer": s.signer.display_name, "email": s.signer.mail_address,
             "delegated_by": s.delegated_by.display_name if s.delegated_by else "",
             "at": to_paris(s.signed_at).strftime("%d/%m/%Y %H:%M:%S") if s.signed_at else "",
             "ip": s.signed_ip or "", "sha256": s.signed_sha256 or ""}
            for s in document.signatures if s.signed_at]
    with force_locale("fr"):
        html = render_template("conventions/pdf/evidence.html", document=document, rows=rows,
                               sealed_at=to_paris(at).strftime("%d/%m/%Y %H:%M:%S"))
    return html_to_pdf(html)
