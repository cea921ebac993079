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
ENROLMENT = "/compte/double-authentification/activer"


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


def enrol_through_the_page(client):
    """Enrol an authenticator as a person would: read the key the page shows, type a code.
    Returns the response that shows the recovery codes."""
    page = client.get(ENROLMENT).get_data(as_text=True)
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', page)[1]
    return client.post(ENROLMENT, data={"code": pyotp.TOTP(secret).now()})


def finish_login(client, response, user=None):
    """After the password: the second step, or the enrolment a staff account without a
    second factor is led to. Returns the last response (a redirect once logged in)."""
    location = response.headers.get("Location", "")
    if location.endswith(SECOND_STEP):
        return second_step(client, user)
    if location.endswith(ENROLMENT):
        done = enrol_through_the_page(client)
        assert done.status_code == 200, text(done)
        return done
    return response


def sent_back(client, response):
    """The page a refused send of the idea form leads to (POST, redirect, GET): a 303 to the
    form's address, whose GET draws what was typed and what was refused again."""
    assert response.status_code == 303, (response.status_code,
                                         response.get_data(as_text=True)[:1000])
    page = client.get(response.headers["Location"])
    assert page.status_code == 200, page.status_code
    return page
