"""Reference lists of the qualification."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from murporteur.collective import references


class Theme(enum.StrEnum):
    FOOD = "food"
    HOUSING_ENERGY = "housing_energy"
    MOBILITY = "mobility"
    REUSE = "reuse"
    SOCIAL_LINK = "social_link"
    INCLUSION = "inclusion"
    EARLY_CHILDHOOD = "early_childhood"
    CULTURE = "culture"
    HEALTH = "health"
    OTHER = "other"


#: The words of each theme, in the reader's language (the admin edits the list; the enum
#: above names the keys the code itself refers to).
THEME_LABELS = references.Labels("theme")


class CallOutcome(enum.StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"


CALL_OUTCOME_LABELS = {
    CallOutcome.REACHED: _l("Échange réalisé"),
    CallOutcome.NO_ANSWER: _l("Pas de réponse"),
    CallOutcome.VOICEMAIL: _l("Message laissé"),
    CallOutcome.WRONG_NUMBER: _l("Numéro erroné"),
}

#: Labels every collective starts with; animators add their own.
DEFAULT_LABELS = [
    (_l("À rappeler"), "orange"), (_l("Complet"), "green"), (_l("Urgent"), "red"),
    (_l("À présenter"), "purple"),
]
