"""The collective's convention templates: plain paragraphs with ``{{ placeholder }}`` fields.

A template is text, never code: paragraphs separated by a blank line, a line starting with
``## `` a heading, and ``{{ name }}`` replaced by a value escaped for HTML. Only the names of
``PLACEHOLDERS`` exist; a template naming another is refused when saved, with the list of
valid ones. Block placeholders (the schedule of payments, the parties' commitments) stand
alone on their paragraph and become tables; inline they read as a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from murporteur.accounts.models import User
from murporteur.audit import services as audit
from murporteur.conventions.models import ConventionKind
from murporteur.conventions.policies import may_manage_convention
from murporteur.conventions.signing_models import ConventionTemplate
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db

FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
#: Anything that looks like the start of a field or of template code.
STRAY = re.compile(r"\{\{|\}\}|\{%|%\}")


@dataclass(frozen=True)
class Placeholder:
    name: str
    label: object
    block: bool = False


PLACEHOLDERS: dict[str, Placeholder] = {p.name: p for p in (
    Placeholder("parties", _l("Les parties : le porteur et chaque organisation")),
    Placeholder("organisations", _l("Le nom des organisations signataires")),
    Placeholder("holder_structure", _l("La structure du porteur")),
    Placeholder("holder_contact", _l("Le représentant du porteur")),
    Placeholder("holder_town", _l("La commune du porteur")),
    Placeholder("dossier_number", _l("Le numéro du dossier")),
    Placeholder("project_title", _l("Le titre du projet")),
    Placeholder("object", _l("L'objet de la convention")),
    Placeholder("kind", _l("La nature de la convention")),
    Placeholder("reference", _l("La référence de la convention")),
    Placeholder("committed_amount", _l("Le montant engagé, en chiffres")),
    Placeholder("committed_amount_words", _l("Le montant engagé, en lettres")),
    Placeholder("in_kind_value", _l("La valeur de l'apport en nature, en chiffres")),
    Placeholder("in_kind_value_words", _l("La valeur de l'apport en nature, en lettres")),
    Placeholder("start_date", _l("La date de début")),
    Placeholder("end_date", _l("La date de fin")),
    Placeholder("today", _l("La date du document")),
    Placeholder("neighbourhoods", _l("Les quartiers concernés")),
    Placeholder("priority_area", _l("Le quartier prioritaire (QPV)")),
    Placeholder("indicators", _l("Les indicateurs de suivi et leurs objectifs")),
    Placeholder("payment_schedule", _l("L'échéancier des versements (tableau)"), block=True),
    Placeholder("commitments", _l("L'engagement de chaque partie (tableau)"), block=True),
)}


def placeholders_in(body: str) -> list[str]:
    return [match.group(1) for match in FIELD.finditer(body or "")]


def _braced(name: str) -> str:
    return "{{ " + name + " }}"


def check_body(body: str) -> None:
    """Refuse a body naming an unknown placeholder or holding template code."""
    if not (body or "").strip():
        raise DomainError(_l("Le modèle est vide."))
    unknown = sorted({name for name in placeholders_in(body) if name not in PLACEHOLDERS})
    valid = ", ".join(_braced(name) for name in PLACEHOLDERS)
    if unknown:
        raise DomainError(_l("Champ inconnu : %(unknown)s. Champs possibles : %(valid)s.",
                             unknown=", ".join(_braced(n) for n in unknown), valid=valid))
    if STRAY.search(FIELD.sub("", body)):
        raise DomainError(_l("Accolades mal fermées : un champ s'écrit {{ nom }}. Champs "
                             "possibles : %(valid)s.", valid=valid))


def render_html(body: str, values: dict[str, str], blocks: dict[str, Markup]) -> Markup:
    """The body as HTML: each value escaped, each block placeholder alone on its paragraph
    replaced by its table."""
    parts: list[str] = []
    for paragraph in re.split(r"\n\s*\n", (body or "").replace("\r\n", "\n").strip()):
        paragraph = paragraph.strip()
        alone = FIELD.fullmatch(paragraph)
        if alone and alone.group(1) in blocks:
            parts.append(str(blocks[alone.group(1)]))
            continue
        heading = paragraph.startswith("## ")
        if heading:
            paragraph = paragraph[3:]

        html = FIELD.sub(lambda match: str(escape(values.get(match.group(1), ""))),
                         str(escape(paragraph)))
        html = html.replace("\n", "<br>")
        parts.append(f"<h2>{html}</h2>" if heading else f"<p>{html}</p>")
    return Markup("\n".join(parts))


# --- The collective's templates ------------------------------------------------------------

DEFAULT_BODY = "\n\n".join((
    "## Entre les soussignés",
    "{{ parties }}",
    "## Article 1 — Objet",
    ("La présente convention ({{ kind }}) a pour objet : {{ object }}. Elle concerne le projet "
    "« {{ project_title }} » (dossier {{ dossier_number }}), porté par {{ holder_structure }}, "
    "représentée par {{ holder_contact }}, à {{ holder_town }}."),
    "## Article 2 — Engagements",
    "{{ commitments }}",
    ("Montant total engagé : {{ committed_amount }} ({{ committed_amount_words }}). Valeur de "
    "l'apport en nature : {{ in_kind_value }} ({{ in_kind_value_words }})."),
    "## Article 3 — Versements",
    "{{ payment_schedule }}",
    "## Article 4 — Durée",
    "La convention court du {{ start_date }} au {{ end_date }}.",
    "## Article 5 — Territoire",
    ("Quartiers concernés : {{ neighbourhoods }}. Quartier prioritaire de la politique de la "
    "ville : {{ priority_area }}."),
    "Fait le {{ today }}, signé électroniquement par chacune des parties.",
))

DEFAULT_TITLES = {
    ConventionKind.PARTNERSHIP: _l("Convention de partenariat"),
    ConventionKind.PREMISES: _l("Convention de mise à disposition de locaux"),
    ConventionKind.ORDER: _l("Convention de commande"),
    ConventionKind.FINANCING: _l("Convention de financement"),
}


def template_for(kind: ConventionKind, organisation_id: int | None) -> ConventionTemplate:
    """The organisation's own template of ``kind``, else the collective's, else the default
    wording (not saved)."""
    rows = list(db.session.scalars(select(ConventionTemplate).where(
        ConventionTemplate.kind == kind)))
    own = next((t for t in rows if organisation_id and t.organisation_id == organisation_id),
               None)
    shared = next((t for t in rows if t.organisation_id is None), None)
    return own or shared or ConventionTemplate(kind=kind, organisation_id=None,
                                               title=str(DEFAULT_TITLES[kind]),
                                               body=DEFAULT_BODY)


def save_template(actor: User, kind: ConventionKind, organisation_id: int | None,
                  title: str, body: str) -> ConventionTemplate:
    """Create or replace the template of ``kind`` (for one organisation, or for all)."""
    if not may_manage_convention(actor):
        raise AccessDenied(_l("Réservé à l'équipe d'animation."))
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Donnez un titre au modèle."))
    check_body(body)
    template = db.session.scalar(select(ConventionTemplate).where(
        ConventionTemplate.kind == kind, ConventionTemplate.organisation_id.is_(None)
        if organisation_id is None else ConventionTemplate.organisation_id == organisation_id))
    if template is None:
        template = ConventionTemplate(kind=kind, organisation_id=organisation_id)
        db.session.add(template)
    template.title, template.body, template.updated_by_id = title, body.strip(), actor.id
    db.session.flush()
    audit.record(actor, "convention_template.save", template, {
        "kind": kind, "organisation_id": organisation_id,
        "body_sha256": audit.text_digest(template.body)})
    return template


def list_templates() -> list[ConventionTemplate]:
    return list(db.session.scalars(select(ConventionTemplate).order_by(
        ConventionTemplate.kind, ConventionTemplate.organisation_id.is_not(None),
        ConventionTemplate.id)))


# --- Amounts in French words ---------------------------------------------------------------

_UNITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
          "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept",
          "dix-huit", "dix-neuf")
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):
        base = "soixante" if tens == 7 else "quatre-vingt"
        rest = 10 + unit
        joint = " et " if tens == 7 and unit == 1 else "-"
        return f"{base}{joint}{_UNITS[rest]}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
    if unit == 0:
        return _TENS[tens]
    return f"{_TENS[tens]}{' et ' if unit == 1 else '-'}{_UNITS[unit]}"


def _below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_100(rest)
    head = "cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent{'s' if rest == 0 else ''}"
    return head if rest == 0 else f"{head} {_below_100(rest)}"


def number_in_words(n: int) -> str:
    """A whole number in French words (traditional spelling): 80 → quatre-vingts,
    200 → deux cents, 1 000 → mille, 2 000 000 → deux millions."""
    if n < 0:
        return "moins " + number_in_words(-n)
    if n < 1000:
        return _below_1000(n)
    words = []
    for size, singular in ((10**9, "milliard"), (10**6, "million")):
        count, n = divmod(n, size)
        if count:
            words.append(f"{number_in_words(count)} {singular}{'s' if count > 1 else ''}")
    thousands, n = divmod(n, 1000)
    if thousands:
        # "cent" and "vingt" take no plural before "mille" (deux cent mille)
        head = _below_1000(thousands)
        if head.endswith(("cents", "vingts")):
            head = head[:-1]
        words.append("mille" if thousands == 1 else f"{head} mille")
    if n:
        words.append(_below_1000(n))
    return " ".join(words)


def amount_in_words(cents: int) -> str:
    """An amount of euros in French words: « huit mille euros »,
    « mille deux cent trente-quatre euros et cinquante centimes », « un million d'euros »."""
    euros, rest = divmod(cents, 100)
    words = number_in_words(euros)
    of = "d'euros" if euros >= 10**6 and euros % 10**6 == 0 else (
        "euro" if euros in (0, 1) else "euros")
    text = f"{words} {of}"
    if rest:
        text += f" et {number_in_words(rest)} centime{'s' if rest > 1 else ''}"
    return text
