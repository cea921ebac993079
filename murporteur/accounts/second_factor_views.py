"""The second step of a login, the enrolment of an authenticator app, and its management
from the account page (accounts/second_factor.py holds the rules)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from murporteur.accounts import second_factor
from murporteur.accounts.forms import ConfirmPasswordForm, EnrolForm, SecondFactorForm
from murporteur.accounts.models import Role
from murporteur.accounts.views import finish_pending_login, pending_user
from murporteur.core.access import roles_required
from murporteur.core.forms import text
from murporteur.core.handling import on_refusal
from murporteur.core.security import login_limit
from murporteur.extensions import db

bp = Blueprint("second_factor", __name__)

_NO_STORE = {"Cache-Control": "no-store"}
#: What a logged-in user who must enrol may still reach before doing so.
_OPEN_BEFORE_ENROLMENT = {"static", "accounts.logout", "second_factor.enrol",
                          "public.set_language", "public.healthz", "public.readyz",
                          "metrics.metrics"}


@bp.before_app_request
def enrol_before_anything_else():
    """A staff session without a second factor (opened before it was required, or after it
    was disabled) reaches nothing but the enrolment."""
    if request.endpoint is None or request.endpoint in _OPEN_BEFORE_ENROLMENT \
            or request.blueprint == "api" or not current_user.is_authenticated:
        return None
    if second_factor.must_enrol(current_user):
        return redirect(url_for("second_factor.enrol"))
    return None


@bp.route("/connexion/verification", methods=["GET", "POST"])
@login_limit
def verify_code():
    user = pending_user()
    if user is None:
        flash(_("Connectez-vous de nouveau : la vérification a expiré."), "info")
        return redirect(url_for("accounts.login"))
    if not user.has_second_factor:
        return redirect(url_for("second_factor.enrol"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        kind, refused = second_factor.try_code(user, text(form.code))
        if refused is not None:
            db.session.commit()  # the failure counts, although the page is refused (422)
            form.code.errors = [refused.message]
        else:
            target = finish_pending_login(user)
            if kind == "recovery":
                flash(_("Vous vous êtes connecté·e avec un code de secours, qui ne servira "
                        "plus. Il vous en reste %(n)s ; vous pouvez en créer de nouveaux "
                        "depuis votre compte.", n=second_factor.recovery_codes_left(user)),
                      "info")
            return redirect(target)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/second_factor_verify.html", form=form), status, _NO_STORE


def _enrolling_user():
    """The logged-in user, or the one whose password was just checked."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return pending_user()


@bp.route("/compte/double-authentification/activer", methods=["GET", "POST"])
@login_limit
def enrol():
    user = _enrolling_user()
    if user is None:
        return redirect(url_for("accounts.login", next=request.path))
    if not second_factor.offered_to(user):
        abort(403)
    if user.has_second_factor:
        if current_user.is_authenticated:
            return redirect(url_for("second_factor.manage"))
        return redirect(url_for("second_factor.verify_code"))
    second_factor.start_enrolment(user)
    # The same secret after a reload, until it is confirmed, even when this page is a 422.
    db.session.commit()
    form = EnrolForm()
    if form.validate_on_submit():
        codes, refused = second_factor.try_enrolment(user, text(form.code))
        if refused is not None:
            db.session.commit()  # the failure counts, although the page is refused (422)
            form.code.errors = [refused.message]
        else:
            target = (finish_pending_login(user) if not current_user.is_authenticated
                      else url_for("second_factor.manage"))
            return render_template("accounts/recovery_codes.html", codes=codes,
                                   target=target, enrolled=True), 200, _NO_STORE
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/second_factor_enrol.html", form=form, user=user,
                           qr_code=second_factor.qr_code(user), secret=user.totp_secret,
                           required=second_factor.required_for(user),
                           pending=not current_user.is_authenticated), status, _NO_STORE


_OFFERED = roles_required(Role.ANIMATOR, Role.MEMBER, Role.ADMIN)


def _render_manage(disable_form=None, renew_form=None, status: int = 200):
    return render_template(
        "accounts/second_factor.html", required=second_factor.required_for(current_user),
        codes_left=second_factor.recovery_codes_left(current_user),
        disable_form=disable_form or ConfirmPasswordForm(prefix="disable", formdata=None),
        renew_form=renew_form or ConfirmPasswordForm(prefix="renew", formdata=None),
    ), status, _NO_STORE


@bp.get("/compte/double-authentification")
@_OFFERED
def manage():
    return _render_manage()


def _not_enrolled():
    flash(_("La double authentification n'est pas activée."), "info")
    return redirect(url_for("second_factor.manage"))


@bp.post("/compte/double-authentification/desactiver")
@_OFFERED
@login_limit
def disable():
    if not current_user.has_second_factor:
        return _not_enrolled()
    form = ConfirmPasswordForm(prefix="disable")
    if not form.validate_on_submit():
        return _render_manage(disable_form=form, status=422)
    on_refusal(form, "password", lambda exc: _render_manage(disable_form=form, status=422))
    second_factor.disable(current_user, text(form.password))
    # Other sessions end with the old factor; this browser stays logged in.
    login_user(current_user._get_current_object())
    if second_factor.required_for(current_user):
        flash(_("L'ancienne application ne sert plus. Votre rôle exige la double "
                "authentification : activez-la maintenant avec la nouvelle."), "info")
    else:
        flash(_("La double authentification est désactivée."), "success")
    return redirect(url_for("second_factor.manage"))


@bp.post("/compte/double-authentification/codes")
@_OFFERED
@login_limit
def renew_codes():
    if not current_user.has_second_factor:
        return _not_enrolled()
    form = ConfirmPasswordForm(prefix="renew")
    if not form.validate_on_submit():
        return _render_manage(renew_form=form, status=422)
    on_refusal(form, "password", lambda exc: _render_manage(renew_form=form, status=422))
    codes = second_factor.regenerate_recovery_codes(current_user, text(form.password))
    return render_template("accounts/recovery_codes.html", codes=codes,
                           target=url_for("second_factor.manage"), enrolled=False), 200, _NO_STORE

