"""The people's pages (admins: everyone on the staff and committee side; animators: the
members), and the invitation link a new person follows to choose a password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from murporteur.accounts import organisations, people, policies
from murporteur.accounts.admin_access import permission_required
from murporteur.accounts.admin_forms import ActionForm, InviteForm, MoveForm
from murporteur.accounts.forms import PasswordForm
from murporteur.accounts.models import Organisation, Role, User
from murporteur.accounts.people import ROLE_LABELS
from murporteur.core import params
from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.core.forms import text
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.extensions import db

bp = Blueprint("people", __name__)
staff_only = permission_required("manage_people")


def _person(user_id: int) -> User:
    return get_or_404(User, user_id, may=policies.may_manage_person)


@bp.get("/admin/personnes/")
@staff_only
def list_people():
    shown = params.choice(request.args.get("etat"), {"actifs", "desactives"})
    active = {"actifs": True, "desactives": False}.get(shown or "")
    found = list(db.session.scalars(people.listing(current_user, active=active)))
    return render_template("admin/people.html", people=found, shown=shown, roles=ROLE_LABELS,
                           pending={u.id: people.pending_invitation(u) for u in found},
                           now=utcnow())


@bp.route("/admin/personnes/inviter", methods=["GET", "POST"])
@staff_only
def invite_person():
    form = InviteForm()
    form.offer(policies.invitable_roles(current_user), organisations.listed())
    if request.method == "GET":
        form.role.data = form.role.data or request.args.get("role", "")
        form.organisation.data = request.args.get("organisation", "")
    status = 422 if request.method == "POST" else 200

    def page(exc=None):
        existing = getattr(exc, "existing", None)
        if existing is not None and not policies.may_manage_person(current_user, existing):
            existing = None
        return render_template("admin/invite.html", form=form, existing=existing), status

    if not form.validate_on_submit():
        return page()
    on_refusal(form, "email", page)
    organisation = (db.session.get(Organisation, int(form.organisation.data))
                    if form.organisation.data else None)
    issued = people.invite(current_user, text(form.email), Role(form.role.data),
                           full_name=text(form.full_name), organisation=organisation,
                           locale=str(get_locale() or "") or None)
    flash(_("Invitation envoyée à %(email)s : le lien est valable %(days)s jours.",
            email=issued.invitation.user.email, days=people.INVITATION_DAYS), "success")
    return redirect(url_for("people.show_person", user_id=issued.invitation.user.id))


@bp.get("/admin/personnes/<id:user_id>")
@staff_only
def show_person(user_id: int):
    return _show(_person(user_id))


def _show(person: User, move_form: MoveForm | None = None, status: int = 200):
    if move_form is None:
        move_form = MoveForm(formdata=None)
        move_form.offer(organisations.choices(include=person.organisation))
    return render_template("admin/person.html", person=person, roles=ROLE_LABELS,
                           form=ActionForm(), move_form=move_form, now=utcnow(),
                           invitation=people.last_invitation(person),
                           pending=people.pending_invitation(person),
                           awaiting_password=people.awaiting_password(person)), status


def _act(user_id: int, action, message: str):
    person = _person(user_id)
    if ActionForm().validate_on_submit():
        try:
            action(current_user, person)
        except DomainError as refused:  # e.g. nothing to revoke: said on the person's page
            db.session.rollback()
            flash(refused.message, "error")
        else:
            flash(message % {"email": person.email}, "success")
    return redirect(url_for("people.show_person", user_id=person.id))


@bp.post("/admin/personnes/<id:user_id>/renvoyer")
@staff_only
def resend_invitation(user_id: int):
    return _act(user_id, people.resend,
                _("Une nouvelle invitation est partie pour %(email)s ; l'ancien lien ne "
                  "fonctionne plus."))


@bp.post("/admin/personnes/<id:user_id>/retirer")
@staff_only
def revoke_invitation(user_id: int):
    return _act(user_id, people.revoke,
                _("L'invitation de %(email)s est retirée : son lien ne fonctionne plus."))


@bp.post("/admin/personnes/<id:user_id>/desactiver")
@staff_only
def deactivate_person(user_id: int):
    return _act(user_id, people.deactivate,
                _("Le compte de %(email)s est désactivé : cette personne ne peut plus se "
                  "connecter ; son historique reste."))


@bp.post("/admin/personnes/<id:user_id>/reactiver")
@staff_only
def reactivate_person(user_id: int):
    return _act(user_id, people.reactivate, _("Le compte de %(email)s est de nouveau actif."))


@bp.post("/admin/personnes/<id:user_id>/organisation")
@staff_only
def move_person(user_id: int):
    person = _person(user_id)
    form = MoveForm()
    form.offer(organisations.choices(include=person.organisation))

    def page(_exc=None):
        return _show(person, form, 422)

    if not form.validate_on_submit():
        return page()
    on_refusal(form, "organisation", page)
    organisation = get_or_404(Organisation, params.identifier(form.organisation.data))
    people.move(current_user, person, organisation)
    flash(_("%(email)s représente désormais %(name)s.", email=person.email,
            name=organisation.name), "success")
    return redirect(url_for("people.show_person", user_id=person.id))


# --- The invitation link --------------------------------------------------------------------

@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The link opens this form; the link is spent by the POST that sets the password, never
    by opening it (mail scanners open links)."""
    from murporteur.accounts.views import password_login

    try:
        invitation = people.open_invitation(token)
    except people.InvitationInvalid as refused:
        return _invitation_invalid(token, refused), refused.status
    form = PasswordForm()
    status = 422 if request.method == "POST" else 200

    def page(exc=None):
        if isinstance(exc, people.InvitationInvalid):  # spent by another click meanwhile
            return _invitation_invalid(token, exc)
        return render_template("accounts/invitation.html", form=form,
                               invitation=invitation), status

    if not form.validate_on_submit():
        return page()
    on_refusal(form, "password", page)
    user = people.accept(token, text(form.password))
    flash(_("Votre mot de passe est enregistré. Bienvenue !"), "success")
    return password_login(user, None)


def _invitation_invalid(token: str, refused: people.InvitationInvalid):
    return render_template("accounts/invitation_invalid.html", message=refused.message,
                           token=token, form=ActionForm(),
                           may_ask=refused.reason in ("expired", "revoked"))


@bp.post("/invitation/<token>/nouvelle")
def ask_new_invitation(token: str):
    if ActionForm().validate_on_submit() and people.ask_for_new_invitation(token):
        flash(_("Votre demande est transmise : vous recevrez une nouvelle invitation par "
                "e-mail si elle est acceptée."), "success")
    return redirect(url_for("accounts.login"))
