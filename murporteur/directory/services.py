"""The directory's rules: structures are listed, saved under a unique name, archived."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from murporteur.accounts.models import User
from murporteur.core.errors import DomainError
from murporteur.core.text import french_order
from murporteur.directory.models import SupportStructure
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.submissions.services import redirect_structure_asked

log = logging.getLogger(__name__)

#: What an animator edits on a structure (everything but its state and timestamps).
STRUCTURE_FIELDS = ("name", "kind", "territory", "contact_name", "contact_email",
                    "contact_phone", "website", "description")


def list_structures(include_archived: bool = False, kind: str | None = None
                    ) -> list[SupportStructure]:
    """The structures by name; archived ones only on request."""
    query = select(SupportStructure).order_by(french_order(SupportStructure.name),
                                              SupportStructure.id)
    if not include_archived:
        query = query.where(SupportStructure.active.is_(True))
    if kind:
        query = query.where(SupportStructure.kind == str(kind))
    return list(db.session.scalars(query))


def get_structure(structure_id: int) -> SupportStructure | None:
    return db.session.get(SupportStructure, structure_id)


@redirect_structure_asked.connect
def structure_of_redirect(dossier: Dossier) -> SupportStructure | None:
    """The structure shown on a redirected dossier's page (the submissions' hook)."""
    return get_structure(dossier.redirect_structure_id) if dossier.redirect_structure_id \
        else None


def _name_taken(name: str, structure: SupportStructure | None) -> bool:
    # Case-insensitive: "Ronalpia" and "RONALPIA" are the same structure to a reader.
    query = select(SupportStructure.id).where(
        func.lower(SupportStructure.name) == name.lower())
    if structure is not None and structure.id is not None:
        query = query.where(SupportStructure.id != structure.id)
    return db.session.scalar(query.limit(1)) is not None


def save_structure(structure: SupportStructure | None, *, actor: User | None = None,
                   **fields) -> SupportStructure:
    """Create a structure (``structure`` is None) or update one, under a name no other
    structure uses."""
    unknown = set(fields) - set(STRUCTURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown structure fields: {sorted(unknown)}")
    name = (fields.get("name", structure.name if structure else "") or "").strip()
    if not name:
        raise DomainError(_l("Indiquez le nom de la structure."))
    if _name_taken(name, structure):
        raise DomainError(_l("Une structure s'appelle déjà « %(name)s » dans l'annuaire "
                             "(éventuellement archivée) : choisissez un autre nom.",
                             name=name))
    created = structure is None
    if structure is None:
        structure = SupportStructure(active=True)
        db.session.add(structure)
    for key, value in fields.items():
        if key == "kind":
            value = str(value)
        elif value is None:
            value = ""
        elif isinstance(value, str):
            value = value.strip()
        setattr(structure, key, value)
    structure.name = name
    db.session.flush()
    _log_change(structure, "created" if created else "updated", actor)
    return structure


def _log_change(structure: SupportStructure, what: str, actor: User | None) -> None:
    # Without an actor the change is the demo seed's or a script's: a debug line, not a
    # "created by None" at every start of the demo.
    log.log(logging.INFO if actor else logging.DEBUG, "support structure %s %s by %s",
            structure.id, what, f"user {actor.id}" if actor else "the system")


def archive_structure(structure: SupportStructure, *, actor: User | None = None) -> None:
    """Take a structure out of the lists; the dossiers redirected to it keep pointing to it."""
    structure.active = False
    db.session.flush()
    _log_change(structure, "archived", actor)


def restore_structure(structure: SupportStructure, *, actor: User | None = None) -> None:
    structure.active = True
    db.session.flush()
    _log_change(structure, "restored", actor)


def dossiers_redirected_to(structure: SupportStructure) -> list[Dossier]:
    """The dossiers redirected to ``structure``, most recently submitted first."""
    return list(db.session.scalars(
        select(Dossier).where(Dossier.redirect_structure_id == structure.id)
        .order_by(Dossier.submitted_at.desc(), Dossier.id.desc())))
