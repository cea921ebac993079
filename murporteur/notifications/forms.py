"""Forms of the notifications domain."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from murporteur.notifications.catalogue import PREFERENCE_KINDS

MODES = [("immediate", _l("Un e-mail à chaque fois")),
         ("digest", _l("Un résumé quotidien à 8 h")), ("none", _l("Rien"))]


class ResendForm(FlaskForm):
    """Only the CSRF token: resending is a state change."""


class PreferencesForm(FlaskForm):
    """One choice per kind of event of the catalogue."""


for _kind, (_label, _keys) in PREFERENCE_KINDS.items():
    setattr(PreferencesForm, _kind, RadioField(_label, choices=MODES, validators=[
        InputRequired(_l("Choisissez comment être prévenu·e."))]))
