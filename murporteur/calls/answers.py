"""Each answer to an extra question read and checked against its question's type and required
flag; the message a person reads is returned, at the question's field."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from murporteur.calls.models import CallAnswer, CallQuestion, QuestionKind
from murporteur.core.forms import TOO_LONG

K = QuestionKind
MAX_LENGTH = {K.SHORT_TEXT: 300, K.LONG_TEXT: 5000}
_SPACES = re.compile(r"[\s\u00a0\u202f]")
REQUIRED = _l("Cette réponse est nécessaire pour envoyer votre idée.")


class Refused(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = str(message)


def posted_value(question: CallQuestion, posted) -> object:
    """What the form sent for ``question``, as typed (kept to draw the form again)."""
    if question.kind == K.MULTIPLE:
        return [v for v in posted.getlist(question.field_name) if isinstance(v, str)]
    raw = posted.get(question.field_name, "")
    return raw if isinstance(raw, str) else ""


def parse(question: CallQuestion, raw: object) -> object | None:
    """The value to store for ``raw`` (None when empty); raises ``Refused`` with a message."""
    kind = question.kind
    if kind == K.MULTIPLE:
        values = list(dict.fromkeys(raw if isinstance(raw, list) else []))
        allowed = {c["fr"] for c in question.choices}
        if any(v not in allowed for v in values):
            raise Refused(_l("Choisissez parmi les réponses proposées."))
        return values or None
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return None
    if kind in MAX_LENGTH:
        if len(text) > MAX_LENGTH[kind]:
            raise Refused(TOO_LONG % {"max": MAX_LENGTH[kind]})
        return text
    if kind == K.SINGLE:
        if text not in {c["fr"] for c in question.choices}:
            raise Refused(_l("Choisissez parmi les réponses proposées."))
        return text
    if kind == K.NUMBER:
        cleaned = _SPACES.sub("", text).replace(",", ".")
        if not re.fullmatch(r"-?\d{1,12}(\.\d{1,4})?", cleaned):
            raise Refused(_l("Indiquez un nombre, par exemple 12 ou 12,5."))
        number = Decimal(cleaned)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == K.DATE:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise Refused(_l("Indiquez une date, par exemple 2027-03-31.")) from None
        if not date(1900, 1, 1) <= day <= date(2100, 12, 31):
            raise Refused(_l("Indiquez une date entre 1900 et 2100."))
        return day.isoformat()
    return None  # files are read from the upload, not from the text


def shown(answer: CallAnswer | None, locale: str = "fr") -> str:
    """An answer as a person reads it (in a table, an export, the dossier's page)."""
    if answer is None:
        return ""
    if answer.document is not None:
        return answer.document.original_name
    value = answer.value
    if value is None:
        return ""
    question = answer.question
    if question.kind in (K.SINGLE, K.MULTIPLE):
        labels = dict(question.choice_labels(locale))
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(value, float):
        return (f"{value}".replace(".", ",") if locale != "en" else f"{value}")
    if question.kind == K.DATE and isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
        return day.strftime("%d/%m/%Y") if locale != "en" else day.isoformat()
    return str(value)

