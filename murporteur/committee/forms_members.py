"""The members' forms: their organisation's position on an agenda item, and the proxy."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from murporteur.collective import references

# One list of stance labels for both sides of the committee.
from murporteur.committee.forms_staff import STANCE_LABELS
from murporteur.committee.models import Position, Stance
from murporteur.core import params
from murporteur.core.forms import TOO_LONG, MultiCheckboxField
from murporteur.core.money import AmountError, cents_to_input, parse_euros
from murporteur.submissions.choices import choices

BAD_AMOUNT = _l("Indiquez un montant en euros, par exemple 8 000 ou 8 000,50.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PositionForm(FlaskForm):
    organisation = SelectField(_l("Vous donnez la position de"), validate_choice=False,
                               validators=[Optional()])
    stance = RadioField(_l("Position de votre organisation"), choices=choices(STANCE_LABELS),
                        validate_choice=False, validators=[
                            InputRequired(_l("Indiquez la position de votre organisation."))])
    offer_kinds = MultiCheckboxField(_l("Ce que vous proposez"), validate_choice=False,
                                     choices=references.Choices("support_kind"))
    amount = StringField(_l("Montant indicatif (en euros)"), filters=[_strip],
                         description=_l("Facultatif. Par exemple : 8 000"),
                         validators=[Optional()])
    premises_unit = SelectField(_l("Local du catalogue proposé"), validate_choice=False,
                                validators=[Optional()],
                                description=_l("Facultatif : avec « local » coché."))
    comment = TextAreaField(_l("Commentaire"), filters=[_strip],
                            validators=[Optional(), Length(max=5000, message=TOO_LONG)])
    # The version the member started from ("" when there was none), and whose it was: of two
    # members saving at once, the second is told instead of overwriting the first.
    version = HiddenField()
    version_for = HiddenField()

    def validate_stance(self, field):
        if field.data and field.data not in {s.value for s in STANCE_LABELS}:
            raise ValidationError(_l("Choisissez une des positions proposées."))

    def validate_offer_kinds(self, field):
        if any(v not in {k for k, _label in field.choices} for v in field.data or []):
            raise ValidationError(_l("Choisissez parmi les soutiens proposés."))

    def validate_amount(self, field):
        if field.data:
            try:
                cents = parse_euros(field.data)
            except AmountError:
                raise ValidationError(BAD_AMOUNT) from None
            if cents > 100_000_000_00:
                raise ValidationError(_l("Ce montant semble trop élevé."))

    def validate_premises_unit(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez un des locaux proposés."))

    def validate_organisation(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez une des organisations pour lesquelles vous "
                                     "parlez."))

    def values(self) -> dict:
        """The keyword arguments of ``services.record_position``."""
        return {"stance": Stance(self.stance.data),
                "offer_kinds": list(dict.fromkeys(self.offer_kinds.data or [])),
                "amount_cents": parse_euros(self.amount.data) if self.amount.data else None,
                "comment": self.comment.data or "",
                "premises_unit_id": params.identifier(self.premises_unit.data)}

    def expected_version(self, organisation_id: int) -> int | None:
        """The version the member saw, if it was this organisation's (else none: a saved
        position of the organisation then reads as a conflict, never as overwritten)."""
        if self.version_for.data != str(organisation_id) or not self.version.data:
            return None
        version = params.integer(self.version.data, low=0)
        return -1 if version is None else version

    def keep_offer_kinds(self, position: Position | None) -> None:
        """The active kinds of support, and the archived ones ``position`` already offers (it
        keeps them when saved again)."""
        self.offer_kinds.choices = references.choices(
            "support_kind", list(position.offer_kinds) if position else [])

    def show(self, position: Position | None, organisation_id: int) -> None:
        """Put a saved position (or none) in the form, with its version."""
        self.organisation.data = str(organisation_id)
        self.version_for.data = str(organisation_id)
        self.version.data = str(position.version) if position else ""
        self.stance.data = position.stance.value if position else None
        self.offer_kinds.data = list(position.offer_kinds) if position else []
        self.keep_offer_kinds(position)
        self.amount.data = cents_to_input(position.amount_cents) if position else ""
        self.comment.data = position.comment if position else ""
        self.premises_unit.data = str(position.premises_unit_id or "") if position else ""


class ProxyForm(FlaskForm):
    receiver = SelectField(_l("Donner procuration à"), validate_choice=False, validators=[
        InputRequired(_l("Choisissez le membre qui parlera pour votre organisation."))])
