"""The animators' forms: shapes and messages only."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from murporteur.collective import references
from murporteur.core.forms import TOO_LONG, MultiCheckboxField
from murporteur.core.params import BusinessDate
from murporteur.core.timeutil import paris_instant
from murporteur.submissions.choices import (
    LEGAL_FORM_LABELS,
    PRIORITY_AREA_LABELS,
    STAGE_LABELS,
    choices,
)
from murporteur.triage.choices import CALL_OUTCOME_LABELS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AssignForm(FlaskForm):
    animator = SelectField(_l("Confier à"), validate_choice=False)

    def validate_animator(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez une personne de l'équipe."))


class LabelsForm(FlaskForm):
    labels = MultiCheckboxField(_l("Étiquettes"), coerce=int, validate_choice=False)


class NewLabelForm(FlaskForm):
    name = StringField(_l("Nom de l'étiquette"), filters=[_strip], validators=[
        DataRequired(_l("Donnez un nom à l'étiquette.")), Length(max=60, message=TOO_LONG)])
    name_en = StringField(_l("Nom en anglais (facultatif)"), filters=[_strip],
                          validators=[Length(max=60, message=TOO_LONG)])
    colour = SelectField(_l("Couleur"), choices=[
        ("grey", _l("Gris")), ("blue", _l("Bleu")), ("green", _l("Vert")),
        ("orange", _l("Orange")), ("red", _l("Rouge")), ("purple", _l("Violet"))])


class ScheduleCallForm(FlaskForm):
    day = DateField(_l("Date de l'appel"), validators=[
        InputRequired(_l("Indiquez la date de l'appel (AAAA-MM-JJ).")), BusinessDate()])
    hour = TimeField(_l("Heure"), validators=[InputRequired(_l("Indiquez l'heure de l'appel."))])

    def when(self) -> datetime:
        """Once validated (both fields are required)."""
        assert self.day.data is not None and self.hour.data is not None
        return paris_instant(self.day.data, self.hour.data)


class RecordCallForm(FlaskForm):
    outcome = RadioField(_l("Résultat de l'appel"), choices=choices(CALL_OUTCOME_LABELS),
                         validators=[InputRequired(_l("Indiquez le résultat de l'appel."))])
    notes = TextAreaField(_l("Notes de l'échange"), filters=[_strip],
                          validators=[Optional(), Length(max=10000, message=TOO_LONG)])
    day = DateField(_l("Date"), validators=[Optional(), BusinessDate()])
    hour = TimeField(_l("Heure"), validators=[Optional()])

    def when(self) -> datetime | None:
        if self.day.data and self.hour.data:
            return paris_instant(self.day.data, self.hour.data)
        return None


class QualificationForm(FlaskForm):
    stage = RadioField(_l("Stade du projet"), choices=choices(STAGE_LABELS),
                       validate_choice=False)
    themes = MultiCheckboxField(_l("Thèmes"), choices=references.Choices("theme"),
                                validate_choice=False)
    neighbourhoods = TextAreaField(_l("Quartiers concernés"), filters=[_strip],
                                   validators=[Length(max=1000, message=TOO_LONG)])
    priority_area = RadioField(_l("Quartier prioritaire (QPV)"),
                               choices=choices(PRIORITY_AREA_LABELS), validate_choice=False)
    legal_form = SelectField(_l("Forme juridique"), validate_choice=False,
                             choices=[("", _l("— Choisissez —"))] + choices(LEGAL_FORM_LABELS))
    support_kinds = MultiCheckboxField(_l("Soutien recherché"),
                                       choices=references.Choices("support_kind"),
                                       validate_choice=False)
    summary = TextAreaField(_l("Résumé pour le comité"), filters=[_strip],
                            validators=[Length(max=5000, message=TOO_LONG)])
    opinion = TextAreaField(_l("Avis de l'équipe d'animation"), filters=[_strip],
                            validators=[Length(max=5000, message=TOO_LONG)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for name in ("stage", "themes", "priority_area", "legal_form", "support_kinds"):
            field = self[name]
            allowed = {value for value, _label in field.choices if value}
            values = field.data if isinstance(field.data, list) else [field.data]
            if any(v and v not in allowed for v in values):
                field.errors = [*field.errors, _l("Choisissez parmi les réponses proposées.")]
                ok = False
        return ok

    def keep(self, saved: dict) -> QualificationForm:
        """Offer, besides the active entries, the archived ones the dossier already holds
        (saving it again keeps them)."""
        self.themes.choices = references.choices("theme", saved.get("themes") or [])
        self.support_kinds.choices = references.choices("support_kind",
                                                        saved.get("support_kinds") or [])
        return self

    def values(self) -> dict:
        return {"stage": self.stage.data or None, "themes": list(self.themes.data or []),
                "neighbourhoods": self.neighbourhoods.data or "",
                "priority_area": self.priority_area.data or None,
                "legal_form": self.legal_form.data or None,
                "support_kinds": list(self.support_kinds.data or []),
                "summary": self.summary.data or "", "opinion": self.opinion.data or ""}


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Message"), filters=[_strip],
                            validators=[Optional(), Length(max=10000, message=TOO_LONG)])
    structure = SelectField(_l("Structure vers laquelle orienter"), validate_choice=False,
                            validators=[Optional()])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Note privée"), filters=[_strip], validators=[
        DataRequired(_l("Écrivez la note avant de l'enregistrer.")),
        Length(max=10000, message=TOO_LONG)])
