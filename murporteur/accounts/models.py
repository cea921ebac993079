"""Organisations of the collective, users and the single-use links they receive."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from murporteur.core.db import UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model


class Role(enum.StrEnum):
    HOLDER = "holder"
    ANIMATOR = "animator"
    MEMBER = "member"
    ADMIN = "admin"


class OrganisationKind(enum.StrEnum):
    LANDLORD = "landlord"
    PARTNER = "partner"
    FINANCER = "financer"
    OTHER = "other"
    ANIMATOR = "animator"


class TokenPurpose(enum.StrEnum):
    LOGIN = "login"
    RESUME_DRAFT = "resume_draft"
    PASSWORD_RESET = "password_reset"


class Organisation(Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind, "organisation_kind"))
    website: Mapped[str | None] = mapped_column(String(300))
    # False once archived (accounts/organisations.py): kept for what refers to it, offered
    # nowhere new.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    short_name: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    territory: Mapped[str | None] = mapped_column(String(200))
    # The logo as re-encoded by the app (PNG, bounded size): never the uploaded bytes.
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    members: Mapped[list[User]] = relationship(back_populates="organisation")
    # Who signs its conventions (accounts/signatories.py): one designation at most.
    signatory_designation: Mapped[OrganisationSignatory | None] = relationship(
        back_populates="organisation", uselist=False)

    @property
    def has_logo(self) -> bool:
        return self.logo_updated_at is not None

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class User(UserMixin, Model):
    __tablename__ = "user_account"
    # The dashboard's search by the holder's address (PostgreSQL, migration 0008).
    __table_args__ = (
        Index("ix_user_account_email_search", text(
            "to_tsvector('french'::regconfig, murporteur_unaccent(email::text))"),
            postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(40))
    # Indexed: the staff lists (a few dozen animators) among a hundred thousand holders.
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped at logout and password change: every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A holder account that follows the ideas sent with the address of a staff or committee
    # account: that address is where its mail goes, while ``email`` is a placeholder of its own
    # (addresses are unique), so that nothing sent through a public form reaches the staff
    # account (accounts/services.py, ``holder_for_email``).
    contact_email: Mapped[str | None] = mapped_column(String(254), index=True)
    # Second factor (accounts/second_factor.py): the authenticator's shared secret, set when
    # enrolment starts and in force once ``totp_enabled_at`` is set; never shown after that.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time step accepted: a code is good once, even within its 30 seconds.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Wrong codes in a row, and until when the second step is closed after too many.
    second_factor_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    second_factor_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: the cookie names the user and its session version
        return f"{self.id}:{self.session_version}"

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def mail_address(self) -> str:
        """Where this account's mail goes."""
        return self.contact_email or self.email

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ANIMATOR, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class OrganisationSignatory(Model):
    """The person authorised to sign an organisation's conventions (« signataire
    habilité·e »), designated by an admin or an animator: one per organisation at most. A
    designation of someone since deactivated or moved elsewhere counts as none
    (``signatories.current_signatory``)."""

    __tablename__ = "organisation_signatory"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"),
                                                 primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    designated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    designated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="signatory_designation")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    designated_by: Mapped[User | None] = relationship(foreign_keys=[designated_by_id])


class AccessToken(Model):
    """A link sent by e-mail: signed, expiring and good for one use.

    Only a digest of the random part is stored, so the table alone opens nothing.
    """

    __tablename__ = "access_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose, "token_purpose"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    secret_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RecoveryCode(Model):
    """A single-use code that replaces the authenticator once (a lost phone).

    Only a SHA-256 digest is kept: the codes are random (50 bits), so a slow hash adds
    nothing, and the table alone opens nothing.
    """

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Model):
    """A personal token for the read-only API: it sees what its user may see.

    Only a SHA-256 digest of the token is kept; the token itself is shown once, at creation.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Invitation(Model):
    """An invitation to choose a password, sent by e-mail to a person added by the staff.

    The person's account exists from the invitation on (without a password, so it opens
    nothing); the link is good once, until ``expires_at``, unless revoked or replaced. Only a
    digest of its secret is kept.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    secret_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class StagedImport(Model):
    """Rows read from a spreadsheet, waiting for the confirmation that writes them.

    Kept server-side, found by a random token, and only by the person who sent the file.
    """

    __tablename__ = "staged_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(200), default="")
    rows: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
