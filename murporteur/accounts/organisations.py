"""The collective's organisations: created, edited, given a logo, archived (never deleted: the
dossiers, positions and conventions that name one keep pointing at it). Every change goes to
the audit trail. Services flush, never commit."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select

from murporteur.accounts.models import Organisation, OrganisationKind, Role, User
from murporteur.audit.services import record
from murporteur.core import checklist
from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.extensions import db

KIND_LABELS = {
    OrganisationKind.LANDLORD: _l("Bailleur social"),
    OrganisationKind.PARTNER: _l("Partenaire"),
    OrganisationKind.FINANCER: _l("Financeur"),
    OrganisationKind.OTHER: _l("Autre"),
    OrganisationKind.ANIMATOR: _l("Animation du collectif"),
}

#: What an organisation's form edits (the logo has its own field and rules).
FIELDS = ("name", "short_name", "kind", "address", "territory", "website")

#: A logo as sent: at most this many bytes, of one of these formats (read from the content).
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
#: Larger pictures are refused before decoding (a small file may unpack to a huge bitmap).
LOGO_MAX_PIXELS = 25_000_000
#: The logo as kept and shown: within this box, re-encoded as PNG.
LOGO_BOX = (400, 200)


def web_address_problem(value: str) -> bool:
    """Whether ``value`` is not a complete http(s) address."""
    try:
        parts = urlsplit(value)
        scheme, host = parts.scheme, parts.hostname or ""
    except ValueError:
        return True
    return scheme not in ("http", "https") or "." not in host or any(c.isspace() for c in value)



class OrganisationError(DomainError):
    """An operation on an organisation was refused."""


def find_by_name(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(
        func.lower(Organisation.name) == (name or "").strip().lower()))


def _check_name(name: str, current: Organisation | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise OrganisationError(_l("Indiquez le nom de l'organisation."), field="name")
    other = find_by_name(name)
    if other is not None and other is not current:
        raise OrganisationError(_l("Une organisation porte déjà ce nom : %(name)s.",
                                   name=other.name), field="name")
    return name


def _clean(values: dict) -> dict:
    cleaned = {k: (values.get(k) or "").strip() or None for k in FIELDS if k != "kind"}
    cleaned["kind"] = OrganisationKind(values["kind"])
    return cleaned


def create_organisation(actor: User | None, values: dict) -> Organisation:
    cleaned = _clean(values)
    cleaned["name"] = _check_name(cleaned["name"])
    organisation = Organisation(active=True, **cleaned)
    db.session.add(organisation)
    db.session.flush()
    record(actor, "organisation.created", organisation,
           {"kind": organisation.kind, "name": organisation.name})
    return organisation


def update_organisation(actor: User, organisation: Organisation, values: dict) -> list[str]:
    """Save the form's values; the names of the fields that changed."""
    cleaned = _clean(values)
    cleaned["name"] = _check_name(cleaned["name"], organisation)
    changed = [k for k, v in cleaned.items() if getattr(organisation, k) != v]
    for key in changed:
        setattr(organisation, key, cleaned[key])
    if changed:
        db.session.flush()
        record(actor, "organisation.updated", organisation,
               {"fields": changed, "kind": organisation.kind, "name": organisation.name})
    return changed


def normalised_logo(data: bytes) -> bytes:
    """The logo as the app keeps it: the picture checked by its content, fitted within
    ``LOGO_BOX`` and re-encoded as PNG (nothing of the sent file but its pixels survives)."""
    if len(data) > LOGO_MAX_BYTES:
        raise OrganisationError(_l("Ce fichier est trop lourd : %(mb)s Mo au plus.",
                                   mb=LOGO_MAX_BYTES // (1024 * 1024)), field="logo")
    not_an_image = OrganisationError(
        _l("Ce fichier n'est pas une image : envoyez un PNG, un JPEG, un GIF ou un WebP."),
        field="logo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in LOGO_FORMATS:
                raise not_an_image
            width, height = probe.size
            if width * height > LOGO_MAX_PIXELS:
                raise OrganisationError(_l("Cette image est trop grande : %(n)s millions de "
                                           "pixels au plus.", n=LOGO_MAX_PIXELS // 1_000_000),
                                        field="logo")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    picture.thumbnail(LOGO_BOX)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def set_logo(actor: User, organisation: Organisation, data: bytes) -> None:
    organisation.logo_png = normalised_logo(data)
    organisation.logo_updated_at = utcnow()
    db.session.flush()
    record(actor, "organisation.logo_set", organisation, {"bytes": len(organisation.logo_png)})


def remove_logo(actor: User, organisation: Organisation) -> None:
    organisation.logo_png = None
    organisation.logo_updated_at = None
    db.session.flush()
    record(actor, "organisation.logo_removed", organisation)


def archive_organisation(actor: User, organisation: Organisation) -> None:
    """Offered nowhere new (committees, forms, the landing page); what names it stays."""
    if not organisation.active:
        raise OrganisationError(_l("Cette organisation est déjà archivée."))
    organisation.active = False
    organisation.archived_at = utcnow()
    db.session.flush()
    record(actor, "organisation.archived", organisation)


def restore_organisation(actor: User, organisation: Organisation) -> None:
    if organisation.active:
        raise OrganisationError(_l("Cette organisation n'est pas archivée."))
    organisation.active = True
    organisation.archived_at = None
    db.session.flush()
    record(actor, "organisation.restored", organisation)


def listed(*, archived: bool = False) -> list[Organisation]:
    return list(db.session.scalars(select(Organisation)
                                   .where(Organisation.active.is_(not archived))
                                   .order_by(Organisation.kind, Organisation.name)))


def representatives(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organisation_id == organisation.id)
                                   .order_by(User.active.desc(), User.full_name, User.email)))


def choices(*, include: Organisation | None = None) -> list[Organisation]:
    """The organisations a person may be attached to (active ones, and the current one)."""
    organisations = listed()
    if include is not None and include not in organisations:
        organisations.append(include)
    return organisations


# --- The first-run checklist: what the accounts know -------------------------------------

def _any(query) -> bool:
    return db.session.scalar(query.limit(1)) is not None


@checklist.step("organisations", _l("Ajouter les bailleurs et partenaires"),
                "organisations.list_organisations", order=20)
def _organisations_entered() -> bool:
    return _any(select(Organisation.id).where(
        Organisation.active.is_(True), Organisation.kind != OrganisationKind.ANIMATOR))


@checklist.step("people", _l("Inviter les animateurs et les membres du comité"),
                "people.list_people", order=30)
def _people_invited() -> bool:
    return _any(select(User.id).where(User.role.in_((Role.ANIMATOR, Role.MEMBER))))
