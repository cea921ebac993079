"""The forms of calls and questions: input shapes, labels and messages only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from murporteur.calls.models import CallKind, Offer, QuestionKind
from murporteur.collective import references
from murporteur.core.forms import TOO_LONG, MultiCheckboxField, text_field
from murporteur.core.money import AmountError, cents_to_input, parse_euros
from murporteur.submissions.choices import choices

KIND_LABELS = {CallKind.CALL: _l("Un appel à idées ou à projets"),
               CallKind.NEED: _l("Un besoin, à la recherche d'un porteur")}
OFFER_LABELS = {Offer.ORDER: _l("Une commande"), Offer.PREMISES: _l("Un local"),
                Offer.FINANCING: _l("Un financement"),
                Offer.PILOT: _l("Une expérimentation sur le patrimoine")}
QUESTION_KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Texte court"), QuestionKind.LONG_TEXT: _l("Texte long"),
    QuestionKind.SINGLE: _l("Un choix parmi plusieurs"),
    QuestionKind.MULTIPLE: _l("Plusieurs choix possibles"),
    QuestionKind.NUMBER: _l("Nombre"), QuestionKind.DATE: _l("Date"),
    QuestionKind.FILE: _l("Fichier")}
BAD_DATE = _l("Indiquez une date valide, par exemple 2027-03-31 ou 31/03/2027.")
BAD_AMOUNT = _l("Indiquez un montant en euros, par exemple 8 000 ou 8 000,50.")
MAX_CENTS = 100_000_000_00


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _euros(form, field):
    if field.data:
        try:
            cents = parse_euros(field.data)
        except AmountError:
            raise ValidationError(BAD_AMOUNT) from None
        if cents > MAX_CENTS:
            raise ValidationError(_l("Ce montant semble trop élevé."))


def _day(label) -> DateField:
    return DateField(label, validators=[InputRequired(_l("Indiquez une date."))],
                     format=["%Y-%m-%d", "%d/%m/%Y"],
                     invalid_value_message=BAD_DATE)  # type: ignore[call-arg]


class CallForm(FlaskForm):
    kind = RadioField(_l("Vous publiez"), choices=choices(KIND_LABELS),
                      validators=[InputRequired(_l("Choisissez une réponse."))])
    title = StringField(_l("Titre"), filters=[_strip], validators=[
        DataRequired(_l("Donnez un titre.")), Length(max=200, message=TOO_LONG)])
    body = text_field(_l("Présentation"), 10000, area=True,
                      description=_l("Le contexte, ce qui est attendu, qui peut répondre."))
    organisations = MultiCheckboxField(_l("Organisations qui portent l'appel"), coerce=int,
                                       choices=[], validate_choice=False)
    neighbourhoods = text_field(_l("Quartiers concernés"), 500)
    qpv = BooleanField(_l("En quartier prioritaire de la politique de la ville (QPV)"))
    themes = MultiCheckboxField(_l("Thèmes"), choices=references.Choices("theme"))
    offers = MultiCheckboxField(_l("Ce qui est proposé"), choices=choices(OFFER_LABELS))
    envelope = StringField(_l("Enveloppe de financement (en euros)"), filters=[_strip],
                           validators=[Optional(), _euros])
    premises = text_field(_l("Local proposé"), 300,
                          description=_l("Son adresse, ou sa référence au catalogue des "
                                         "locaux."))
    opens_on = _day(_l("Ouverture des réponses"))
    closes_on = _day(_l("Dernier jour des réponses (inclus)"))
    session_id = SelectField(_l("Comité qui examinera les réponses"), choices=[],
                             validate_choice=False)
    premises_unit = SelectField(_l("Local du catalogue proposé"), choices=[],
                                validate_choice=False,
                                description=_l("Facultatif : un local disponible du catalogue "
                                               "des organisations qui portent l'appel."))

    def validate_premises_unit(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez un local proposé : disponible, et d'une des "
                                     "organisations qui portent l'appel."))

    def validate_organisations(self, field):
        allowed = {value for value, _label in field.choices}
        if any(v not in allowed for v in field.data or []):
            raise ValidationError(_l("Choisissez parmi les organisations proposées."))

    def validate_session_id(self, field):
        allowed = {value for value, _label in field.choices}
        if field.data not in allowed:
            raise ValidationError(_l("Choisissez parmi les séances proposées."))

    def fill_from(self, call) -> None:
        self.kind.data = call.kind.value
        self.title.data, self.body.data = call.title, call.body
        self.organisations.data = [o.id for o in call.organisations]
        self.neighbourhoods.data, self.qpv.data = call.neighbourhoods, call.qpv
        self.themes.data, self.offers.data = list(call.themes or []), list(call.offers or [])
        self.envelope.data = cents_to_input(call.envelope_cents)
        self.premises.data = call.premises
        self.opens_on.data, self.closes_on.data = call.opens_on, call.closes_on
        self.session_id.data = str(call.session_id or "")
        self.premises_unit.data = str(call.premises_unit_id or "")

    def values(self) -> dict:
        return {"kind": CallKind(self.kind.data), "title": self.title.data or "",
                "body": self.body.data or "", "neighbourhoods": self.neighbourhoods.data or "",
                "qpv": bool(self.qpv.data), "themes": list(self.themes.data or []),
                "offers": list(self.offers.data or []),
                "envelope_cents": parse_euros(self.envelope.data) if self.envelope.data
                else None,
                "premises": self.premises.data or "", "opens_on": self.opens_on.data,
                "closes_on": self.closes_on.data,
                "session_id": int(self.session_id.data) if self.session_id.data else None,
                "premises_unit_id": int(self.premises_unit.data) if self.premises_unit.data
                else None}


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Type de réponse"), choices=choices(QUESTION_KIND_LABELS),
                       validators=[InputRequired(_l("Choisissez une réponse."))])
    label_fr = StringField(_l("Question (en français)"), filters=[_strip], validators=[
        DataRequired(_l("Écrivez la question.")), Length(max=300, message=TOO_LONG)])
    label_en = text_field(_l("Question (en anglais)"), 300,
                          description=_l("Facultatif : sinon le français est montré."))
    required = BooleanField(_l("Réponse obligatoire pour envoyer l'idée"))
    choices_fr = text_field(_l("Réponses proposées (en français), une par ligne"), 3000,
                            area=True, description=_l("Pour les questions à choix."))
    choices_en = text_field(_l("Les mêmes réponses en anglais, une par ligne"), 3000,
                            area=True)

    def validate_choices_en(self, field):
        fr, en = _lines(self.choices_fr.data), _lines(field.data)
        if en and len(en) != len(fr):
            raise ValidationError(_l("Donnez autant de réponses en anglais qu'en français."))

    def fill_from(self, question) -> None:
        self.kind.data = question.kind.value
        self.label_fr.data, self.label_en.data = question.label_fr, question.label_en
        self.required.data = question.required
        self.choices_fr.data = "\n".join(c["fr"] for c in question.choices)
        self.choices_en.data = "\n".join(c.get("en", "") for c in question.choices)

    def choice_list(self) -> list[dict]:
        fr, en = _lines(self.choices_fr.data), _lines(self.choices_en.data)
        if self.kind.data not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            return []
        return [{"fr": f, "en": en[i] if i < len(en) else ""} for i, f in enumerate(fr)]


class StepForm(FlaskForm):
    comment = text_field(_l("Message"), 2000, area=True)


class AgendaForm(FlaskForm):
    session_id = SelectField(_l("Séance du comité"), choices=[], validate_choice=False)

    def validate_session_id(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez parmi les séances proposées."))


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
