"""The forms of the collective's administration: organisations, invitations, people,
spreadsheet imports. Input shapes and their messages; the rules are in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from murporteur.accounts.models import OrganisationKind, Role
from murporteur.accounts.organisations import KIND_LABELS, web_address_problem
from murporteur.accounts.people import ROLE_LABELS
from murporteur.core.forms import TOO_LONG, text_field


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _choice_check(values):
    def check(_form, field):
        if field.data and field.data not in values:
            raise ValidationError(_l("Choisissez une des réponses proposées."))
    return check


WEB_ADDRESS_MESSAGE = _l("Indiquez une adresse complète qui commence par http:// ou https:// "
                         "(exemple : https://www.exemple.fr).")


class OrganisationForm(FlaskForm):
    name = StringField(_l("Nom de l'organisation"), validators=[
        DataRequired(_l("Indiquez le nom de l'organisation.")),
        Length(max=200, message=TOO_LONG)], filters=[_strip])
    short_name = text_field(_l("Nom court ou sigle"), 40, _l("Par exemple : LMH, CDC."))
    kind = SelectField(_l("Type d'organisation"), validate_choice=False,
                       choices=[("", _l("— Choisissez —"))]
                       + [(k.value, label) for k, label in KIND_LABELS.items()],
                       validators=[DataRequired(_l("Choisissez le type d'organisation.")),
                                   _choice_check({k.value for k in OrganisationKind})])
    address = text_field(_l("Adresse"), 300)
    territory = text_field(_l("Territoire"), 200,
                           _l("Par exemple : Métropole de Lyon, Rhône, Auvergne-Rhône-Alpes."))
    website = StringField(_l("Site internet"), description=_l("Par exemple : https://www.exemple.fr"),
                          validators=[Length(max=300, message=TOO_LONG)], filters=[_strip])
    logo = FileField(_l("Logo (facultatif)"), description=_l(
        "PNG, JPEG, GIF ou WebP, 2 Mo au plus. Il est redimensionné pour la page d'accueil."))

    def validate_website(self, field):
        if field.data and web_address_problem(field.data):
            raise ValidationError(WEB_ADDRESS_MESSAGE)

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in
                ("name", "short_name", "kind", "address", "territory", "website")}


_EMAIL = [InputRequired(_l("Indiquez l'adresse e-mail de la personne.")),
          Email(_l("Cette adresse e-mail ne semble pas valide (exemple : nom@exemple.fr)."),
                check_deliverability=False),
          Length(max=254, message=TOO_LONG)]


class InviteForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=_EMAIL, filters=[_strip])
    full_name = text_field(_l("Nom et prénom"), 200)
    role = SelectField(_l("Rôle"), validate_choice=False, validators=[
        DataRequired(_l("Choisissez le rôle de la personne."))])
    organisation = SelectField(_l("Organisation"), validate_choice=False, description=_l(
        "Pour un membre : l'organisation qu'il ou elle représente."))

    def offer(self, roles, organisations) -> None:
        self.role.choices = [("", _l("— Choisissez —"))] + [
            (r.value, ROLE_LABELS[r]) for r in roles]
        self.organisation.choices = [("", _l("— Aucune —"))] + [
            (str(o.id), o.name) for o in organisations]

    def validate_role(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez une des réponses proposées."))

    def validate_organisation(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez une des réponses proposées."))
        if self.role.data == Role.MEMBER.value and not field.data:
            raise ValidationError(_l("Choisissez l'organisation de ce membre."))


class MoveForm(FlaskForm):
    organisation = SelectField(_l("Nouvelle organisation"), validate_choice=False,
                               validators=[DataRequired(_l("Choisissez une organisation."))])

    def offer(self, organisations) -> None:
        self.organisation.choices = [("", _l("— Choisissez —"))] + [
            (str(o.id), o.name) for o in organisations]

    def validate_organisation(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez une des réponses proposées."))


class SignatoryForm(FlaskForm):
    """Designate who signs the organisation's conventions."""

    person = SelectField(_l("Personne habilitée à signer"), validate_choice=False,
                         description=_l("La personne qui signe les conventions de "
                                        "l'organisation ; elle peut déléguer une signature "
                                        "à un·e collègue."),
                         validators=[DataRequired(_l("Choisissez la personne qui signe."))])

    def offer(self, people) -> None:
        self.person.choices = [("", _l("— Choisissez —"))] + [
            (str(p.id), p.display_name) for p in people]

    def validate_person(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez une des réponses proposées."))


class ActionForm(FlaskForm):
    """A button that changes something (archive, resend, deactivate…): its CSRF token only."""


class ImportForm(FlaskForm):
    kind = SelectField(_l("Ce que contient le fichier"), validate_choice=False, choices=[
        ("organisations", _l("Des organisations")), ("people", _l("Des personnes"))],
        validators=[DataRequired(_l("Choisissez ce que contient le fichier.")),
                    _choice_check({"organisations", "people"})])
    spreadsheet = FileField(_l("Fichier CSV ou XLSX"), description=_l(
        "La première ligne donne les noms des colonnes. Organisations : nom, nom_court, type, "
        "adresse, territoire, site. Personnes : email, nom, role, organisation."))
