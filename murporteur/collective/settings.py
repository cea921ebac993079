"""The collective's settings: one accessor for every place that reads them.

``get("name")`` gives the effective value: the environment variable when it is set (the
settings page says so and does not let the field be edited), else what the admin saved, else
the default below. Values are read once per request (or task) and kept in ``flask.g``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur.audit.services import record
from murporteur.collective.models import CollectiveSetting, ConsentWording
from murporteur.core.errors import DomainError
from murporteur.extensions import db

#: The consent every collective starts with (a dossier's ``consent_version`` names it).
DEFAULT_CONSENT_VERSION = "2026-11"
DEFAULT_CONSENT_TEXT = ("J'accepte que les informations de ce formulaire soient traitées par "
                        "le collectif Mur porteur pour étudier mon idée.")


@dataclass(frozen=True)
class Field:
    name: str
    env: str  # the environment variable that overrides it (murporteur/settings.py)
    default: str | int
    label: Any  # a lazy string
    maximum: int  # the longest text, or the largest number
    minimum: int = 0  # the smallest number (numbers only)
    required: bool = False

    @property
    def is_number(self) -> bool:
        return isinstance(self.default, int)


FIELDS = (
    Field("name", "COLLECTIVE_NAME", "Mur porteur", _l("Nom du collectif"), 120,
          required=True),
    Field("region", "COLLECTIVE_REGION", "", _l("Région"), 120),
    Field("contact_email", "CONTACT_EMAIL", "murporteur@localhost",
          _l("Adresse e-mail de contact"), 254, required=True),
    Field("contact_phone", "CONTACT_PHONE", "", _l("Téléphone de contact"), 40),
    Field("presentation_fr", "PRESENTATION_FR", "",
          _l("Présentation sur la page d'accueil (en français)"), 2000),
    Field("presentation_en", "PRESENTATION_EN", "",
          _l("Présentation sur la page d'accueil (en anglais)"), 2000),
    Field("committee_slot_minutes", "COMMITTEE_SLOT_MINUTES", 20,
          _l("Durée de passage par défaut au comité (minutes)"), 180, minimum=5),
    Field("committee_place", "COMMITTEE_PLACE", "", _l("Lieu par défaut du comité"), 300),
    Field("first_call_days", "FIRST_CALL_DAYS", 10,
          _l("Délai du premier appel (jours après le dépôt)"), 365, minimum=1),
    Field("holder_answer_days", "HOLDER_ANSWER_DAYS", 21,
          _l("Délai de réponse du porteur à une demande (jours)"), 365, minimum=1),
    Field("holder_reminder_days", "HOLDER_REMINDER_DAYS", 7,
          _l("Relance du porteur sans réponse (jours)"), 365, minimum=1),
    Field("consent_text", "CONSENT_TEXT", DEFAULT_CONSENT_TEXT,
          _l("Texte du consentement du formulaire d'idée"), 1000, required=True),
    Field("consent_version", "CONSENT_VERSION", DEFAULT_CONSENT_VERSION,
          _l("Version du texte de consentement"), 20, required=True),
)
BY_NAME = {f.name: f for f in FIELDS}
#: What the admin's first-run checklist asks of "the collective's details".
DETAILS = ("name", "region", "contact_email")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,40}$")
_VERSION = re.compile(r"^[A-Za-z0-9._-]{1,20}$")
_CACHE = "_collective_settings"


def _environment() -> dict[str, str]:
    return current_app.config.get("COLLECTIVE_ENV") or {}


def _stored() -> dict[str, str]:
    return dict(db.session.execute(select(CollectiveSetting.name, CollectiveSetting.value))
                .tuples().all())


def _parse(field: Field, raw: str) -> str | int:
    if field.is_number:
        try:
            return int(raw)
        except ValueError:
            return field.default
    return raw


def effective() -> dict[str, str | int]:
    """Every setting's effective value, read once per request (or task)."""
    cached = g.get(_CACHE)
    if cached is None:
        env, stored = _environment(), _stored()
        cached = {}
        for f in FIELDS:
            raw = env.get(f.env) or stored.get(f.name) or ""
            cached[f.name] = _parse(f, raw) if raw else f.default
        setattr(g, _CACHE, cached)
    return cached


