"""The unit form and the public filters: input shapes and their messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from murporteur.core.forms import TOO_LONG, MultiCheckboxField, text_field
from murporteur.core.money import AmountError, cents_to_input, parse_euros
from murporteur.premises.models import (
    FLOOR_MAX,
    FLOOR_MIN,
    LEASE_LABELS,
    RENT_MAX_CENTS,
    SURFACE_MAX,
    SURFACE_MIN,
    USE_LABELS,
    VISIBILITY_LABELS,
    PremisesUnit,
)
from murporteur.submissions.choices import choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def whole_number(text: str | None) -> int | None:
    """A whole number typed with or without spaces ("1 200"), or None."""
    cleaned = (text or "").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not cleaned or not cleaned.lstrip("-").isdigit() or len(cleaned) > 9:
        return None
    return int(cleaned)


def decimal(text: str | None) -> float | None:
    try:
        return float((text or "").replace(",", ".").strip())
    except ValueError:
        return None


class UnitForm(FlaskForm):
    organisation = SelectField(_l("Organisation qui propose le local"), validate_choice=False,
                               validators=[Optional()])
    title = text_field(_l("Nom du local"), 200,
                       _l("Facultatif. Par exemple : Local d'angle, pied d'immeuble."))
    address = StringField(_l("Adresse"), filters=[_strip], validators=[
        DataRequired(_l("Indiquez l'adresse du local.")), Length(max=300, message=TOO_LONG)])
    town = StringField(_l("Commune"), filters=[_strip], validators=[
        DataRequired(_l("Indiquez la commune.")), Length(max=120, message=TOO_LONG)])
    neighbourhood = text_field(_l("Quartier"), 120)
    qpv = BooleanField(_l("Quartier prioritaire de la politique de la ville (QPV)"))
    surface_m2 = StringField(_l("Surface (m²)"), filters=[_strip],
                             description=_l("Un nombre entier, de %(low)d à %(high)d.",
                                            low=SURFACE_MIN, high=SURFACE_MAX),
                             validators=[DataRequired(_l("Indiquez la surface en m²."))])
    floor = StringField(_l("Étage"), filters=[_strip], default="0",
                        description=_l("0 pour le rez-de-chaussée, -1 pour le sous-sol."),
                        validators=[Optional()])
    step_free = BooleanField(_l("Accessible de plain-pied (sans marche)"))
    uses = MultiCheckboxField(_l("Usages possibles"), validate_choice=False,
                              choices=choices(USE_LABELS))
    free = BooleanField(_l("Mis à disposition gratuitement"))
    rent = StringField(_l("Loyer mensuel (en euros, charges comprises)"), filters=[_strip],
                       description=_l("Laissez vide si le local est mis à disposition "
                                      "gratuitement."))
    lease_types = MultiCheckboxField(_l("Baux possibles"), validate_choice=False,
                                     choices=choices(LEASE_LABELS))
    available_from = DateField(_l("Disponible à partir du"), validators=[Optional()],
                               description=_l("Facultatif."))
    description = text_field(_l("Description"), 5000, area=True)
    visibility = RadioField(_l("Qui voit ce local"), validate_choice=False,
                            choices=choices(VISIBILITY_LABELS), default="collective",
                            validators=[DataRequired(_l("Dites qui voit ce local."))])
    # No Optional() on these: it would stop the checks that compare them with other fields.
    latitude = StringField(_l("Latitude"), filters=[_strip],
                           description=_l("Facultatif, pour la carte. Par exemple : 45,7578"))
    longitude = StringField(_l("Longitude"), filters=[_strip],
                            description=_l("Facultatif, pour la carte. Par exemple : 4,8320"))
    photos = MultipleFileField(_l("Ajouter des photos"),
                               description=_l("JPEG, PNG ou WebP, 10 Mo au plus chacune ; "
                                              "8 photos au plus par local."))

    def validate_surface_m2(self, field):
        value = whole_number(field.data)
        if value is None or not SURFACE_MIN <= value <= SURFACE_MAX:
            raise ValidationError(_l("Indiquez une surface en m², un nombre entier de %(low)d "
                                     "à %(high)d.", low=SURFACE_MIN, high=SURFACE_MAX))

    def validate_floor(self, field):
        if field.data:
            value = whole_number(field.data)
            if value is None or not FLOOR_MIN <= value <= FLOOR_MAX:
                raise ValidationError(_l("Indiquez un étage de %(low)d à %(high)d.",
                                         low=FLOOR_MIN, high=FLOOR_MAX))

    def validate_rent(self, field):
        if not field.data:
            if not self.free.data:
                raise ValidationError(_l("Indiquez le loyer mensuel, ou cochez « Mis à "
                                         "disposition gratuitement »."))
            return
        if self.free.data:
            raise ValidationError(_l("Un local mis à disposition gratuitement n'a pas de "
                                     "loyer : videz ce champ ou décochez la gratuité."))
        try:
            cents = parse_euros(field.data)
        except AmountError:
            raise ValidationError(_l("Indiquez un montant en euros, par exemple 450 ou "
                                     "450,50.")) from None
        if not 0 <= cents <= RENT_MAX_CENTS:
            raise ValidationError(_l("Le loyer mensuel va de 0 à 50 000 €."))

    def validate_uses(self, field):
        if any(v not in {k.value for k in USE_LABELS} for v in field.data or []):
            raise ValidationError(_l("Choisissez parmi les usages proposés."))

    def validate_lease_types(self, field):
        if any(v not in {k.value for k in LEASE_LABELS} for v in field.data or []):
            raise ValidationError(_l("Choisissez parmi les baux proposés."))

    def validate_visibility(self, field):
        if field.data not in {k.value for k in VISIBILITY_LABELS}:
            raise ValidationError(_l("Choisissez une des réponses proposées."))

    def validate_organisation(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez une des organisations proposées."))

    def validate_latitude(self, field):
        if bool(self.latitude.data) != bool(self.longitude.data):
            raise ValidationError(_l("Indiquez la latitude et la longitude, ou aucune des "
                                     "deux."))
        if field.data:
            value = decimal(field.data)
            if value is None or not -90 <= value <= 90:
                raise ValidationError(_l("Une latitude va de -90 à 90, par exemple 45,7578."))

    def validate_longitude(self, field):
        if field.data:
            value = decimal(field.data)
            if value is None or not -180 <= value <= 180:
                raise ValidationError(_l("Une longitude va de -180 à 180, par exemple 4,8320."))

    def values(self) -> dict:
        """The keyword arguments of ``services.save_unit``."""
        return {
            "title": self.title.data or "", "address": self.address.data or "",
            "town": self.town.data or "", "neighbourhood": self.neighbourhood.data or "",
            "qpv": bool(self.qpv.data), "surface_m2": whole_number(self.surface_m2.data),
            "floor": whole_number(self.floor.data) or 0, "step_free": bool(self.step_free.data),
            "uses": list(dict.fromkeys(self.uses.data or [])),
            "rent_cents": None if self.free.data else parse_euros(self.rent.data or "0"),
            "lease_types": list(dict.fromkeys(self.lease_types.data or [])),
            "available_from": self.available_from.data,
            "description": self.description.data or "", "visibility": self.visibility.data,
            "latitude": decimal(self.latitude.data) if self.latitude.data else None,
            "longitude": decimal(self.longitude.data) if self.longitude.data else None,
        }

    def fill_from(self, unit: PremisesUnit) -> None:
        self.organisation.data = str(unit.organisation_id)
        for name in ("title", "address", "town", "neighbourhood", "qpv", "step_free",
                     "available_from", "description"):
            getattr(self, name).data = getattr(unit, name)
        self.surface_m2.data = str(unit.surface_m2)
        self.floor.data = str(unit.floor)
        self.uses.data = list(unit.uses or [])
        self.lease_types.data = list(unit.lease_types or [])
        self.free.data = unit.rent_cents is None
        self.rent.data = cents_to_input(unit.rent_cents) if unit.rent_cents is not None else ""
        self.visibility.data = str(unit.visibility)
        self.latitude.data = "" if unit.latitude is None else str(unit.latitude)
        self.longitude.data = "" if unit.longitude is None else str(unit.longitude)
