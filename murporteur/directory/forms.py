"""The structure form: input shapes and their messages. Unique names are a rule of services."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from murporteur.collective import references
from murporteur.core.forms import TOO_LONG
from murporteur.directory.services import STRUCTURE_FIELDS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _text(label, max_length, description=None, area=False):
    cls = TextAreaField if area else StringField
    return cls(label, description=description,
               validators=[Optional(), Length(max=max_length, message=TOO_LONG)],
               filters=[_strip])


class StructureForm(FlaskForm):
    name = StringField(_l("Nom de la structure"), validators=[
        DataRequired(_l("Indiquez le nom de la structure.")),
        Length(max=200, message=TOO_LONG)], filters=[_strip])
    kind = SelectField(_l("Type de structure"), validate_choice=False,
                       choices=references.Choices("structure_kind",
                                                  [("", _l("— Choisissez —"))]),
                       validators=[DataRequired(_l("Choisissez le type de structure."))])
    territory = _text(_l("Territoire d'intervention"), 200,
                      _l("Par exemple : Métropole de Lyon, Rhône, Auvergne-Rhône-Alpes."))
    contact_name = _text(_l("Personne à contacter"), 200)
    contact_email = EmailField(_l("Adresse e-mail de contact"), validators=[
        Optional(),
        Email(_l("Cette adresse e-mail ne semble pas valide (exemple : nom@exemple.fr)."),
              check_deliverability=False),
        Length(max=254, message=TOO_LONG)], filters=[_strip])
    contact_phone = _text(_l("Téléphone"), 40)
    website = URLField(_l("Site internet"), description=_l("Par exemple : https://www.exemple.fr"),
                       validators=[Optional(), Length(max=300, message=TOO_LONG)],
                       filters=[_strip])
    description = _text(_l("Présentation"), 5000,
                        _l("Ce que propose la structure, et à quels projets l'orienter."), True)

    def validate_kind(self, field):
        if field.data and field.data not in {k for k, _label in field.choices if k}:
            raise ValidationError(_l("Choisissez une des réponses proposées."))

    def validate_website(self, field):
        if not field.data:
            return
        try:
            parts = urlsplit(field.data)
            scheme, host = parts.scheme, parts.hostname or ""
        except ValueError:  # e.g. an unclosed IPv6 bracket
            scheme, host = "", ""
        if scheme not in ("http", "https") or "." not in host or any(
                c.isspace() for c in field.data):
            raise ValidationError(_l("Indiquez une adresse complète qui commence par http:// "
                                     "ou https:// (exemple : https://www.exemple.fr)."))

    def structure_fields(self) -> dict[str, str]:
        """The answers, as ``save_structure`` takes them."""
        return {name: getattr(self, name).data or "" for name in STRUCTURE_FIELDS}