def get(name: str) -> Any:
    """The effective value of setting ``name`` (an int for the numbers, else a str)."""
    return effective()[name]


def overridden(name: str) -> bool:
    """Whether setting ``name`` comes from its environment variable (not editable here)."""
    return bool(_environment().get(BY_NAME[name].env))


def details_done() -> bool:
    """The collective's name, region and contact e-mail filled in (on screen or by the
    environment): an item of the admin's first-run checklist."""
    env, stored = _environment(), _stored()
    return all(env.get(BY_NAME[n].env) or stored.get(n) for n in DETAILS)


def forget() -> None:
    """Drop this request's copy (after a save, or when a test changes the environment)."""
    g.pop(_CACHE, None)


def consent_text(version: str | None) -> str | None:
    """The words of consent ``version`` (None for an unknown one)."""
    if not version:
        return None
    if version == get("consent_version"):
        return str(get("consent_text"))
    wording = db.session.get(ConsentWording, version)
    if wording is not None:
        return wording.text
    return DEFAULT_CONSENT_TEXT if version == DEFAULT_CONSENT_VERSION else None


def check(name: str, value: str) -> str | int:
    """``value`` typed for setting ``name``, or a DomainError at that field."""
    f = BY_NAME[name]
    value = (value or "").strip()
    if not value:
        if f.required or f.is_number:
            raise DomainError(_l("Ce champ est obligatoire."), field=name)
        return ""
    if f.is_number:
        if not value.isascii() or not value.isdigit() or not (
                f.minimum <= int(value) <= f.maximum):
            raise DomainError(_l("Indiquez un nombre entier entre %(low)s et %(high)s.",
                                 low=f.minimum, high=f.maximum), field=name)
        return int(value)
    if len(value) > f.maximum or "\x00" in value:
        raise DomainError(_l("%(n)s caractères au plus.", n=f.maximum), field=name)
    if name == "contact_email" and not _EMAIL.match(value):
        raise DomainError(_l("Indiquez une adresse e-mail valide, par exemple "
                             "contact@cress.fr."), field=name)
    if name == "contact_phone" and not _PHONE.match(value):
        raise DomainError(_l("Indiquez un numéro de téléphone, par exemple 01 23 45 67 89."),
                          field=name)
    if name == "consent_version" and not _VERSION.match(value):
        raise DomainError(_l("Lettres, chiffres, point, tiret ou souligné, sans espace "
                             "(par exemple 2027-01)."), field=name)
    return value


def save(actor, values: dict[str, str]) -> list[str]:
    """Save what the admin typed (the fields the environment does not override); each
    change is audited. Returns the names of the settings changed. Raises DomainError at the
    first bad field, before anything is written."""
    typed = {name: check(name, values.get(name, "")) for name in BY_NAME
             if not overridden(name)}
    _check_consent(typed)
    stored = {row.name: row for row in db.session.scalars(select(CollectiveSetting))}
    before = effective()
    changed = []
    for name, value in typed.items():
        if value == before[name] and (name in stored or value == BY_NAME[name].default):
            continue
        row = stored.get(name) or CollectiveSetting(name=name)
        row.value = str(value)
        db.session.add(row)
        record(actor, "collective_setting.update", ("collective_setting", name),
               {"from": before[name], "to": value})
        changed.append(name)
    if "consent_version" in typed and db.session.get(
            ConsentWording, typed["consent_version"]) is None:
        db.session.add(ConsentWording(version=str(typed["consent_version"]),
                                      text=str(typed.get("consent_text") or get("consent_text"))))
    db.session.flush()
    forget()
    return changed


def _check_consent(typed: dict[str, str | int]) -> None:
    version = str(typed.get("consent_version") or get("consent_version"))
    text = str(typed.get("consent_text") or get("consent_text"))
    known = db.session.get(ConsentWording, version)
    if (known is not None and known.text != text) or (
            known is None and version == DEFAULT_CONSENT_VERSION
            and text != DEFAULT_CONSENT_TEXT):
        raise DomainError(_l("Les dossiers déjà déposés gardent les mots de la version "
                             "« %(v)s » : donnez une nouvelle version au nouveau texte.",
                             v=version), field="consent_version")
