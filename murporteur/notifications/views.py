"""The admins' outbox page: every message, its state, and a resend for failed ones."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from murporteur.accounts.models import Role
from murporteur.core import params
from murporteur.core.access import roles_required
from murporteur.core.handling import get_or_404
from murporteur.core.security import talisman
from murporteur.core.urls import safe_next
from murporteur.extensions import db
from murporteur.notifications import delivery, policies, services
from murporteur.notifications.catalogue import (
    CATALOGUE,
    KINDS,
    NOTIFICATIONS,
    always_sent_for,
    kinds_for,
)
from murporteur.notifications.forms import ResendForm, preferences_form
from murporteur.notifications.models import (
    DeliveryMode,
    InAppNotification,
    OutboxMessage,
    OutboxState,
)

bp = Blueprint("notifications", __name__)

admins_only = roles_required(Role.ADMIN)
PAGE_SIZE = 50


@bp.get("/admin/outbox/")
@admins_only
def outbox():
    state = params.choice(request.args.get("state"), {s.value for s in OutboxState})
    page = params.page(request.args.get("page"))
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if state:
        query = query.where(OutboxMessage.state == state)
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    counts = dict(db.session.execute(
        select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).tuples().all())
    return render_template("notifications/outbox.html", rows=rows, counts=counts,
                           state=state, page=page, states=list(OutboxState),
                           has_next=len(rows) == PAGE_SIZE,
                           # Each mail by what sends it, in words (« Quand une idée est envoyée »).
                           kinds_of_mail={n.key: n.trigger for n in NOTIFICATIONS})


def body_visible(row: OutboxMessage) -> bool:
    """A message that opens an account is readable here only while no mail server delivers
    it (development): in production, an admin must not be able to borrow a holder's link."""
    return not (row.sensitive and current_app.config.get("MAIL_SERVER"))


@bp.get("/admin/outbox/<id:outbox_id>")
@admins_only
def show(outbox_id: int):
    row = get_or_404(OutboxMessage, outbox_id)
    return render_template("notifications/outbox_message.html", row=row,
                           body_visible=body_visible(row))


@bp.post("/admin/outbox/<id:outbox_id>/renvoyer")
@admins_only
def resend(outbox_id: int):
    row = get_or_404(OutboxMessage, outbox_id)
    if not ResendForm().validate_on_submit():
        abort(400)
    if row.state != OutboxState.FAILED:
        flash(_("Seul un message en échec peut être renvoyé."), "error")
    else:
        delivery.resend(row)
        flash(_("Le message est de nouveau en file d'envoi."), "success")
    return redirect(url_for("notifications.show", outbox_id=outbox_id))


@bp.route("/compte/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    """Each kind of event open to the person's role: an e-mail at once, the daily digest, or
    nothing; and what always leaves at once."""
    kinds = kinds_for(current_user.role)
    form = preferences_form(current_user.role)
    if request.method == "GET":
        for kind, mode in services.preferences_of(current_user).items():
            form[kind].data = mode.value
    if kinds and form.validate_on_submit():
        services.set_preferences(current_user, {
            kind: DeliveryMode(form[kind].data) for kind in kinds})
        flash(_("Vos préférences de notification sont enregistrées."), "success")
        return redirect(url_for("notifications.preferences"))
    status = 422 if request.method == "POST" else 200
    return render_template("notifications/preferences.html", form=form, kinds=kinds,
                           always=always_sent_for(current_user.role)), status


# --- The catalogue, for admins: every notification and its preview in both languages -------

LANGUAGES = ("fr", "en")


@bp.get("/admin/notifications/")
@admins_only
def catalogue():
    return render_template("notifications/catalogue.html", notifications=NOTIFICATIONS,
                           kinds=KINDS)


@bp.get("/admin/notifications/<key>")
@admins_only
def preview(key: str):
    notification = CATALOGUE.get(key) or abort(404)
    renderings = {locale: delivery.render_notification(key, notification.example, locale)
                  for locale in LANGUAGES}
    return render_template("notifications/preview.html", notification=notification,
                           renderings=renderings, kinds=KINDS)


#: A mail's HTML carries its styles inline, as mail clients need; shown alone, sandboxed, with
#: no script and nothing loaded from elsewhere.
MAIL_PREVIEW_CSP = {"default-src": "'none'", "style-src": "'unsafe-inline'",
                    "img-src": "'self' data:", "frame-ancestors": "'none'", "sandbox": ""}


@bp.get("/admin/notifications/<key>/<locale>.html")
@admins_only
@talisman(content_security_policy=MAIL_PREVIEW_CSP)
def preview_html(key: str, locale: str):
    """The HTML part alone, as a mail client would show it."""
    notification = CATALOGUE.get(key) or abort(404)
    if locale not in LANGUAGES:
        abort(404)
    html = delivery.render_notification(key, notification.example, locale)[2]
    return Response(html, mimetype="text/html")


@bp.get("/notifications")
@login_required
def in_app():
    page = params.page(request.args.get("page"))
    entries = services.in_app_page(current_user, page)
    locale = str(get_locale() or "fr")
    titles = {e.id: services.in_app_title(e, locale) for e in entries}
    return render_template("notifications/in_app.html", entries=entries, titles=titles,
                           page=page,
                           has_next=len(entries) == 30, form=ResendForm())


@bp.post("/notifications/<id:entry_id>/lu")
@login_required
def open_in_app(entry_id: int):
    """Mark one entry read and go where it leads."""
    if not ResendForm().validate_on_submit():
        abort(400)
    entry = get_or_404(InAppNotification, entry_id, may=policies.may_open_notification)
    services.mark_read(current_user, entry_id)
    return redirect(safe_next(entry.url) or url_for("notifications.in_app"))


@bp.post("/notifications/tout-lu")
@login_required
def read_all_in_app():
    if not ResendForm().validate_on_submit():
        abort(400)
    count = services.mark_read(current_user)
    flash(_("%(n)s notification(s) marquée(s) comme lue(s).", n=count), "success")
    return redirect(url_for("notifications.in_app"))
