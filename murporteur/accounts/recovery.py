"""Getting back in: a used login link reopened on its device, a fresh link for a spent one,
what "retrouver mon dossier" and "mot de passe oublié" send, and the password reset."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import update

from murporteur import signals
from murporteur.accounts.models import AccessToken, Role, TokenPurpose, User
from murporteur.accounts.services import (
    LOGIN_PURPOSES,
    check_link,
    check_password_strength,
    consume_link,
    find_user_by_email,
    holder_account_for,
    issue_link,
    read_link,
    set_password,
)
from murporteur.core.db import utcnow
from murporteur.extensions import db


def _still_a_holders_login(token: AccessToken | None, now: datetime) -> bool:
    return (token is not None and token.purpose in LOGIN_PURPOSES and token.user.active
            and token.user.role == Role.HOLDER and token.expires_at > now)


def reopen_link(signed: str, device: set[tuple[int, int]], *,
                now: datetime | None = None) -> AccessToken | None:
    """A login link already used on this device, opened again there before it expires.

    ``device`` holds the (token id, session version) pairs this browser used, kept in a
    signed cookie of its own: another device (or this one after a logout, which bumps the
    session version) gets None and is offered a fresh link instead.
    """
    now = now or utcnow()
    token = read_link(signed)
    if not _still_a_holders_login(token, now) or token is None or token.used_at is None:
        return None
    if (token.id, token.user.session_version) not in device:
        return None
    token.user.last_login_at = now
    return token


def fresh_link_holder(signed: str) -> User | None:
    """The holder a spent or expired login link was sent to: one click mails them a new one
    (to the address on record, so the click itself opens nothing)."""
    token = read_link(signed)
    if token is None or token.purpose not in LOGIN_PURPOSES:
        return None
    user = token.user
    return user if user.active and user.role == Role.HOLDER else None


def send_fresh_link(signed: str, locale: str | None = None) -> AccessToken | None:
    """Mail the holder of a spent or expired login link a new one, leading to the same place
    (the dossier, or the draft)."""
    from murporteur.core.urls import external_url

    old = read_link(signed)
    holder = fresh_link_holder(signed)
    if old is None or holder is None:
        return None
    link = issue_link(holder, old.purpose, dossier_id=old.dossier_id)
    signals.login_link_requested.send(
        holder, url=external_url("accounts.follow_link", token=link.signed), locale=locale)
    return link.token


def masked_address(address: str) -> str:
    """``am•••@example.org``: enough for its owner to recognise, little for anyone else."""
    local, _sep, domain = address.partition("@")
    return f"{local[:2]}•••@{domain}" if domain else "•••"


# --- What "retrouver mon dossier" and "mot de passe oublié" send --------------------------
# Both decide in a task (accounts/tasks.py), never in the request: the page answers alike,
# and as fast, whether or not the address has an account. ``locale`` is the language of the
# page the request came from, used for the mail when the account has not chosen one.

def send_login_link_if_known(email: str, locale: str | None = None) -> AccessToken | None:
    """Mail a login link to the holder account for ``email`` ("Retrouver mon dossier"), if
    there is one.

    Staff and committee accounts log in with their password (and second factor): no link is
    ever sent for them. Run by a task after the response, so that the page answers the same,
    as fast, whatever happened: nobody learns which addresses have an account.
    """
    from murporteur.core.urls import external_url

    holder = holder_account_for(email)
    if holder is None:
        return None
    link = issue_link(holder, TokenPurpose.LOGIN)
    signals.login_link_requested.send(
        holder, url=external_url("accounts.follow_link", token=link.signed), locale=locale)
    return link.token


def send_password_reset_if_known(email: str, locale: str | None = None) -> AccessToken | None:
    """Have a password reset link mailed to the active account at ``email``, if there is one
    (the notifications' receiver of ``password_reset_requested`` writes the mail)."""
    from murporteur.core.urls import external_url

    user = find_user_by_email(email)
    if user is None or not user.active:
        return None
    link = issue_link(user, TokenPurpose.PASSWORD_RESET)
    signals.password_reset_requested.send(
        user, url=external_url("accounts.reset_password", token=link.signed),
        hours=current_app.config["PASSWORD_RESET_HOURS"], token_id=link.token.id,
        locale=locale)
    return link.token


# --- Password reset -------------------------------------------------------------------------

def reset_password(signed: str, password: str, *, now: datetime | None = None) -> User:
    """Set the password of the link's user and spend the link (and any other reset link of
    theirs). Every session of theirs ends. Raises ``LinkInvalid`` or ``AccountError``."""
    now = now or utcnow()
    token = check_link(signed, now=now, purposes=(TokenPurpose.PASSWORD_RESET,))
    check_password_strength(password)  # before spending the link: a short password may retry
    token = consume_link(signed, now=now, purposes=(TokenPurpose.PASSWORD_RESET,))
    user = token.user
    set_password(user, password)
    db.session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user.id,
               AccessToken.purpose == TokenPurpose.PASSWORD_RESET,
               AccessToken.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    return user

