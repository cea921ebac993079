"""Login, link request and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

_EMAIL = [InputRequired(_l("Indiquez votre adresse e-mail.")),
          Email(_l("Cette adresse e-mail ne semble pas valide (exemple : nom@exemple.fr)."),
                check_deliverability=False),
          Length(max=254)]


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=_EMAIL,
                       filters=[lambda v: v.strip() if isinstance(v, str) else v])
    password = PasswordField(_l("Mot de passe"),
                             validators=[InputRequired(_l("Indiquez votre mot de passe.")),
                                         Length(max=1024)])
    next = HiddenField()


class LinkRequestForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail utilisée pour votre dossier"), validators=_EMAIL,
                       filters=[lambda v: v.strip() if isinstance(v, str) else v])


class FollowLinkForm(FlaskForm):
    """The button behind a link: the link is used on POST only, so that a mail scanner
    opening it does not spend it."""


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Nouveau mot de passe"), description=_l(
        "12 caractères au moins. Une phrase de plusieurs mots est facile à retenir."),
        validators=[InputRequired(_l("Choisissez un mot de passe.")), Length(max=1024)])
    confirm = PasswordField(_l("Confirmez le mot de passe"), validators=[
        InputRequired(_l("Confirmez le mot de passe.")),
        EqualTo("password", _l("Les deux mots de passe ne sont pas identiques."))])


class LogoutForm(FlaskForm):
    pass


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail de votre compte"), validators=_EMAIL,
                       filters=[lambda v: v.strip() if isinstance(v, str) else v])


class ChangePasswordForm(PasswordForm):
    """The account page: the current password confirms the change (a session left open on a
    shared computer is not enough). A holder who never chose one leaves it empty."""

    current = PasswordField(_l("Mot de passe actuel"), validators=[Length(max=1024)])


_CODE = [InputRequired(_l("Tapez le code affiché par votre application.")), Length(max=64)]


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code de vérification"), description=_l(
        "Les 6 chiffres affichés par votre application d'authentification, ou l'un de vos "
        "codes de secours."), validators=_CODE,
        filters=[lambda v: v.strip() if isinstance(v, str) else v])


class EnrolForm(FlaskForm):
    code = StringField(_l("Code affiché par l'application"), description=_l(
        "6 chiffres, renouvelés toutes les 30 secondes."), validators=_CODE,
        filters=[lambda v: v.strip() if isinstance(v, str) else v])


class ConfirmPasswordForm(FlaskForm):
    """Disabling the second factor or renewing the recovery codes: the password confirms."""

    password = PasswordField(_l("Mot de passe actuel"), validators=[
        InputRequired(_l("Indiquez votre mot de passe.")), Length(max=1024)])
