"""Reference lists of the idea form, with the words people read."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l

from murporteur.collective import references


class LegalForm(enum.StrEnum):
    ASSOCIATION = "association"
    SCIC = "scic"
    SCOP = "scop"
    OTHER_COMPANY = "other_company"
    INFORMAL_GROUP = "informal_group"


class Stage(enum.StrEnum):
    EMERGENCE = "emergence"
    DEVELOPMENT = "development"
    CONSOLIDATION = "consolidation"
    MATURE = "mature"


class SupportKind(enum.StrEnum):
    ORDER = "order"
    PREMISES = "premises"
    FINANCING = "financing"
    INTRODUCTIONS = "introductions"
    PILOT = "pilot"
    OTHER = "other"


class PriorityArea(enum.StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


LEGAL_FORM_LABELS = {
    LegalForm.ASSOCIATION: _l("Association"),
    LegalForm.SCIC: _l("SCIC (société coopérative d'intérêt collectif)"),
    LegalForm.SCOP: _l("SCOP (société coopérative et participative)"),
    LegalForm.OTHER_COMPANY: _l("Autre entreprise"),
    LegalForm.INFORMAL_GROUP: _l("Groupe informel (collectif d'habitants…)"),
}

STAGE_LABELS = {
    Stage.EMERGENCE: _l("Émergence : l'idée se dessine"),
    Stage.DEVELOPMENT: _l("Développement : le projet se construit"),
    Stage.CONSOLIDATION: _l("Consolidation : l'activité existe et se renforce"),
    Stage.MATURE: _l("Maturité : le projet cherche à s'implanter ou essaimer"),
}

#: The words of each kind of support, in the reader's language (the admin edits the list).
SUPPORT_KIND_LABELS = references.Labels("support_kind")

PRIORITY_AREA_LABELS = {
    PriorityArea.YES: _l("Oui"),
    PriorityArea.NO: _l("Non"),
    PriorityArea.UNKNOWN: _l("Je ne sais pas"),
}


_E = TypeVar("_E", bound=enum.StrEnum)


def choices(labels: Mapping[_E, Any]) -> list[tuple[str, Any]]:
    """(value, label) pairs for a form field, in declaration order. A label is a lazy string
    (Flask-Babel's, untyped: WTForms renders it as it renders a str)."""
    return [(getattr(member, "value", member), label) for member, label in labels.items()]
