"""Organisations and people from the spreadsheet a collective already has (CSV or XLSX).

Two steps: ``stage`` reads the file, checks every row and keeps the rows server-side (a
``StagedImport`` found by a random token, only by whoever sent it); ``confirm`` checks them
again (things may have changed meanwhile) and writes the valid ones: organisations created,
people invited (each gets their invitation mail). Nothing is written before the confirmation.
"""

from __future__ import annotations

import csv
import io
import secrets
import unicodedata
import zipfile
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur.accounts import organisations, people, policies, services
from murporteur.accounts.models import OrganisationKind, Role, StagedImport, User
from murporteur.audit.services import record
from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.extensions import db

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
#: A preview not confirmed within this delay is gone.
STAGED_HOURS = 24
KINDS = ("organisations", "people")

_COLUMNS = {
    "organisations": {
        "name": ("nom", "name", "organisation", "raison sociale"),
        "short_name": ("nom court", "sigle", "short name", "nom_court"),
        "kind": ("type", "kind", "categorie"),
        "address": ("adresse", "address"),
        "territory": ("territoire", "territory"),
        "website": ("site", "site internet", "website", "site web"),
    },
    "people": {
        "email": ("email", "e-mail", "courriel", "adresse e-mail", "mail"),
        "full_name": ("nom", "name", "nom et prenom", "full name", "nom_prenom"),
        "role": ("role", "fonction"),
        "organisation": ("organisation", "organization", "structure"),
    },
}
_KIND_WORDS = {
    "bailleur": OrganisationKind.LANDLORD, "bailleur social": OrganisationKind.LANDLORD,
    "landlord": OrganisationKind.LANDLORD, "social landlord": OrganisationKind.LANDLORD,
    "partenaire": OrganisationKind.PARTNER, "partner": OrganisationKind.PARTNER,
    "financeur": OrganisationKind.FINANCER, "financer": OrganisationKind.FINANCER,
    "autre": OrganisationKind.OTHER, "other": OrganisationKind.OTHER,
    "animation": OrganisationKind.ANIMATOR, "animator": OrganisationKind.ANIMATOR,
}
_ROLE_WORDS = {
    "membre": Role.MEMBER, "member": Role.MEMBER,
    "animateur": Role.ANIMATOR, "animatrice": Role.ANIMATOR, "animator": Role.ANIMATOR,
    "admin": Role.ADMIN, "administrateur": Role.ADMIN, "administratrice": Role.ADMIN,
}
_LIMITS = {"name": 200, "short_name": 40, "address": 300, "territory": 200, "website": 300,
           "full_name": 200, "email": 254}


class ImportError_(DomainError):
    """The file cannot be read as a table (the rows' own problems are listed, not raised)."""


