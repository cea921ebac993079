"""The collective's people: invited by e-mail, deactivated and reactivated, moved from one
organisation to another. Every change goes to the audit trail; the invitation's mail is
written to the outbox in the same transaction (``signals.invitation_sent``).

An invited person's account exists from the invitation on, without a password: it opens
nothing until the link is used to choose one (and, where required, to enrol a second factor
at the first login, ``accounts.views.password_login``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select, update

from murporteur import signals
from murporteur.accounts import policies, services
from murporteur.accounts.models import Invitation, Organisation, Role, User
from murporteur.audit.services import record
from murporteur.core.db import rowcount, utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db

#: How long an invitation link stays valid.
INVITATION_DAYS = 7

ROLE_LABELS = {
    Role.ANIMATOR: _l("Animateur·rice"),
    Role.MEMBER: _l("Membre d'une organisation"),
    Role.ADMIN: _l("Administrateur·rice"),
    Role.HOLDER: _l("Porteur·se de projet"),
}


class PersonError(DomainError):
    """An operation on a person's account was refused."""


class PersonExists(PersonError):
    """The address already belongs to someone: ``existing`` is that account."""

    def __init__(self, existing: User) -> None:
        super().__init__(_l("Une personne a déjà un compte avec cette adresse : %(email)s.",
                            email=existing.email), field="email")
        self.existing = existing


class InvitationInvalid(DomainError):
    """The invitation link is unknown, used, revoked or expired; ``reason`` says which."""

    status = 410

    def __init__(self, message, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.invitation = invitation


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _withdraw_pending(user: User, now: datetime) -> int:
    return rowcount(db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session="fetch")))


def _issue(actor: User | None, user: User, *, locale: str | None = None) -> IssuedInvitation:
    """A new link for ``user`` (the older ones stop working), and its mail to the outbox."""
    from murporteur.core.urls import external_url

    now = utcnow()
    _withdraw_pending(user, now)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(user=user, invited_by=actor, secret_digest=_digest(secret),
                            created_at=now, expires_at=now + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    signals.invitation_sent.send(
        user, url=external_url("people.accept_invitation", token=secret),
        days=INVITATION_DAYS, invitation_id=invitation.id,
        inviter=actor.display_name if actor else "", locale=locale)
    return IssuedInvitation(invitation, secret)


def check_invite(actor: User, role: Role, organisation: Organisation | None) -> None:
    if role not in policies.invitable_roles(actor):
        raise AccessDenied(_l("Vous ne pouvez pas inviter une personne avec ce rôle."))
    if role == Role.MEMBER:
        if organisation is None:
            raise PersonError(_l("Choisissez l'organisation de ce membre."),
                              field="organisation")
        if not organisation.active:
            raise PersonError(_l("Cette organisation est archivée."), field="organisation")


def invite(actor: User, email: str, role: Role, *, full_name: str = "",
           organisation: Organisation | None = None,
           locale: str | None = None) -> IssuedInvitation:
    """Create the account of ``email`` and send it an invitation to choose a password."""
    check_invite(actor, role, organisation)
    existing = services.find_user_by_email(email)
    if existing is not None:
        raise PersonExists(existing)
    try:
        user = services.create_user(email, role, full_name=full_name,
                                    organisation=organisation if role == Role.MEMBER else None)
    except services.AccountError as exc:
        raise PersonError(exc.message, field="email") from exc
    record(actor, "user.invited", user, {"role": role, "organisation_id": user.organisation_id})
    return _issue(actor, user, locale=locale)


def awaiting_password(user: User) -> bool:
    return user.password_hash is None


def resend(actor: User, user: User) -> IssuedInvitation:
    if not awaiting_password(user):
        raise PersonError(_l("Cette personne a déjà choisi son mot de passe."))
    if not user.active:
        raise PersonError(_l("Ce compte est désactivé : réactivez-le d'abord."))
    issued = _issue(actor, user)
    record(actor, "user.invitation_resent", user, {"invitation_id": issued.invitation.id})
    return issued


def revoke(actor: User, user: User) -> None:
    if not _withdraw_pending(user, utcnow()):
        raise PersonError(_l("Aucune invitation en cours pour cette personne."))
    record(actor, "user.invitation_revoked", user)


def pending_invitation(user: User, now: datetime | None = None) -> Invitation | None:
    now = now or utcnow()
    latest = db.session.scalar(select(Invitation).where(Invitation.user_id == user.id)
                               .order_by(Invitation.id.desc()).limit(1))
    return latest if latest is not None and latest.is_pending(now) else None


def last_invitation(user: User) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.user_id == user.id)
                             .order_by(Invitation.id.desc()).limit(1))


