"""The flash meetings' forms: input shapes, labels and messages only; the rules (no double
booking, availabilities, who may be wished for) live in ``services``."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from murporteur.core import params
from murporteur.core.forms import TOO_LONG, MultiCheckboxField
from murporteur.core.timeutil import paris_instant
from murporteur.meetings.models import Outcome

OUTCOME_LABELS = {
    Outcome.INTERESTED: _l("Intéressé·e : on continue"),
    Outcome.TO_FOLLOW: _l("À suivre : on se reparle plus tard"),
    Outcome.NOT_INTERESTED: _l("Pas de suite"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class EventForm(FlaskForm):
    title = StringField(_l("Titre"), filters=[_strip], validators=[
        InputRequired(_l("Donnez un titre à la rencontre.")),
        Length(max=200, message=TOO_LONG)])
    day = DateField(_l("Date"), validators=[
        InputRequired(_l("Indiquez la date de la rencontre (AAAA-MM-JJ).")),
        params.BusinessDate()])
    hour = TimeField(_l("Heure du premier rendez-vous"), validators=[
        InputRequired(_l("Indiquez l'heure du premier rendez-vous."))])
    place = StringField(_l("Lieu"), filters=[_strip],
                        validators=[Optional(), Length(max=300, message=TOO_LONG)])
    slot_minutes = IntegerField(_l("Durée d'un rendez-vous (minutes)"), default=15, validators=[
        InputRequired(_l("Indiquez la durée d'un rendez-vous, en minutes.")),
        NumberRange(5, 120, _l("Entre 5 et 120 minutes."))])
    slot_count = IntegerField(_l("Nombre de créneaux"), default=12, validators=[
        InputRequired(_l("Indiquez le nombre de créneaux.")),
        NumberRange(1, 64, _l("Entre 1 et 64 créneaux."))])
    breaks = StringField(
        _l("Pauses"), filters=[_strip],
        description=_l("Les numéros des créneaux réservés aux pauses, séparés par des "
                       "virgules (le premier créneau est le 1). Par exemple : 5, 9"),
        validators=[Optional(), Length(max=200, message=TOO_LONG)])
    tables = IntegerField(_l("Nombre de tables"), default=10, validators=[
        InputRequired(_l("Indiquez le nombre de tables.")),
        NumberRange(1, 200, _l("Entre 1 et 200 tables."))])
    registration_open = BooleanField(_l("Les porteurs peuvent s'inscrire sur la page publique"))

    def validate_breaks(self, field) -> None:
        from wtforms.validators import ValidationError

        if self.break_slots() is None:
            raise ValidationError(_l("Écrivez des numéros de créneaux séparés par des "
                                     "virgules, par exemple : 5, 9"))

    def break_slots(self) -> list[int] | None:
        """The breaks as 0-based slot numbers; None when the text is not a list of numbers."""
        raw = (self.breaks.data or "").replace(";", ",")
        slots = []
        for part in filter(None, (p.strip() for p in raw.split(","))):
            number = params.integer(part, low=1, high=64)
            if number is None:
                return None
            slots.append(number - 1)
        return slots

    def starts_at(self) -> datetime:
        assert self.day.data is not None and self.hour.data is not None
        return paris_instant(self.day.data, self.hour.data)


class AddHolderForm(FlaskForm):
    number = StringField(_l("Numéro du dossier"), filters=[_strip],
                         description=_l("Par exemple : MP-2026-0042"),
                         validators=[InputRequired(_l("Indiquez le numéro du dossier.")),
                                     Length(max=20, message=TOO_LONG)])


class AddMemberForm(FlaskForm):
    member = SelectField(_l("Représentant·e"), coerce=int, validate_choice=False,
                         validators=[InputRequired(_l("Choisissez la personne à inscrire."))])


class RegistrationForm(FlaskForm):
    """A holder registers on the public page."""

    name = StringField(_l("Votre nom"), filters=[_strip], validators=[
        InputRequired(_l("Indiquez votre nom.")), Length(max=200, message=TOO_LONG)])
    email = EmailField(_l("Votre adresse e-mail"), filters=[_strip], validators=[
        InputRequired(_l("Indiquez votre adresse e-mail.")),
        Email(_l("Cette adresse e-mail ne semble pas valide.")),
        Length(max=254, message=TOO_LONG)])
    summary = StringField(_l("Votre projet en une phrase"), filters=[_strip], validators=[
        InputRequired(_l("Dites en une phrase ce que porte votre projet.")),
        Length(max=300, message=TOO_LONG)])


class ParticipantForm(FlaskForm):
    """A participant's availabilities and wishes (the choices are set by the view)."""

    available = MultiCheckboxField(_l("Je suis disponible à ces créneaux"), coerce=int,
                                   validate_choice=False)
    # The wishes come as a list of selects named "wish", first choice first (read by the view).


class MeetingForm(FlaskForm):
    holder = SelectField(_l("Porteur"), coerce=int, validate_choice=False,
                         validators=[InputRequired(_l("Choisissez le porteur."))])
    representative = SelectField(_l("Représentant·e"), coerce=int, validate_choice=False,
                                 validators=[InputRequired(_l("Choisissez la personne."))])
    slot = SelectField(_l("Créneau"), coerce=int, validate_choice=False,
                       validators=[InputRequired(_l("Choisissez le créneau."))])
    table = IntegerField(_l("Table"), validators=[
        InputRequired(_l("Indiquez la table.")), NumberRange(1, 200, _l("Entre 1 et 200."))])


class TransitionForm(FlaskForm):
    comment = TextAreaField(_l("Message"), filters=[_strip],
                            validators=[Optional(), Length(max=2000, message=TOO_LONG)])


class FollowUpForm(FlaskForm):
    outcome = RadioField(_l("Et après ce rendez-vous ?"), choices=list(OUTCOME_LABELS.items()),
                         validators=[InputRequired(_l("Choisissez une suite."))])
    note = TextAreaField(_l("Note (facultatif)"), filters=[_strip],
                         validators=[Optional(), Length(max=2000, message=TOO_LONG)])
