"""Queue notifications in the caller's transaction (mail, digest, bell), and the bell's
entries; what happens to a row once queued is ``delivery``'s."""

from __future__ import annotations

import json
from collections.abc import Callable

from blinker import Namespace
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, insert, select, update

from murporteur.accounts.models import Role, User
from murporteur.collective import settings as collective_settings
from murporteur.core.db import rowcount, utcnow
from murporteur.extensions import db
from murporteur.notifications.catalogue import IN_APP, KIND_OF_KEY, KINDS, kinds_for
from murporteur.notifications.catalogue import entry as catalogue_entry
from murporteur.notifications.dispatch import remember_for_dispatch
from murporteur.notifications.models import (
    DeliveryMode,
    DigestItem,
    InAppNotification,
    NotificationPreference,
    OutboxMessage,
)

#: The languages of the interface, in which each bell entry is written.
LANGUAGES = ("fr", "en")

def delivery_mode(user: User, key: str) -> DeliveryMode:
    """How ``user`` wants notification ``key``: immediately unless they chose otherwise for
    its kind (and kinds outside the catalogue always go immediately)."""
    kind = KIND_OF_KEY.get(key)
    if kind is None:
        return DeliveryMode.IMMEDIATE
    mode = db.session.scalar(select(NotificationPreference.mode).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == kind))
    return mode or DeliveryMode.IMMEDIATE


def preferences_of(user: User) -> dict[str, DeliveryMode]:
    """The choice of ``user`` for each kind of event open to their role."""
    chosen = dict(db.session.execute(select(
        NotificationPreference.kind, NotificationPreference.mode).where(
        NotificationPreference.user_id == user.id)).tuples().all())
    return {kind: chosen.get(kind, DeliveryMode.IMMEDIATE) for kind in kinds_for(user.role)}


def set_preferences(user: User, modes: dict[str, DeliveryMode]) -> None:
    """Record the choices of ``user``; a kind outside their role, or a mode the kind does not
    offer (holders cannot switch off the team's messages), is refused with ValueError."""
    existing = {p.kind: p for p in db.session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id == user.id))}
    open_kinds = kinds_for(user.role)
    for kind, mode in modes.items():
        if kind not in open_kinds or DeliveryMode(mode).value not in KINDS[kind].modes:
            raise ValueError(f"{kind}={mode}")
        if kind in existing:
            existing[kind].mode = DeliveryMode(mode)
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind,
                                                  mode=DeliveryMode(mode)))
    db.session.flush()


def locale_of(recipient: User | str, fallback: str | None = None) -> str:
    """The language a recipient's mails are written in: theirs, else ``fallback`` (the
    language of the page they asked from), else the default."""
    if isinstance(recipient, User) and recipient.locale:
        return recipient.locale
    if fallback in ("fr", "en"):
        return fallback
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def queue(key: str, recipient: User | str, context: dict, *, idempotency_key: str,
          dossier_id: int | None = None, sensitive: bool = False, locale: str | None = None
          ) -> OutboxMessage | DigestItem | None:
    """Write one message to the outbox, in the current transaction.

    The row is handed to the Celery task only once the transaction commits; queuing the same
    ``idempotency_key`` twice returns the row already there. ``locale``: the language for a
    recipient who has not chosen one. A recipient who chose the daily
    digest for this kind of event gets a digest item instead; one who chose nothing, nothing.
    A key missing from the catalogue raises ``UnknownNotification``.
    """
    catalogue_entry(key)
    existing = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
    if existing is not None:
        return existing  # already said: no second mail, nor a second entry in the bell
    if isinstance(recipient, User):
        mode = delivery_mode(recipient, key)
        if mode == DeliveryMode.NONE:
            return None
        add_in_app(recipient, key, context, dossier_id)
        if mode == DeliveryMode.DIGEST:
            item = DigestItem(user_id=recipient.id, key=key, context=context,
                              dossier_id=dossier_id)
            db.session.add(item)
            db.session.flush()
            return item
    if isinstance(recipient, User):
        email, recipient_id = recipient.mail_address, recipient.id
    else:
        email, recipient_id = recipient, None
    row = OutboxMessage(key=key, recipient_email=email, recipient_id=recipient_id,
                        dossier_id=dossier_id, locale=locale_of(recipient, locale),
                        context=context,
                        idempotency_key=idempotency_key, sensitive=sensitive)
    db.session.add(row)
    db.session.flush()
    remember_for_dispatch(db.session, row.id)
    return row