def _plain(value: str) -> str:
    """Lower case, no accents, single spaces: how column names and words are compared."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return " ".join(text.replace("_", " ").lower().split())


def read_table(data: bytes) -> list[list[str]]:
    """The cells of the file's first sheet, as text: XLSX recognised by its content, CSV
    otherwise (UTF-8 or Windows-1252, ``;`` or ``,``)."""
    if not data:
        raise ImportError_(_l("Le fichier est vide."), field="spreadsheet")
    if len(data) > MAX_BYTES:
        raise ImportError_(_l("Ce fichier est trop lourd : %(mb)s Mo au plus.",
                              mb=MAX_BYTES // (1024 * 1024)), field="spreadsheet")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if b"\x00" in data[:4096]:
        raise ImportError_(_l("Ce fichier n'est ni un CSV ni un classeur XLSX."),
                           field="spreadsheet")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportError_(_l("Ce fichier CSV ne peut pas être lu."),
                           field="spreadsheet") from exc


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportError_(_l("Ce fichier n'est ni un CSV ni un classeur XLSX."),
                           field="spreadsheet") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if cell is None else str(cell) for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _records(kind: str, table: list[list[str]]) -> list[dict]:
    """The rows as ``{"line", "values"}``, columns found by their (French or English) names."""
    table = [row for row in table if any(str(cell).strip() for cell in row)]
    if not table:
        raise ImportError_(_l("Le fichier est vide."), field="spreadsheet")
    header = [_plain(cell) for cell in table[0]]
    positions = {}
    for key, names in _COLUMNS[kind].items():
        for index, name in enumerate(header):
            if name in {_plain(n) for n in names} and key not in positions:
                positions[key] = index
    required = "name" if kind == "organisations" else "email"
    if required not in positions:
        raise ImportError_(_l("La première ligne doit nommer les colonnes ; la colonne « %(col)s » "
                              "manque.", col=_COLUMNS[kind][required][0]), field="spreadsheet")
    if len(table) - 1 > MAX_ROWS:
        raise ImportError_(_l("Ce fichier compte trop de lignes : %(n)s au plus.", n=MAX_ROWS),
                           field="spreadsheet")
    return [{"line": number, "values": {
        key: (row[index].strip() if index < len(row) else "") for key, index in positions.items()}}
        for number, row in enumerate(table[1:], start=2)]


def _check_organisation(values: dict, seen: set[str]) -> list[str]:
    errors = []
    name = values.get("name", "")
    if not name:
        errors.append(str(_l("Le nom manque.")))
    elif organisations.find_by_name(name) is not None:
        errors.append(str(_l("Une organisation porte déjà ce nom.")))
    elif name.lower() in seen:
        errors.append(str(_l("Ce nom figure déjà plus haut dans le fichier.")))
    seen.add(name.lower())
    kind = _KIND_WORDS.get(_plain(values.get("kind", "")) or "partenaire")
    if kind is None:
        errors.append(str(_l("Type inconnu : %(value)s (bailleur, partenaire, financeur, "
                             "autre).", value=values.get("kind"))))
    else:
        values["kind"] = kind.value
    if values.get("website") and organisations.web_address_problem(values["website"]):
        errors.append(str(_l("Le site internet doit commencer par http:// ou https://.")))
    return errors + _lengths(values)


def _lengths(values: dict) -> list[str]:
    return [str(_l("« %(value)s » est trop long : %(max)s caractères au plus.",
                   value=value[:40], max=_LIMITS[key]))
            for key, value in values.items() if key in _LIMITS and len(value) > _LIMITS[key]]


def _check_person(actor: User, values: dict, seen: set[str]) -> list[str]:
    errors = []
    email = services.normalise_email(values.get("email", ""))
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors.append(str(_l("Adresse e-mail invalide : %(email)s", email=email or "—")))
    else:
        if services.find_user_by_email(email) is not None:
            errors.append(str(_l("Une personne a déjà un compte avec cette adresse.")))
        elif email in seen:
            errors.append(str(_l("Cette adresse figure déjà plus haut dans le fichier.")))
    seen.add(email)
    values["email"] = email
    role = _ROLE_WORDS.get(_plain(values.get("role", "")) or "membre")
    if role is None or role not in policies.invitable_roles(actor):
        errors.append(str(_l("Rôle impossible ici : %(value)s (membre, animateur, admin).",
                             value=values.get("role") or "—")))
    else:
        values["role"] = role.value
        if role == Role.MEMBER:
            organisation = organisations.find_by_name(values.get("organisation", ""))
            if organisation is None or not organisation.active:
                errors.append(str(_l("Organisation inconnue ou archivée : %(value)s.",
                                     value=values.get("organisation") or "—")))
    return errors + _lengths(values)


def check_rows(actor: User, kind: str, rows: list[dict]) -> list[dict]:
    """Each row with the list of its problems (empty: it will be written)."""
    seen: set[str] = set()
    for row in rows:
        values = dict(row["values"])
        row["errors"] = (_check_organisation(values, seen) if kind == "organisations"
                         else _check_person(actor, values, seen))
        row["values"] = values
    return rows


def stage(actor: User, kind: str, file_name: str, data: bytes) -> StagedImport:
    if kind not in KINDS:
        raise ImportError_(_l("Choisissez ce que contient le fichier."), field="kind")
    rows = check_rows(actor, kind, _records(kind, read_table(data)))
    staged = StagedImport(token=secrets.token_urlsafe(32), user_id=actor.id, kind=kind,
                          file_name=(file_name or "")[:200], rows=rows)
    db.session.add(staged)
    db.session.flush()
    return staged


def staged_for(actor: User, token: str) -> StagedImport | None:
    """``actor``'s preview behind ``token``, while it may still be confirmed."""
    return db.session.scalar(select(StagedImport).where(
        StagedImport.token == token, StagedImport.user_id == actor.id,
        StagedImport.confirmed_at.is_(None),
        StagedImport.created_at > utcnow() - timedelta(hours=STAGED_HOURS)))


def confirm(actor: User, staged: StagedImport) -> tuple[int, list[dict]]:
    """Write the rows still valid; how many, and the rows left aside with their reasons."""
    rows = check_rows(actor, staged.kind, [{"line": r["line"], "values": r["values"]}
                                           for r in staged.rows])
    written = 0
    for row in rows:
        if row["errors"]:
            continue
        values = row["values"]
        if staged.kind == "organisations":
            organisations.create_organisation(actor, values)
        else:
            organisation = (organisations.find_by_name(values.get("organisation", ""))
                            if values["role"] == Role.MEMBER.value else None)
            people.invite(actor, values["email"], Role(values["role"]),
                          full_name=values.get("full_name", ""), organisation=organisation)
        written += 1
    staged.confirmed_at = utcnow()
    staged.rows = rows
    record(actor, "import.confirmed", staged, {"kind": staged.kind, "written": written,
                                               "skipped": len(rows) - written})
    return written, [row for row in rows if row["errors"]]
