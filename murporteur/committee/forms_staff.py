"""The animators' committee forms: input shapes, labels and messages only. The rules (a place
or a link, which dossier may go on an agenda, what a decision needs) live in ``services``."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

# Both lists live in labels.py; the members' portal imports STANCE_LABELS from here too.
from murporteur.committee.labels import DECISION_LABELS, STANCE_LABELS  # noqa: F401
from murporteur.committee.models import AttendanceStatus
from murporteur.core import params
from murporteur.core.forms import TOO_LONG, MultiCheckboxField
from murporteur.core.timeutil import paris_instant
from murporteur.directory.forms import StructureForm
from murporteur.submissions.choices import choices

ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Présent·e"),
    AttendanceStatus.EXCUSED: _l("Excusé·e"),
    AttendanceStatus.REPRESENTED: _l("Représenté·e"),
}

UNKNOWN_CHOICE = _l("Choisissez parmi les réponses proposées.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SessionForm(FlaskForm):
    day = DateField(_l("Date de la séance"), validators=[
        InputRequired(_l("Indiquez la date de la séance (AAAA-MM-JJ).")), params.BusinessDate()])
    hour = TimeField(_l("Heure de début"), validators=[
        InputRequired(_l("Indiquez l'heure de début de la séance."))])
    quarter = StringField(
        _l("Trimestre"), filters=[_strip],
        description=_l("Par exemple : 2026-Q4. Laissez vide : il est déduit de la date."),
        validators=[Optional(), Regexp(r"^\d{4}-Q[1-4]$", message=_l(
            "Écrivez le trimestre sous la forme 2026-Q4 (année, tiret, Q et un chiffre de "
            "1 à 4)."))])
    place = StringField(_l("Lieu"), filters=[_strip],
                        validators=[Optional(), Length(max=300, message=TOO_LONG)])
    video_link = URLField(_l("Lien de visioconférence"), filters=[_strip],
                          description=_l("Par exemple : https://visio.exemple.fr/comite"),
                          validators=[Optional(), Length(max=500, message=TOO_LONG)])
    slot_minutes = IntegerField(
        _l("Durée de passage de chaque dossier (minutes)"), default=20,
        validators=[InputRequired(_l("Indiquez la durée de passage de chaque dossier.")),
                    NumberRange(min=5, max=180, message=_l(
                        "La durée de passage est comprise entre 5 et 180 minutes."))])
    organisations = MultiCheckboxField(_l("Organisations invitées"), coerce=int,
                                       validate_choice=False)
    positions_open_early = BooleanField(
        _l("Les membres voient les positions des autres organisations avant la séance"))

    # The same address check as the directory's website field: one rule, one message.
    validate_video_link = StructureForm.validate_website

    def validate_organisations(self, field):
        allowed = {value for value, _label in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(UNKNOWN_CHOICE)

    def starts_at(self) -> datetime:
        """Once validated (both fields are required)."""
        assert self.day.data is not None and self.hour.data is not None
        return paris_instant(self.day.data, self.hour.data)


class AddItemForm(FlaskForm):
    dossier = SelectField(_l("Dossier retenu à inscrire"), validate_choice=False)

    def validate_dossier(self, field):
        # Any dossier number is passed on: whether it may go on the agenda is the rule's say.
        if not field.data:
            raise ValidationError(_l("Choisissez le dossier à inscrire."))
        if params.identifier(field.data) is None:
            raise ValidationError(UNKNOWN_CHOICE)


class ItemDecisionForm(FlaskForm):
    decision = RadioField(_l("Décision du comité"), choices=choices(DECISION_LABELS),
                          validate_choice=False,
                          validators=[InputRequired(_l("Choisissez la décision du comité."))])
    comment = TextAreaField(_l("Motivation, commentaire"), filters=[_strip],
                            validators=[Optional(), Length(max=10000, message=TOO_LONG)])
    supporters = MultiCheckboxField(_l("Organisations qui soutiennent"), coerce=int,
                                    validate_choice=False)

    def validate_decision(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(UNKNOWN_CHOICE)

    def validate_supporters(self, field):
        allowed = {value for value, _label in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(UNKNOWN_CHOICE)


def attendance_field_name(user_id: int) -> str:
    return f"attendance-{user_id}"


class AttendanceForm(FlaskForm):
    """One select per invited member, named ``attendance-<user_id>``; see ``for_members``."""

    @classmethod
    def for_members(cls, members, current: dict[int, AttendanceStatus], **kwargs
                    ) -> AttendanceForm:
        options = [("", _l("(non renseigné)"))] + choices(ATTENDANCE_LABELS)
        fields = {attendance_field_name(m.id): SelectField(
            m.display_name, choices=options, validate_choice=False,
            default=current[m.id].value if m.id in current else "",
            validators=[_known_attendance]) for m in members}
        form = type("MembersAttendanceForm", (cls,), fields)(**kwargs)
        form.members = list(members)
        return form

    def statuses(self) -> dict[int, AttendanceStatus | None]:
        """Each member whose row was sent, with the status chosen (None: not set)."""
        return {m.id: AttendanceStatus(self[attendance_field_name(m.id)].data)
                if self[attendance_field_name(m.id)].data else None
                for m in self.members if self[attendance_field_name(m.id)].raw_data}


def _known_attendance(form, field):
    if field.data and field.data not in {s.value for s in AttendanceStatus}:
        raise ValidationError(UNKNOWN_CHOICE)
