"""The admin's forms: the collective's settings, an entry of a reference list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from murporteur.collective import settings as collective_settings
from murporteur.core.errors import DomainError

_LONG = {"presentation_fr", "presentation_en", "consent_text"}
_HINTS = {
    "consent_version": _l("Changez la version quand vous changez le texte : les dossiers déjà "
                          "déposés gardent le texte accepté."),
    "committee_place": _l("Proposé à chaque nouvelle séance ; modifiable séance par séance."),
}


def _field(f: collective_settings.Field):
    kind = TextAreaField if f.name in _LONG else StringField
    return kind(f.label, description=_HINTS.get(f.name, ""))


class SettingsForm(FlaskForm):
    """One text field per setting; each value is checked by the setting's own rule
    (``collective.settings.check``), its message placed at the field."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for f in collective_settings.FIELDS:
            if collective_settings.overridden(f.name):
                continue
            try:
                collective_settings.check(f.name, self[f.name].data or "")
            except DomainError as exc:
                self[f.name].errors = [*self[f.name].errors, exc.message]
                ok = False
        return ok

    def values(self) -> dict[str, str]:
        return {f.name: self[f.name].data or "" for f in collective_settings.FIELDS}


for _setting in collective_settings.FIELDS:
    setattr(SettingsForm, _setting.name, _field(_setting))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class EntryForm(FlaskForm):
    """A new entry (with its key) or an entry's words and place (the key never changes)."""

    key = StringField(_l("Clé (jamais modifiée ensuite)"), filters=[_strip],
                      description=_l("Lettres minuscules sans accent, chiffres ou souligné, "
                                     "par exemple circuits_courts."))
    label_fr = StringField(_l("Libellé en français"), filters=[_strip])
    label_en = StringField(_l("Libellé en anglais"), filters=[_strip])
    position = StringField(_l("Ordre"), filters=[_strip],
                           description=_l("Un nombre : les plus petits d'abord."))

    def validate_position(self, field) -> None:
        value = field.data or ""
        if value and not (value.isascii() and value.isdigit() and int(value) <= 100000):
            raise ValidationError(_l("Indiquez un nombre entier entre 0 et 100000."))

    def position_value(self) -> int | None:
        return int(self.position.data) if self.position.data else None

