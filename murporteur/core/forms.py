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
#: The same, saying by how much: for long answers pasted from elsewhere (nothing is cut).
TOO_LONG_COUNTED = _l("Ce texte compte %(length)d caractères pour %(max)d au plus : "
                      "raccourcissez-le. Rien n'a été coupé.")


def _trimmed(value):
    """Trimmed, with the browser's CRLF line breaks counted as one character, as people
    (and the page's counter) count them."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def text_field(label, max_length, description=None, area=False, too_long=TOO_LONG):
    """An optional text (a text area when ``area``), trimmed, at most ``max_length`` long."""
    cls = TextAreaField if area else StringField
    return cls(label, description=description,
               validators=[Optional(), Length(max=max_length, message=too_long)],
               filters=[_trimmed])


def text(field: Field) -> str:
    """A text field's value once the form is validated: '' when it was left empty (the
    typed stubs say ``str | None``; a required field is never None by then)."""
    return field.data or ""


def day(field: Field) -> date:
    """A date field's value once the form is validated; refused at the field if missing."""
    if not isinstance(field.data, date):
        raise DomainError(str(_l("Indiquez une date.")), field=field.name)
    return field.data


def errors_on_page(values, page_errors=()) -> list[tuple[str | None, str]]:
    """Every refusal a page shows, as (id of the field it concerns or None, message): the
    messages of the page (``page_errors``), then the fields in error of every form among
    ``values`` (a form, or forms in a dict or a list: the side forms of a dossier, a grid). The
    page's summary lists them at the top, each a link to its field (RGAA 11.10)."""
    from flask_wtf import FlaskForm

    found: list[tuple[str | None, str]] = [(None, str(m)) for m in page_errors or ()]
    seen: set[int] = set()

    def forms(value, depth=0):
        # A form, or forms in a dict or a list (of tuples: a grid's rows), two levels deep.
        if isinstance(value, FlaskForm):
            yield value
        elif depth < 2 and isinstance(value, dict):
            for v in value.values():
                yield from forms(v, depth + 1)
        elif depth < 2 and isinstance(value, list | tuple):
            for v in value:
                yield from forms(v, depth + 1)

    for value in values:
        for form in forms(value):
            if id(form) in seen:
                continue
            seen.add(id(form))
            fields = [f for f in form if f.errors and f.type != "CSRFTokenField"]
            for message in getattr(form, "form_errors", []) or []:
                found.append((fields[0].id if fields else next(
                    (f.id for f in form if f.type not in ("CSRFTokenField", "HiddenField")),
                    None), str(message)))
            for f in fields:
                errors = f.errors if isinstance(f.errors, list) else [
                    e for es in f.errors.values() for e in es]
                if errors:
                    found.append((f.id, f"{f.label.text} : {errors[0]}"))
    return found
