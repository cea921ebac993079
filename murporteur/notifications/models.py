"""The outbox: one row for each message to send, written with the change that causes it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from murporteur.core.db import UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model


class OutboxState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Which notification of the catalogue (templates/notifications/<key>/…).
    key: Mapped[str] = mapped_column(String(60), index=True)
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    # JSON values only: what the templates need, read again when the message is rendered.
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    # The same event for the same person is queued once; sent once (checked at send time).
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    # The body opens an account (a link sent by e-mail): hidden from the admin page when a
    # real mail server delivers it, shown when the log is the only way to read it.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[OutboxState] = mapped_column(str_enum(OutboxState, "outbox_state"),
                                               default=OutboxState.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    transport: Mapped[str | None] = mapped_column(String(10))
    subject: Mapped[str | None] = mapped_column(String(300))
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sending_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeliveryMode(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    NONE = "none"


class NotificationPreference(Model):
    """How a user wants to hear of one kind of event (absent: immediately)."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[DeliveryMode] = mapped_column(str_enum(DeliveryMode, "delivery_mode"))


class DigestItem(Model):
    """A notification held back for the recipient's daily digest."""

    __tablename__ = "digest_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class InAppNotification(Model):
    """What the bell shows a logged-in user: the subject of a notification and where to go."""

    __tablename__ = "in_app_notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300))
    # The subject in each language ({"fr": …, "en": …}): the bell speaks its reader's
    # language of the moment, whatever the language of the mail (issue 17, item 8).
    subjects: Mapped[dict | None] = mapped_column(JSON)
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
