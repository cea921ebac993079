"""The page where animators and committee members create and revoke their personal tokens for
the read-only API (/api/v1)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from murporteur.accounts.models import ApiToken
from murporteur.api import services
from murporteur.core.access import roles_required
from murporteur.core.forms import text
from murporteur.core.handling import get_or_404, on_refusal

bp = Blueprint("api_tokens", __name__)

token_holders_only = roles_required(*services.TOKEN_ROLES)


class TokenForm(FlaskForm):
    name = StringField(_l("Nom du jeton"), description=_l(
        "Pour le reconnaître plus tard : l'outil ou le tableau de bord qui l'utilisera."),
        # The service says when the name is missing, for the page and any other caller.
        validators=[Length(max=services.TOKEN_NAME_MAX)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v])


class RevokeTokenForm(FlaskForm):
    """The revoke button: a POST with its CSRF token."""


def _render(form: TokenForm, status: int = 200, plain: str | None = None):
    response = render_template("accounts/api_tokens.html", form=form, plain=plain,
                               tokens=services.tokens_of(current_user),
                               revoke_form=RevokeTokenForm())
    return response, status, {"Cache-Control": "no-store"}


def _own_token(user, token: ApiToken) -> bool:
    return token.user_id == user.id


@bp.get("/compte/api")
@token_holders_only
def list_tokens():
    return _render(TokenForm(formdata=None))


@bp.post("/compte/api")
@token_holders_only
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _render(form, 422)
    on_refusal(form, "name", lambda exc: _render(form, 422))
    _token, plain = services.create_token(current_user, text(form.name))
    # Shown in this answer only: a flash message would carry it in the session cookie.
    return _render(TokenForm(formdata=None), 201, plain=plain)


@bp.post("/compte/api/<id:token_id>/revoquer")
@token_holders_only
def revoke_token(token_id: int):
    token = get_or_404(ApiToken, token_id, may=_own_token)
    if RevokeTokenForm().validate_on_submit():
        services.revoke_token(token, current_user)
        flash(_("Le jeton « %(name)s » est révoqué : il n'ouvre plus l'API.", name=token.name),
              "success")
    return redirect(url_for("api_tokens.list_tokens"))