def open_invitation(secret: str, *, now: datetime | None = None) -> Invitation:
    """The invitation behind ``secret`` if it may still be used; ``InvitationInvalid``
    (saying why) otherwise."""
    now = now or utcnow()
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.secret_digest == _digest(secret or "")))
    if invitation is None:
        raise InvitationInvalid(_l("Ce lien d'invitation n'est pas valide."), "unknown")
    if invitation.accepted_at is not None:
        raise InvitationInvalid(_l("Cette invitation a déjà servi : connectez-vous avec votre "
                                   "adresse e-mail et votre mot de passe."), "used", invitation)
    if invitation.revoked_at is not None:
        raise InvitationInvalid(_l("Cette invitation a été retirée ou remplacée par une plus "
                                   "récente."), "revoked", invitation)
    if invitation.expires_at <= now:
        raise InvitationInvalid(_l("Cette invitation a expiré."), "expired", invitation)
    if not invitation.user.active:
        raise InvitationInvalid(_l("Cette invitation a été retirée ou remplacée par une plus "
                                   "récente."), "revoked", invitation)
    return invitation


def accept(secret: str, password: str, *, now: datetime | None = None) -> User:
    """Set the invited person's password and spend the link (once, even when two clicks
    race)."""
    now = now or utcnow()
    invitation = open_invitation(secret, now=now)
    services.check_password_strength(password)  # before spending the link
    won = rowcount(db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(accepted_at=now).execution_options(synchronize_session=False)))
    if won != 1:
        raise InvitationInvalid(_l("Cette invitation a déjà servi : connectez-vous avec votre "
                                   "adresse e-mail et votre mot de passe."), "used", invitation)
    db.session.refresh(invitation)
    user = invitation.user
    services.set_password(user, password)
    user.last_login_at = now  # the password is checked here, as ``authenticate`` would
    record(None, "user.invitation_accepted", user, {"invitation_id": invitation.id})
    return user


def ask_for_new_invitation(secret: str) -> bool:
    """Someone holding an expired or revoked invitation asks for a new one: whoever invited
    them (or the admins) hears of it, once per invitation. False when there is nothing to ask
    (unknown link, or one still good)."""
    try:
        open_invitation(secret)
    except InvitationInvalid as refused:
        invitation = refused.invitation
        if refused.reason not in ("expired", "revoked") or invitation is None:
            return False
        signals.invitation_renewal_asked.send(invitation.user, invitation_id=invitation.id,
                                              inviter=invitation.invited_by)
        record(None, "user.invitation_renewal_asked", invitation.user,
               {"invitation_id": invitation.id})
        return True
    return False


def deactivate(actor: User, user: User) -> None:
    """The person can no longer log in (every session ends, a pending invitation is
    withdrawn); what they did stays in place, with their name."""
    if user.id == actor.id:
        raise PersonError(_l("Vous ne pouvez pas désactiver votre propre compte."))
    if not user.active:
        raise PersonError(_l("Ce compte est déjà désactivé."))
    user.active = False
    services.end_sessions(user)
    _withdraw_pending(user, utcnow())
    db.session.flush()
    record(actor, "user.deactivated", user)


def reactivate(actor: User, user: User) -> None:
    if user.active:
        raise PersonError(_l("Ce compte est déjà actif."))
    user.active = True
    db.session.flush()
    record(actor, "user.reactivated", user)


def move(actor: User, user: User, organisation: Organisation) -> None:
    """A member now represents ``organisation``."""
    if user.role != Role.MEMBER:
        raise PersonError(_l("Seuls les membres appartiennent à une organisation."),
                          field="organisation")
    if not organisation.active:
        raise PersonError(_l("Cette organisation est archivée."), field="organisation")
    if user.organisation_id == organisation.id:
        raise PersonError(_l("Cette personne appartient déjà à cette organisation."),
                          field="organisation")
    before = user.organisation_id
    user.organisation = organisation
    db.session.flush()
    record(actor, "user.moved", user, {"from": before, "to": organisation.id})


def listing(actor: User, *, active: bool | None = None) -> Select:
    """The people ``actor`` manages, newest first (SQL twin of ``may_manage_person``)."""
    query = policies.manageable_people(actor)
    if active is not None:
        query = query.where(User.active.is_(active))
    return query.order_by(User.active.desc(), User.role, User.full_name, User.email)
