"""The conventions' forms: input shapes, labels and messages only. The rules (amounts never
beyond what is committed, dates in order, what may change after the signature) live in
``services``; the views show their messages next to the field they concern."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from murporteur.conventions.labels import AMENDED_FIELD_LABELS, KIND_LABELS
from murporteur.conventions.models import ConventionKind
from murporteur.core import params
from murporteur.core.forms import TOO_LONG
from murporteur.core.money import AmountError, cents_to_input, parse_euros
from murporteur.core.params import BusinessDate
from murporteur.submissions.choices import choices
from murporteur.submissions.uploads import ACCEPTED_LABEL

# The same words as the committee's offer amounts: one message for one mistake.
BAD_AMOUNT = _l("Indiquez un montant en euros, par exemple 8 000 ou 8 000,50.")
TOO_HIGH = _l("Ce montant semble trop élevé.")
BAD_DATE = _l("Indiquez une date valide, par exemple 2026-12-31 ou 31/12/2026.")
UNKNOWN_CHOICE = _l("Choisissez parmi les réponses proposées.")
#: Above this, a typing slip is more likely than a real amount (same bound as the offers).
MAX_CENTS = 100_000_000_00
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _euros(form, field):
    if field.data:
        try:
            cents = parse_euros(field.data)
        except AmountError:
            raise ValidationError(BAD_AMOUNT) from None
        if cents > MAX_CENTS:
            raise ValidationError(TOO_HIGH)


def _day(label, *validators, **kwargs) -> DateField:
    # invalid_value_message is WTForms 3.3's; the stubs (types-WTForms 3.2) do not know it yet.
    return DateField(label, validators=[*validators, BusinessDate()], format=DATE_FORMATS,
                     invalid_value_message=BAD_DATE, **kwargs)  # type: ignore[call-arg]


def cents(field) -> int:
    """The amount typed in ``field`` (already validated), in cents."""
    return parse_euros(field.data)


class ReferenceForm(FlaskForm):
    """What still changes once a convention is signed."""

    reference = StringField(_l("Référence"), filters=[_strip],
                            description=_l("Le numéro que lui donne l'organisation, s'il y "
                                           "en a un."),
                            validators=[Optional(), Length(max=100, message=TOO_LONG)])
    signatories = TextAreaField(_l("Signataires"), filters=[_strip],
                                description=_l("Qui signe, pour le porteur et pour "
                                               "l'organisation."),
                                validators=[Optional(), Length(max=2000, message=TOO_LONG)])

    @classmethod
    def of(cls, convention, **kwargs):
        return cls(formdata=None, data=cls.values_of(convention), **kwargs)

    @staticmethod
    def values_of(convention) -> dict:
        return {"reference": convention.reference, "signatories": convention.signatories}

    def values(self) -> dict:
        """The keyword arguments of ``services.update_convention``."""
        return {"reference": self.reference.data or "",
                "signatories": self.signatories.data or ""}


class ConventionForm(ReferenceForm):
    """Every field of a convention before its signature (``EDITABLE_BEFORE_SIGNATURE``)."""

    kind = RadioField(_l("Nature de la convention"), choices=choices(KIND_LABELS),
                      validate_choice=False,
                      validators=[InputRequired(_l("Choisissez la nature de la convention."))])
    committed = StringField(_l("Montant engagé (en euros)"), filters=[_strip],
                            description=_l("L'argent versé au porteur. Par exemple : 8 000 ; "
                                           "0 s'il n'y en a pas."),
                            validators=[DataRequired(_l("Indiquez le montant engagé, 0 s'il "
                                                         "n'y en a pas.")), _euros])
    in_kind = StringField(_l("Valorisation en nature (en euros)"), filters=[_strip],
                          description=_l("Loyer non perçu, temps de travail… ; 0 s'il n'y en "
                                         "a pas."),
                          validators=[DataRequired(_l("Indiquez la valorisation en nature, 0 "
                                                       "s'il n'y en a pas.")), _euros])
    start_date = _day(_l("Date de début"), Optional())
    end_date = _day(_l("Date de fin"), Optional())
    object = TextAreaField(_l("Objet"), filters=[_strip],
                           validators=[Optional(), Length(max=5000, message=TOO_LONG)])
    premises_unit = StringField(_l("Numéro du local (catalogue des locaux)"), filters=[_strip],
                                description=_l("Facultatif : pour une mise à disposition de "
                                               "local, le numéro affiché sur sa page."),
                                validators=[Optional()])

    @staticmethod
    def values_of(convention) -> dict:
        return {**ReferenceForm.values_of(convention), "kind": convention.kind.value,
                "committed": cents_to_input(convention.committed_cents),
                "in_kind": cents_to_input(convention.in_kind_cents),
                "start_date": convention.start_date, "end_date": convention.end_date,
                "object": convention.object,
                "premises_unit": str(convention.premises_unit_id or "")}

    def validate_kind(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(UNKNOWN_CHOICE)

    def values(self) -> dict:
        return {**super().values(), "kind": ConventionKind(self.kind.data),
                "committed_cents": cents(self.committed), "in_kind_cents": cents(self.in_kind),
                "start_date": self.start_date.data, "end_date": self.end_date.data,
                "object": self.object.data or "",
                "premises_unit_id": params.identifier(self.premises_unit.data)}

    def validate_premises_unit(self, field):
        if field.data and params.identifier(field.data) is None:
            raise ValidationError(_l("Indiquez le numéro du local, par exemple 12."))


class AmendmentForm(FlaskForm):
    field = RadioField(_l("Montant modifié"), choices=list(AMENDED_FIELD_LABELS.items()),
                       validate_choice=False,
                       validators=[InputRequired(_l("Choisissez le montant que l'avenant "
                                                    "modifie."))])
    new_amount = StringField(_l("Nouveau montant (en euros)"), filters=[_strip],
                             validators=[DataRequired(_l("Indiquez le nouveau montant.")),
                                         _euros])
    reason = TextAreaField(_l("Raison de l'avenant"), filters=[_strip],
                           description=_l("Elle reste dans l'historique de la convention."),
                           validators=[DataRequired(_l("Indiquez la raison de l'avenant.")),
                                       Length(max=5000, message=TOO_LONG)])

    def validate_field(self, field):
        if field.data and field.data not in AMENDED_FIELD_LABELS:
            raise ValidationError(UNKNOWN_CHOICE)


class PaymentForm(FlaskForm):
    planned_date = _day(_l("Date prévue"),
                        InputRequired(_l("Indiquez la date prévue du versement.")))
    amount = StringField(_l("Montant (en euros)"), filters=[_strip],
                         validators=[DataRequired(_l("Indiquez le montant du versement.")),
                                     _euros])


class PaidForm(FlaskForm):
    """One per planned payment, prefixed ``pay<id>``; the amount defaults to the planned one."""

    paid_date = _day(_l("Date du versement"),
                     InputRequired(_l("Indiquez la date à laquelle le versement a été fait.")))
    amount = StringField(_l("Montant versé (en euros)"), filters=[_strip],
                         description=_l("Laissez le montant prévu s'il a été versé en entier."),
                         validators=[Optional(), _euros])

    def paid_cents(self, planned_cents: int) -> int:
        return cents(self.amount) if self.amount.data else planned_cents


class StepForm(FlaskForm):
    """A lifecycle step of the convention, prefixed by its name; a comment when it needs one."""

    comment = TextAreaField(_l("Commentaire"), filters=[_strip],
                            validators=[Optional(), Length(max=5000, message=TOO_LONG)])


class SignedCopyForm(FlaskForm):
    document = FileField(_l("Convention signée"),
                         description=_l("Types acceptés : %(types)s ; 10 Mo au plus.",
                                        types=ACCEPTED_LABEL))
