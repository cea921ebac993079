"""Form pieces every domain's forms use: the "too long" message, a list of checkboxes, and a
trimmed optional text field. Generic, so they live below every domain."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from murporteur.core.errors import DomainError

TOO_LONG = _l("Ce texte est trop long : %(max)d caractères au plus.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def text_field(label, max_length, description=None, area=False):
    """An optional text (a text area when ``area``), trimmed, at most ``max_length`` long."""
    cls = TextAreaField if area else StringField
    return cls(label, description=description,
               validators=[Optional(), Length(max=max_length, message=TOO_LONG)],
               filters=[lambda v: v.strip() if isinstance(v, str) else v])


def text(field: Field) -> str:
    """A text field's value once the form is validated: '' when it was left empty (the
    typed stubs say ``str | None``; a required field is never None by then)."""
    return field.data or ""


def day(field: Field) -> date:
    """A date field's value once the form is validated; refused at the field if missing."""
    if not isinstance(field.data, date):
        raise DomainError(str(_l("Indiquez une date.")), field=field.name)
    return field.data
