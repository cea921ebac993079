"""The forms of the templates, the signature pages and the TFPB marking: input shapes and
labels only (the rules are in ``templates``, ``signatures``, ``delegations``, ``tfpb``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional


class TemplateForm(FlaskForm):
    title = StringField(_l("Titre du document"))
    body = TextAreaField(_l("Texte du modèle"))
    convention = IntegerField(_l("Convention pour l'aperçu"), validators=[Optional()])


class CodeForm(FlaskForm):
    code = StringField(_l("Code reçu par courriel"))
    read = BooleanField(_l("J'ai lu le document en entier"))


class DelegateForm(FlaskForm):
    member = SelectField(_l("Personne de votre organisation"), coerce=int, validate_choice=False)


class VerifyForm(FlaskForm):
    document = FileField(_l("Le PDF à vérifier"))


class SendForm(FlaskForm):
    pass


class TfpbForm(FlaskForm):
    axis = SelectField(_l("Axe du cadre national"), validate_choice=False)
    qpv = StringField(_l("Quartier prioritaire (QPV)"))
