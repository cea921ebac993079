"""Accounts rules: creating users, passwords, and the single-use links sent by e-mail (what
they are used for to get back in is in ``recovery``)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from blinker import Namespace
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from murporteur.accounts.models import AccessToken, Organisation, Role, TokenPurpose, User
from murporteur.core.db import rowcount, utcnow
from murporteur.core.errors import DomainError
from murporteur.extensions import db

#: Argon2id, memory-hard, with the library's recommended parameters (RFC 9106, low memory).
PRODUCTION_HASHER = PasswordHasher()
#: The test environment's: argon2's own profile for test suites — the same code and format,
#: without the deliberate half-second (a login in a test no longer costs what it does online).
TEST_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
MIN_PASSWORD_LENGTH = 12


class AccountError(DomainError):
    """An account operation was refused."""


class LinkInvalid(DomainError):
    """The link is unknown, altered, already used or expired."""

    def __init__(self, message, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def password_hasher() -> PasswordHasher:
    """The hasher of this environment (``MURPORTEUR_ENV``): the cheap one only in tests."""
    if has_app_context() and current_app.config.get("ENV_NAME") == "test":
        return TEST_HASHER
    return PRODUCTION_HASHER


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Le mot de passe doit compter au moins %(n)s caractères.",
                              n=MIN_PASSWORD_LENGTH))


def set_password(user: User, password: str) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.session_version += 1  # other sessions of this user end with the old password


class WrongPassword(AccountError):
    """The current password given to confirm a change is not the account's."""


def verify_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return password_hasher().verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def check_current_password(user: User, password: str) -> None:
    """Raise ``WrongPassword`` unless ``password`` is ``user``'s: a session left open is not
    enough to change what protects the account."""
    if not verify_password(user, password):
        raise WrongPassword(_l("Ce n'est pas votre mot de passe actuel."))


