"""The idea form: input shapes and their messages. Completeness is a rule of services.py."""

from __future__ import annotations

import re
from functools import partial

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from murporteur.collective import references
from murporteur.collective import settings as collective_settings
from murporteur.core.forms import TOO_LONG, TOO_LONG_COUNTED, MultiCheckboxField, text_field
from murporteur.core.money import AmountError, cents_to_input, parse_euros
from murporteur.submissions.choices import (
    LEGAL_FORM_LABELS,
    PRIORITY_AREA_LABELS,
    STAGE_LABELS,
    choices,
)
from murporteur.submissions.services import ANSWER_FIELDS, Answers

_PHONE = re.compile(r"^\+?[0-9 .\-()]{6,25}$")
_text = partial(text_field, too_long=TOO_LONG_COUNTED)


class IdeaForm(FlaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The collective's words of consent (the admin edits them; FlaskForm copies fields).
        self.consent.label.text = collective_settings.get("consent_text")

    # You and your structure
    contact_name = _text(_l("Vos nom et prénom"), 200)
    structure_name = _text(_l("Nom de votre structure ou de votre collectif"), 200)
    legal_form = SelectField(_l("Forme juridique"), validate_choice=False,
                             choices=[("", _l("— Choisissez —"))] + choices(LEGAL_FORM_LABELS))
    email = EmailField(_l("Adresse e-mail"), description=_l(
        "Nous y envoyons l'accusé de réception et le lien pour suivre votre dossier."),
        validators=[InputRequired(_l("Indiquez votre adresse e-mail : c'est par elle que vous "
                                     "suivrez votre dossier.")),
                    Email(_l("Cette adresse e-mail ne semble pas valide (exemple : "
                             "nom@exemple.fr)."), check_deliverability=False),
                    Length(max=254, message=TOO_LONG)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v])
    phone = StringField(_l("Téléphone"), description=_l(
        "Une animatrice ou un animateur vous appellera pour parler de votre idée."),
        validators=[Optional(), Length(max=40, message=TOO_LONG)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v])
    town = _text(_l("Commune"), 120)
    # The idea
    title = _text(_l("Titre de votre idée"), 200,
                  _l("En quelques mots, par exemple « Café solidaire au pied des immeubles »."))
    summary = _text(_l("Résumé"), 5000, _l("Ce que vous voulez faire, avec qui, comment."), True)
    need = _text(_l("Le besoin auquel elle répond"), 5000, None, True)
    residents = _text(_l("Les habitants concernés"), 3000,
                      _l("Qui en bénéficiera, combien de personnes à peu près."), True)
    # Where
    neighbourhoods = _text(_l("Quartiers concernés"), 1000,
                           _l("Un ou plusieurs quartiers, et la commune."), True)
    priority_area = RadioField(_l("S'agit-il d'un quartier prioritaire de la politique de la "
                                  "ville (QPV) ?"), validate_choice=False,
                               choices=choices(PRIORITY_AREA_LABELS))
    # Stage and support sought
    stage = RadioField(_l("Où en est votre projet ?"), validate_choice=False,
                       choices=choices(STAGE_LABELS))
    support_kinds = MultiCheckboxField(_l("Quel soutien recherchez-vous ?"),
                                       validate_choice=False,
                                       choices=references.Choices("support_kind"))
    financing_amount = StringField(_l("Montant du financement recherché (en euros)"),
                                   description=_l("Par exemple : 8 000"),
                                   validators=[Optional()])
    support_details = _text(_l("Précisions sur le soutien recherché"), 3000, None, True)
    # Documents and consent
    documents = MultipleFileField(_l("Documents (facultatif)"))
    consent = BooleanField(_l("J'accepte que les informations de ce formulaire soient "
                              "traitées par le collectif Mur porteur pour étudier mon idée."))
    # Against robots, without a third party: a field people never see (robots fill it in)
    # and the signed moment the form was shown (robots answer within a second).
    website = StringField(_l("Ne remplissez pas ce champ"))
    started = HiddenField()
    # Drawn when the page is shown: a second send of the same page is the same idea.
    submission_key = HiddenField()

    def validate_phone(self, field):
        if field.data and (not _PHONE.match(field.data)
                           or len(re.sub(r"\D", "", field.data)) < 9):
            raise ValidationError(_l("Ce numéro ne semble pas valide (exemple : 06 12 34 56 78)."))

    def validate_financing_amount(self, field):
        if field.data:
            try:
                cents = parse_euros(field.data)
            except AmountError:
                raise ValidationError(_l("Indiquez un montant en euros, par exemple 8 000 ou "
                                         "8 000,50.")) from None
            if cents > 100_000_000_00:
                raise ValidationError(_l("Ce montant semble trop élevé."))

    def _check_choice(self, field, labels):
        if field.data and field.data not in {m.value for m in labels}:
            raise ValidationError(_l("Choisissez une des réponses proposées."))

    def validate_legal_form(self, field):
        self._check_choice(field, LEGAL_FORM_LABELS)

    def validate_priority_area(self, field):
        self._check_choice(field, PRIORITY_AREA_LABELS)

    def validate_stage(self, field):
        self._check_choice(field, STAGE_LABELS)

    def validate_support_kinds(self, field):
        allowed = {value for value, _label in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Choisissez parmi les soutiens proposés."))

    def answers(self, lenient: bool = False) -> Answers:
        """The parsed answers. ``lenient``: a form that did not validate, its faulty fields
        read as empty (to list everything else a submission still lacks)."""

        def value(name):
            field = getattr(self, name)
            return None if lenient and field.errors else field.data

        values: dict[str, object] = {
            name: value(name) or None for name in ("legal_form", "priority_area", "stage")}
        for name in ANSWER_FIELDS:
            if name not in values and name not in ("financing_amount_cents", "support_kinds"):
                values[name] = value(name) or ""
        values["support_kinds"] = list(dict.fromkeys(value("support_kinds") or []))
        amount = value("financing_amount")
        values["financing_amount_cents"] = parse_euros(amount) if amount else None
        return Answers(values=values, consent=bool(self.consent.data))

    def fill_from(self, dossier) -> None:
        """Show a saved draft's answers (on GET)."""
        for name in ANSWER_FIELDS:
            if name in ("financing_amount_cents",):
                continue
            value = getattr(dossier, name)
            getattr(self, name).data = value.value if hasattr(value, "value") else value
        self.financing_amount.data = cents_to_input(dossier.financing_amount_cents)
        self.consent.data = dossier.consent_at is not None
        self.email.data = dossier.holder.mail_address


#: Form field carrying each dossier attribute, for putting a service's problems in place.
FIELD_OF = {"financing_amount_cents": "financing_amount"}


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Votre message"), validators=[
        DataRequired(_l("Écrivez votre message avant de l'envoyer.")),
        Length(max=10000, message=TOO_LONG)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v])
    attachments = MultipleFileField(_l("Pièces jointes (facultatif)"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Pourquoi retirez-vous votre dossier ? (facultatif)"),
                           validators=[Optional(), Length(max=3000, message=TOO_LONG)])
