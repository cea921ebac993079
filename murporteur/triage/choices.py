"""Reference lists of the qualification."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


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


THEME_LABELS = {
    Theme.FOOD: _l("Alimentation"),
    Theme.HOUSING_ENERGY: _l("Habitat et énergie"),
    Theme.MOBILITY: _l("Mobilité"),
    Theme.REUSE: _l("Réemploi et économie circulaire"),
    Theme.SOCIAL_LINK: _l("Lien social et citoyenneté"),
    Theme.INCLUSION: _l("Insertion et emploi"),
    Theme.EARLY_CHILDHOOD: _l("Petite enfance"),
    Theme.CULTURE: _l("Culture"),
    Theme.HEALTH: _l("Santé"),
    Theme.OTHER: _l("Autre"),
}


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
