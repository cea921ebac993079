"""The holder's rights over their data: a copy (zip) and erasure."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from murporteur.accounts.models import Role
from murporteur.core.access import roles_required
from murporteur.core.handling import on_refusal
from murporteur.core.timeutil import paris_today
from murporteur.privacy import services
from murporteur.privacy.forms import ErasureForm

bp = Blueprint("privacy", __name__, url_prefix="/compte")

holders_only = roles_required(Role.HOLDER)


@bp.get("/mes-donnees")
@holders_only
def my_data():
    return render_template("privacy/my_data.html",
                           obstacles=services.erasure_obstacles(current_user),
                           dossiers=services.holder_dossiers(current_user))


@bp.get("/mes-donnees.zip")
@holders_only
def download_my_data():
    archive = services.export_archive(current_user)  # its audit entry commits with the request
    return Response(archive, mimetype="application/zip", headers={
        "Content-Disposition":
            f'attachment; filename="mur-porteur-mes-donnees-{paris_today().isoformat()}.zip"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@bp.route("/effacement", methods=["GET", "POST"])
@holders_only
def request_erasure():
    form = ErasureForm()
    obstacles = services.erasure_obstacles(current_user)
    if obstacles:
        return render_template("privacy/erasure.html", form=form, obstacles=obstacles), \
            409 if form.is_submitted() else 200
    if form.validate_on_submit():
        # A dossier moved in the meantime: the page says why, as the obstacles above.
        on_refusal(None, None, lambda exc: render_template(
            "privacy/erasure.html", form=form, obstacles=[exc.message]))
        services.erase_holder(current_user._get_current_object())
        logout_user()
        flash(_("Vos données ont été effacées et votre compte fermé. Les montants et "
                "statistiques anonymes sont conservés."), "success")
        return redirect(url_for("public.landing"))
    status = 422 if form.is_submitted() else 200
    return render_template("privacy/erasure.html", form=form, obstacles=[]), status
