"""Login by password or by a link sent by e-mail, logout, and the holder's password."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from murporteur.accounts import policies as _policies  # noqa: F401  (registers the permissions)
from murporteur.accounts import recovery, second_factor, services, tasks
from murporteur.accounts.forms import (
    ChangePasswordForm,
    FollowLinkForm,
    LinkRequestForm,
    LoginForm,
    LogoutForm,
    PasswordForm,
    ResetRequestForm,
)
from murporteur.accounts.models import Role, TokenPurpose, User
from murporteur.core.celery import hand_over_after_response
from murporteur.core.forms import text
from murporteur.core.handling import on_refusal
from murporteur.core.security import link_limit, login_limit
from murporteur.core.urls import safe_next
from murporteur.extensions import db

bp = Blueprint("accounts", __name__)


def home_for(user: User) -> str:
    if user.role == Role.ANIMATOR:
        return url_for("triage.inbox")
    if user.role == Role.ADMIN:
        return url_for("admin.home")
    if user.role == Role.HOLDER:
        return url_for("submissions.my_dossiers")
    if user.role == Role.MEMBER:  # their committee portal (the endpoint is named, not imported)
        return url_for("members.sessions")
    return url_for("public.landing")


#: The session's note of a password checked, waiting for its second step (the user is not
#: logged in until then).
PENDING = "second_step"
PENDING_SECONDS = 600


def password_login(user: User, next_target: str | None):
    """After a good password: log in, or hold the login until the second factor is given
    (or, where it is required and missing, enrolled)."""
    target = safe_next(next_target)
    if second_factor.asks_code(user):
        session[PENDING] = {"user": user.get_id(), "next": target, "at": int(time.time())}
        step = "enrol" if second_factor.must_enrol(user) else "verify_code"
        return redirect(url_for(f"second_factor.{step}"))
    login_user(user)
    return redirect(target or home_for(user))


def pending_user() -> User | None:
    """The user whose password was checked in this browser a moment ago, if still valid."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user_id, _sep, version = str(pending.get("user", "")).partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def finish_pending_login(user: User) -> str:
    """Log in the pending user; where to go next."""
    target = (session.pop(PENDING, None) or {}).get("next")
    login_user(user)
    return safe_next(target) or home_for(user)


@bp.route("/connexion", methods=["GET", "POST"])
@login_limit
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(text(form.email), text(form.password))
        if user is not None:
            return password_login(user, form.next.data)
        form.password.errors = [_("Adresse e-mail ou mot de passe incorrect.")]
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


def forget_this_browser() -> None:
    """Forget everything the session held (the login, the drafts and files this browser
    reached without an account, form tokens) but the language: on a shared computer, the
    next person finds nothing of the previous one."""
    locale = session.get("locale")
    session.clear()
    logout_user()  # after the clear: it may ask to delete a "remember me" cookie
    if locale:
        session["locale"] = locale


def _leave(message: str):
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            services.end_sessions(current_user)
        forget_this_browser()
        flash(message, "info")
    response = redirect(url_for("public.landing"))
    response.delete_cookie(DEVICE_COOKIE)  # the links used here no longer open again
    return response


@bp.post("/deconnexion")
def logout():
    return _leave(_("Vous êtes déconnecté·e."))


@bp.post("/oublier-cet-appareil")
def forget_device():
    """A holder without an account leaves a shared computer: their drafts are no longer
    reachable from it (the link sent by e-mail still opens them)."""
    return _leave(_("Cet appareil a oublié vos brouillons. Pour en reprendre un, utilisez le "
                    "lien reçu par e-mail."))


@bp.route("/retrouver-mon-dossier", methods=["GET", "POST"])
@link_limit
def request_link():
    form = LinkRequestForm()
    if form.validate_on_submit():
        _hand_over(tasks.send_login_link, text(form.email))
        # The same answer, as fast, whether or not the address is known: no one learns who
        # applied.
        flash(_("Si un dossier est associé à %(email)s, un lien pour y accéder vient d'y être "
                "envoyé. Il est valable %(hours)s heures et ne sert qu'une fois.",
                email=form.email.data, hours=_hours()), "success")
        return redirect(url_for("accounts.request_link"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/request_link.html", form=form), status


def _hand_over(task, email: str) -> None:
    """The request does the same thing for every address: the task looks it up."""
    hand_over_after_response(task, services.normalise_email(email), str(get_locale() or ""))


def _hours() -> int:
    return current_app.config["MAGIC_LINK_HOURS"]


#: The login links this browser used, as signed (token id, session version) pairs: such a
#: link opens again here until it expires (people click the receipt's link again and again),
#: never on another device, nor here after a logout (the session version changes).
DEVICE_COOKIE = "mp_links"
DEVICE_LINKS_KEPT = 10


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="link-device")


def _device_links() -> set[tuple[int, int]]:
    try:
        pairs = _device_serializer().loads(request.cookies.get(DEVICE_COOKIE, ""),
                                           max_age=_hours() * 3600)
    except BadSignature:
        return set()
    if not isinstance(pairs, list):
        return set()
    return {(p[0], p[1]) for p in pairs
            if isinstance(p, list) and len(p) == 2 and all(isinstance(v, int) for v in p)}


def _remember_on_device(response, access) -> None:
    pairs = [p for p in _device_links() if p[0] != access.id]
    pairs = [*pairs, (access.id, access.user.session_version)][-DEVICE_LINKS_KEPT:]
    response.set_cookie(DEVICE_COOKIE, _device_serializer().dumps([list(p) for p in pairs]),
                        max_age=_hours() * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))