def change_password(user: User, current: str | None, new: str) -> None:
    """The account page: a new password, confirmed by the current one when there is one (a
    holder who came by a link may choose a first password)."""
    if user.password_hash:
        check_current_password(user, current or "")
    set_password(user, new)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same answer for both faults)."""
    user = find_user_by_email(email)
    hasher = password_hasher()
    if user is None or not user.active or not user.password_hash:
        hasher.hash(password)  # spend the same time whether or not the account exists
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def create_user(email: str, role: Role, *, full_name: str = "", password: str | None = None,
                organisation: Organisation | None = None, locale: str | None = None) -> User:
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AccountError(_l("Un compte existe déjà pour %(email)s.", email=email))
    return _new_user(email, role, full_name=full_name, password=password,
                     organisation=organisation, locale=locale)


def _new_user(email: str, role: Role, *, full_name: str = "", password: str | None = None,
              organisation: Organisation | None = None, locale: str | None = None) -> User:
    """A new account for ``email`` (normalised, and known to be free)."""
    if not email or "@" not in email:
        raise AccountError(_l("Adresse e-mail invalide : %(email)s", email=email))
    if role == Role.MEMBER and organisation is None:
        raise AccountError(_l("Un membre du comité appartient à une organisation."))
    user = User(email=email, role=role, full_name=full_name.strip(), organisation=organisation,
                active=True, session_version=1, locale=locale)
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def holder_for_email(email: str, full_name: str = "", locale: str | None = None) -> User:
    """The holder account that follows dossiers sent from ``email``, created on first use.

    No password is needed: the holder reaches their dossiers through links sent to this
    address, which is what proves they own it. An address that belongs to a staff or
    committee account is never that account's: public forms cannot attach anything to it.
    The dossiers sent with it go to a holder account of their own, whose mail goes to the
    same address (``contact_email``) but which holds nothing else.
    """
    user = find_user_by_email(email)
    if user is None:  # its language given at once: one statement, not an insert and an update
        user = _new_user(normalise_email(email), Role.HOLDER, full_name=full_name,
                         locale=locale)
    elif user.role != Role.HOLDER:
        user = _separate_holder(user.email, full_name)
    if full_name and not user.full_name:
        user.full_name = full_name.strip()
    return user


#: The placeholder login addresses of the holder accounts kept apart from a staff account
#: (``.invalid`` is reserved: nothing is ever delivered there).
SEPARATE_HOLDER_DOMAIN = "non-rattache.invalid"


def _separate_holder(address: str, full_name: str) -> User:
    holder = separate_holder_of(address)
    if holder is None:
        holder = User(email=f"porteur-{secrets.token_hex(8)}@{SEPARATE_HOLDER_DOMAIN}",
                      contact_email=address, role=Role.HOLDER, full_name=full_name.strip(),
                      active=True, session_version=1)
        db.session.add(holder)
        db.session.flush()
    return holder


def separate_holder_of(address: str) -> User | None:
    """The holder account kept apart for the staff or committee address ``address``."""
    return db.session.scalar(select(User).where(
        User.role == Role.HOLDER, User.contact_email == normalise_email(address)))


def holder_account_for(email: str) -> User | None:
    """The account a login link for ``email`` may open: the holder's own, or the one kept
    apart for a staff address; never a staff or committee account."""
    user = find_user_by_email(email)
    if user is not None and user.role != Role.HOLDER:
        user = separate_holder_of(user.email)
    if user is None or not user.active:
        return None
    return user


def find_organisation(name: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower()))


# --- Links sent by e-mail -------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedLink:
    token: AccessToken
    signed: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="access-link")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


#: What the links sent to log in (or resume a draft) may do; a password reset link is not one.
LOGIN_PURPOSES = (TokenPurpose.LOGIN, TokenPurpose.RESUME_DRAFT)

_hooks = Namespace()

link_landing_asked = _hooks.signal("link-landing-asked", doc="""
Where a login link leads once used. Sender: the ``AccessToken`` just consumed. A receiver
(the submissions', for a link about a dossier) returns the URL to go to, or None; without an
answer the user lands on their home page.
""")


def link_landing(access: AccessToken) -> str | None:
    """The page a used login link leads to, when a domain has one for it."""
    return next((url for _receiver, url in link_landing_asked.send(access) if url), None)


def _lifetime_hours(purpose: TokenPurpose) -> int:
    if purpose == TokenPurpose.PASSWORD_RESET:
        return current_app.config["PASSWORD_RESET_HOURS"]
    return current_app.config["MAGIC_LINK_HOURS"]


def issue_link(user: User, purpose: TokenPurpose, *, dossier_id: int | None = None,
               now: datetime | None = None) -> IssuedLink:
    """A new single-use link for ``user``; the returned string goes into the URL.

    A link that logs in is for holders only: staff and committee members use their password.
    """
    if purpose in LOGIN_PURPOSES and user.role != Role.HOLDER:
        raise AccountError(_l("Les liens de connexion sont réservés aux porteurs de projet : "
                              "connectez-vous avec votre mot de passe."))
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    token = AccessToken(user=user, purpose=purpose, dossier_id=dossier_id,
                        secret_digest=_digest(secret), created_at=now,
                        expires_at=now + timedelta(hours=_lifetime_hours(purpose)))
    db.session.add(token)
    db.session.flush()
    return IssuedLink(token, _serializer().dumps(secret))


def check_link(signed: str, *, now: datetime | None = None,
               purposes: tuple[TokenPurpose, ...] = LOGIN_PURPOSES) -> AccessToken:
    """The token behind ``signed`` if it may still be used for one of ``purposes``; raises
    ``LinkInvalid`` otherwise."""
    now = now or utcnow()
    max_age = max(current_app.config["MAGIC_LINK_HOURS"],
                  current_app.config["PASSWORD_RESET_HOURS"]) * 3600
    try:
        secret = _serializer().loads(signed, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkInvalid(_l("Ce lien a expiré."), expired=True) from exc
    except BadSignature as exc:
        raise LinkInvalid(_l("Ce lien n'est pas valide.")) from exc
    token = db.session.scalar(select(AccessToken).where(
        AccessToken.secret_digest == _digest(secret)))
    if token is None or token.purpose not in purposes:
        raise LinkInvalid(_l("Ce lien n'est pas valide."))
    if token.used_at is not None:
        raise LinkInvalid(_l("Ce lien a déjà servi. Demandez-en un nouveau ci-dessous."),
                          expired=True)
    if token.expires_at <= now:
        raise LinkInvalid(_l("Ce lien a expiré."), expired=True)
    if not token.user.active:
        raise LinkInvalid(_l("Ce lien n'est pas valide."))
    if token.purpose in LOGIN_PURPOSES and token.user.role != Role.HOLDER:
        # Issued before the rule, or to an account that has become staff since.
        raise LinkInvalid(_l("Ce lien n'est pas valide."))
    return token


def consume_link(signed: str, *, now: datetime | None = None,
                 purposes: tuple[TokenPurpose, ...] = LOGIN_PURPOSES) -> AccessToken:
    """Check ``signed`` and mark it used, so that it opens the door once only."""
    now = now or utcnow()
    token = check_link(signed, now=now, purposes=purposes)
    # A conditional update: of two clicks racing, one wins and the other finds it used.
    won = rowcount(db.session.execute(
        update(AccessToken)
        .where(AccessToken.id == token.id, AccessToken.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)))
    if won != 1:
        raise LinkInvalid(_l("Ce lien a déjà servi. Demandez-en un nouveau ci-dessous."),
                          expired=True)
    db.session.refresh(token)
    token.user.last_login_at = now
    return token


def read_link(signed: str) -> AccessToken | None:
    """The token behind a genuine link whatever its state (spent, expired), or None for an
    altered one: to offer its holder a fresh link without asking for their address."""
    try:
        secret = _serializer().loads(signed)  # signed by us; its age is the token's business
    except BadSignature:
        return None
    return db.session.scalar(select(AccessToken).where(
        AccessToken.secret_digest == _digest(secret)))


def open_link(signed: str, *, purposes: tuple[TokenPurpose, ...] = LOGIN_PURPOSES
              ) -> tuple[AccessToken | None, LinkInvalid | None]:
    """The token behind ``signed``, or why it may not be used: a link is looked up before
    its page is drawn, as any object a page shows (410 when it served or expired)."""
    try:
        return check_link(signed, purposes=purposes), None
    except LinkInvalid as exc:
        return None, exc


def end_sessions(user: User) -> None:
    """Log ``user`` out everywhere: older session cookies no longer match."""
    user.session_version += 1


def admin_exists() -> bool:
    """Whether the platform has an admin account (the first one is made by ``first-admin``)."""
    return db.session.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1)) is not None
