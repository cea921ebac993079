"""The erasure request: one explicit confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class ErasureForm(FlaskForm):
    confirm = BooleanField(
        _l("Je comprends que mes coordonnées, mes textes et mes documents seront effacés "
           "définitivement, que mon compte sera fermé et que je ne pourrai plus suivre mes "
           "dossiers."),
        validators=[DataRequired(_l("Cochez la case pour confirmer l'effacement."))])
