"""Reading what the application did, as a user would notice it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pyotp
from sqlalchemy import select

from murporteur.extensions import db
from murporteur.notifications.models import OutboxMessage


def outbox(key: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if key:
        query = query.where(OutboxMessage.key == key)
    if to:
        query = query.where(OutboxMessage.recipient_email == to)
    db.session.expire_all()
    return list(db.session.scalars(query))


def link_in(message: OutboxMessage) -> str:
    """The path of the first link of our site in a sent message."""
    match = re.search(r"http://murporteur\.test(/\S+)", message.text_body or "")
    assert match, message.text_body
    return match.group(1)


def text(response) -> str:
    """The page's visible text, tags stripped and white space folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'")
                    .replace("&amp;", "&").replace("&quot;", '"').split())


SECOND_STEP = "/connexion/verification"


def totp_code(user, offset: int = 0) -> str:
    """The code the user's authenticator app shows now (``offset`` time steps away)."""
    totp = pyotp.TOTP(user.totp_secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + offset)


def second_step(client, user):
    """Type the authenticator's code at the second step of a login, as the user would.

    A code is good once: when the test already logged this user in during the same
    30 seconds, the code is the one the app shows next (the server accepts one step ahead).
    """
    db.session.refresh(user)
    offset = 0
    if user.totp_last_step is not None:
        now = pyotp.TOTP(user.totp_secret).timecode(datetime.now(UTC))
        offset = max(0, user.totp_last_step + 1 - now)
    if offset > 1:  # a third login within 30 seconds: forget the last step, as time would
        user.totp_last_step = None
        offset = 0
    return client.post(SECOND_STEP, data={"code": totp_code(user, offset)})
