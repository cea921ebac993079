"""The words people read for the committee's reference lists."""

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from murporteur.committee.models import Decision, Stance

STANCE_LABELS = {
    Stance.SUPPORTS: _l("Soutient"),
    Stance.WANTS_TO_MEET: _l("Intéressé, souhaite rencontrer le porteur"),
    Stance.NOT_CONCERNED: _l("Pas concerné"),
    Stance.ABSTAINS: _l("S'abstient"),
}

DECISION_LABELS = {
    Decision.SUPPORTED: _l("Soutenu"),
    Decision.POSTPONED: _l("Reporté au prochain comité"),
    Decision.NOT_SUPPORTED: _l("Non soutenu"),
}


def translated(**lists: Mapping[Any, Any]) -> dict[str, dict[Any, Any]]:
    """Reference lists of words (``STANCE_LABELS``…) in the request's language, each word
    translated once for a page rather than at each of its cells. Shown as they were: the
    catalogue's words (lazy) as their text, unescaped; any other (a reference list's words,
    typed by an admin) as a plain string, escaped where it is shown."""
    return {name: {key: Markup(label) if hasattr(label, "__html__") else str(label)
                   for key, label in labels.items()}
            for name, labels in lists.items()}