def queue_many(key: str, recipients: list[User], context_of: Callable[[User], dict], *,
               idempotency_key_of: Callable[[User], str], dossier_id: int | None = None,
               sensitive: bool = False) -> int:
    """``queue`` for many users at once (the whole team hearing of a new idea): their choices
    read in one query, then one insert per table — the bell's entries, the digest items, the
    outbox rows — whatever the number of recipients. Returns how many outbox rows were
    written; the same rules as ``queue`` (an idempotency key already there is skipped)."""
    entry = catalogue_entry(key)
    keys = {user.id: idempotency_key_of(user) for user in recipients}
    if not keys:
        return 0
    already = set(db.session.scalars(select(OutboxMessage.idempotency_key).where(
        OutboxMessage.idempotency_key.in_(list(keys.values())))))
    kind = KIND_OF_KEY.get(key)
    modes: dict[int, DeliveryMode] = {} if kind is None else dict(db.session.execute(select(
        NotificationPreference.user_id, NotificationPreference.mode).where(
        NotificationPreference.user_id.in_(list(keys)), NotificationPreference.kind == kind))
        .tuples().all())
    bell, digest, outbox = [], [], []
    titles: dict[str, dict[str, str]] = {}
    for user in recipients:
        if keys[user.id] in already:
            continue
        mode = modes.get(user.id, DeliveryMode.IMMEDIATE)
        if mode == DeliveryMode.NONE:
            continue
        context = context_of(user)
        if IN_APP in entry.channels:
            # The whole team is usually told the same thing: its titles are laid out once.
            said = json.dumps(context, sort_keys=True, default=str)
            if said not in titles:
                titles[said] = _bell_titles(key, context)
            subjects = titles[said]
            subject = subjects.get(locale_of(user)) or subjects["fr"]
            bell.append({"user_id": user.id, "key": key, "subject": subject,
                         "subjects": subjects, "url": _in_app_url(user, context, dossier_id)})
        if mode == DeliveryMode.DIGEST:
            digest.append({"user_id": user.id, "key": key, "context": context,
                           "dossier_id": dossier_id})
            continue
        outbox.append({"key": key, "recipient_email": user.mail_address,
                       "recipient_id": user.id, "dossier_id": dossier_id,
                       "locale": locale_of(user), "context": context,
                       "idempotency_key": keys[user.id], "sensitive": sensitive})
    if bell:
        db.session.execute(insert(InAppNotification), bell)
    if digest:
        db.session.execute(insert(DigestItem), digest)
    if outbox:
        for outbox_id in db.session.scalars(
                insert(OutboxMessage).returning(OutboxMessage.id), outbox):
            remember_for_dispatch(db.session, outbox_id)
    return len(outbox)


def active_animators() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.ANIMATOR, User.active.is_(True)).order_by(User.id)))


def queue_digests(now=None) -> list[OutboxMessage]:
    """One digest message per person with items waiting; the items are marked as included."""
    now = now or utcnow()
    items = list(db.session.scalars(select(DigestItem).where(DigestItem.sent_at.is_(None))
                                    .order_by(DigestItem.user_id, DigestItem.id)))
    by_user: dict[int, list[DigestItem]] = {}
    for item in items:
        by_user.setdefault(item.user_id, []).append(item)
    messages = []
    for user_id, user_items in by_user.items():
        user = db.session.get_one(User, user_id)
        entries = [{"key": i.key, "context": i.context} for i in user_items]
        row = queue("digest", user, {"items": entries},
                    idempotency_key=f"digest:{user_id}:{user_items[-1].id}")
        for item in user_items:
            item.sent_at = now
        if isinstance(row, OutboxMessage):
            messages.append(row)
    db.session.flush()
    return messages


# --- In-app notifications (the bell) -------------------------------------------------------

_hooks = Namespace()

in_app_page_asked = _hooks.signal("in-app-page-asked", doc="""
The page of the site a bell entry about a dossier leads its reader to. Sender: the ``User``;
keyword argument ``dossier_id``. A receiver (the submissions', for the dossier's holder)
returns a site path, or None.
""")


def _in_app_url(user: User, context: dict, dossier_id: int | None) -> str | None:
    """Where the bell's entry leads: a page of the site (never a login link: the user is
    already logged in when they see it)."""
    if dossier_id is not None:
        for _receiver, path in in_app_page_asked.send(user, dossier_id=dossier_id):
            if path:
                return path
    url = context.get("url")
    if isinstance(url, str) and url.startswith(current_app.config["BASE_URL"]):
        return url[len(current_app.config["BASE_URL"]):] or "/"
    return None


def _bell_titles(key: str, context: dict) -> dict[str, str]:
    """The bell entry's title in every language (the reader's is shown)."""
    subjects = {}
    for language in LANGUAGES:
        with force_locale(language):
            subjects[language] = " ".join(render_template(
                f"notifications/{key}.subject.txt", **dict(
                    context, contact_email=collective_settings.get("contact_email"))).split()
            )[:300]
    return subjects


def _bell_subjects(user: User, key: str, context: dict) -> tuple[str, dict[str, str]]:
    """The bell entry's titles (``_bell_titles``), and the one of ``user``'s language (kept
    too, for entries read before titles had both)."""
    subjects = _bell_titles(key, context)
    return subjects.get(locale_of(user)) or subjects["fr"], subjects


def add_in_app(user: User, key: str, context: dict, dossier_id: int | None = None
               ) -> InAppNotification | None:
    """The bell's entry for a notification: its subject, in the user's language."""
    if IN_APP not in catalogue_entry(key).channels:
        return None  # links to log in, and summaries of what the bell already shows
    subject, subjects = _bell_subjects(user, key, context)
    entry = InAppNotification(user_id=user.id, key=key, subject=subject, subjects=subjects,
                              url=_in_app_url(user, context, dossier_id))
    db.session.add(entry)
    return entry


def in_app_title(entry: InAppNotification, locale: str) -> str:
    """A bell entry's title in ``locale``, the reader's language now (older entries, written
    in one language, keep it)."""
    return (entry.subjects or {}).get(locale) or entry.subject


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(InAppNotification.id)).where(
        InAppNotification.user_id == user.id, InAppNotification.read_at.is_(None))) or 0


def in_app_page(user: User, page: int, per_page: int = 30) -> list[InAppNotification]:
    return list(db.session.scalars(select(InAppNotification).where(
        InAppNotification.user_id == user.id).order_by(InAppNotification.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))


def mark_read(user: User, entry_id: int | None = None) -> int:
    """Mark one entry (or all, with None) of ``user`` read; returns how many changed."""
    query = update(InAppNotification).where(InAppNotification.user_id == user.id,
                                            InAppNotification.read_at.is_(None))
    if entry_id is not None:
        query = query.where(InAppNotification.id == entry_id)
    return rowcount(db.session.execute(query.values(read_at=utcnow())))