@bp.route("/lien/<token>", methods=["GET", "POST"])
def follow_link(token: str):
    form = FollowLinkForm()
    access, refused = services.open_link(token)
    if refused is not None:
        again = recovery.reopen_link(token, _device_links())
        if again is not None:  # this device used it: it opens again until it expires
            login_user(again.user)
            return redirect(_link_target(again))
        return _link_invalid(refused, token), 410 if refused.expired else 404
    if not form.validate_on_submit():
        return render_template("accounts/follow_link.html", form=form, access=access)
    on_refusal(None, None, lambda exc: _link_invalid(exc, token))  # spent meanwhile
    access = services.consume_link(token)
    login_user(access.user)
    response = redirect(_link_target(access))
    _remember_on_device(response, access)
    return response


@bp.post("/lien/<token>/nouveau")
@link_limit
def fresh_link(token: str):
    """One click on a spent or expired link: a new one goes to the address on record."""
    if not FollowLinkForm().validate_on_submit() or recovery.fresh_link_holder(token) is None:
        return redirect(url_for("accounts.request_link"))
    recovery.send_fresh_link(token, str(get_locale() or ""))
    holder = recovery.fresh_link_holder(token)
    flash(_("Un nouveau lien vient d'être envoyé à %(email)s. Il est valable %(hours)s "
            "heures.", email=recovery.masked_address(holder.mail_address) if holder else "",
            hours=_hours()), "success")
    return redirect(url_for("accounts.follow_link", token=token))


def _link_invalid(refused, token: str | None = None):
    holder = recovery.fresh_link_holder(token) if token else None
    return render_template(
        "accounts/link_invalid.html", message=refused.message, form=LinkRequestForm(),
        token=token, fresh_form=FollowLinkForm(),
        masked=recovery.masked_address(holder.mail_address) if holder else None)


def _link_target(access) -> str:
    return services.link_landing(access) or home_for(access.user)


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def set_password():
    form = ChangePasswordForm()
    status = 422 if request.method == "POST" else 200

    def page(exc=None):
        if isinstance(exc, services.WrongPassword):  # the current password, not the new one
            form.password.errors = [e for e in form.password.errors if e != exc.message]
            form.current.errors = [exc.message]
        return render_template("accounts/password.html", form=form), status

    if not form.validate_on_submit():
        return page()
    on_refusal(form, "password", page)
    services.change_password(current_user, text(form.current), text(form.password))
    # The session version changed: this browser stays logged in, the others do not.
    login_user(current_user._get_current_object())
    flash(_("Votre mot de passe est enregistré. Vous pouvez désormais vous connecter "
            "avec votre adresse e-mail et ce mot de passe."), "success")
    return redirect(home_for(current_user))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@link_limit
def forgot_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        _hand_over(tasks.send_password_reset, text(form.email))
        # The same answer, as fast, whether or not the address has an account.
        flash(_("Si un compte existe pour %(email)s, un lien pour choisir un nouveau mot de "
                "passe vient d'y être envoyé. Il est valable %(hours)s heures et ne sert "
                "qu'une fois.", email=form.email.data,
                hours=current_app.config["PASSWORD_RESET_HOURS"]), "success")
        return redirect(url_for("accounts.forgot_password"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The link sent by e-mail opens this form; the link is spent by the POST that sets the
    password, never by opening it (mail scanners open links)."""
    _access, refused = services.open_link(token, purposes=(TokenPurpose.PASSWORD_RESET,))
    if refused is not None:
        return _reset_invalid(refused), 410 if refused.expired else 404
    form = PasswordForm()
    status = 422 if request.method == "POST" else 200

    def page(exc=None):
        if isinstance(exc, services.LinkInvalid):  # spent by another click meanwhile
            return _reset_invalid(exc)
        return render_template("accounts/reset_password.html", form=form), status

    if not form.validate_on_submit():
        return page()
    on_refusal(form, "password", page)
    user = recovery.reset_password(token, text(form.password))
    # Every other session of this account has ended; this browser starts a new one, after
    # the second factor where there is one.
    flash(_("Votre nouveau mot de passe est enregistré ; vos autres sessions sont fermées."),
          "success")
    return password_login(user, None)


def _reset_invalid(refused):
    return render_template("accounts/reset_invalid.html", message=refused.message,
                           form=ResetRequestForm(formdata=None))
