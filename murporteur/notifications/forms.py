"""Forms of the notifications domain."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from murporteur.notifications.catalogue import kinds_for

MODES = [("immediate", _l("Un e-mail à chaque fois")),
         ("digest", _l("Un résumé quotidien à 8 h")), ("none", _l("Rien"))]


class ResendForm(FlaskForm):
    """Only the CSRF token: resending is a state change."""


def preferences_form(role, **kwargs) -> FlaskForm:
    """One choice per kind of event open to ``role``, offering only the modes the kind allows."""

    class PreferencesForm(FlaskForm):
        pass

    for kind, spec in kinds_for(role).items():
        setattr(PreferencesForm, kind, RadioField(
            # A lazy string: WTForms renders it as a str, its stubs admit only str.
            spec.label,  # type: ignore[arg-type]
            choices=[m for m in MODES if m[0] in spec.modes],
            validators=[InputRequired(_l("Choisissez comment être prévenu·e."))]))
    return PreferencesForm(**kwargs)
