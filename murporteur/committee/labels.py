"""The words people read for the committee's reference lists."""

from flask_babel import lazy_gettext as _l

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
