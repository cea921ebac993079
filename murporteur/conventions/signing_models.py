"""The conventions' texts: the collective's templates, the documents generated from them, and
their electronic signatures (issue 18)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from murporteur.accounts.models import Organisation, User
from murporteur.conventions.models import Convention, ConventionKind
from murporteur.conventions.workflow import SIGNATURE_LIFECYCLE, SignatureState
from murporteur.core.db import TransitionRecord, UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model, db
from murporteur.submissions.models import Dossier


class ConventionTemplate(Model):
    """The collective's wording of one kind of convention, for every organisation or for one
    (``organisation_id``): plain paragraphs with ``{{ placeholder }}`` fields
    (``conventions.templates``)."""

    __tablename__ = "convention_template"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ConventionKind] = mapped_column(
        str_enum(ConventionKind, "convention_template_kind"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                        index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation | None] = relationship()


#: Which conventions one generated document binds: one, or all those of a project the committee
#: supported jointly (a multi-party convention).
convention_document_party = Table(
    "convention_document_party", Model.metadata,
    Column("document_id", ForeignKey("convention_document.id"), primary_key=True),
    Column("convention_id", ForeignKey("convention.id"), primary_key=True, index=True))


class ConventionDocument(Model):
    """A convention's text as a PDF, frozen when sent for signature (its SHA-256 kept), then
    sealed once every party has signed. A document changed after sending is cancelled: a new
    one is generated and sent."""

    __tablename__ = "convention_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    sealed_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    sealed_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dossier: Mapped[Dossier] = relationship()
    conventions: Mapped[list[Convention]] = relationship(
        secondary=convention_document_party, order_by="Convention.id",
        backref=db.backref("documents", order_by="ConventionDocument.id"))
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="document", order_by="Signature.id")

    @property
    def is_open(self) -> bool:
        """Sent, waiting for signatures: neither cancelled nor sealed."""
        return self.cancelled_at is None and self.sealed_at is None


class Signature(Model):
    """One party's signature of a document: the holder's (``organisation_id`` empty) or one
    organisation's, by its signatory (or whom they delegated to), with a one-time code sent
    by e-mail; recorded with the instant, the address and the hash of what was signed."""

    __tablename__ = "convention_signature"
    __table_args__ = (CheckConstraint("code_attempts >= 0", name="attempts_not_negative"),)

    lifecycle = SIGNATURE_LIFECYCLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("convention_document.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    delegated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[SignatureState] = mapped_column(
        str_enum(SignatureState, "signature_state"), default=SignatureState.PENDING)
    code_digest: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    codes_sent: Mapped[int] = mapped_column(Integer, default=0)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_ip: Mapped[str | None] = mapped_column(String(45))
    signed_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[ConventionDocument] = relationship(back_populates="signatures")
    organisation: Mapped[Organisation | None] = relationship()
    signer: Mapped[User] = relationship(foreign_keys=[signer_id])
    delegated_by: Mapped[User | None] = relationship(foreign_keys=[delegated_by_id])
    events: Mapped[list[SignatureEvent]] = relationship(order_by="SignatureEvent.id")
    delegations: Mapped[list[SignatureDelegation]] = relationship(
        back_populates="signature", order_by="SignatureDelegation.id")

    @property
    def is_pending(self) -> bool:
        return self.state == SignatureState.PENDING

    @property
    def delegation(self) -> SignatureDelegation | None:
        """The delegation in force, if the signature was handed to someone."""
        if self.delegated_by_id is None:
            return None
        return next((d for d in reversed(self.delegations) if d.withdrawn_at is None), None)


class SignatureDelegation(Model):
    """An organisation's signatory handing one signature to a colleague: who, to whom, when;
    and, if taken back while still unsigned, when and by whom."""

    __tablename__ = "convention_signature_delegation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature_id: Mapped[int] = mapped_column(ForeignKey("convention_signature.id"),
                                              index=True)
    delegated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    signature: Mapped[Signature] = relationship(back_populates="delegations")
    delegated_by: Mapped[User] = relationship(foreign_keys=[delegated_by_id])
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])


class SignatureEvent(TransitionRecord, Model):
    """The append-only history of a signature's lifecycle."""

    __tablename__ = "convention_signature_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature_id: Mapped[int] = mapped_column(ForeignKey("convention_signature.id"),
                                              index=True)
