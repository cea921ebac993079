"""Reading what the application did, as a user would notice it."""

from __future__ import annotations

import re

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
