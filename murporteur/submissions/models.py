"""The dossier, its append-only history, its documents and its message thread."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from murporteur.accounts.models import User
from murporteur.core.db import TransitionRecord, UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model
from murporteur.submissions.choices import LegalForm, PriorityArea, Stage
from murporteur.submissions.workflow import LIFECYCLE, WITH_CONVENTIONS, DossierState

#: The dossier's searchable text, as its GIN index holds it (migration 0008); the dashboard's
#: search (``triage.fulltext.dossier_document``) builds the same expression.
DOSSIER_DOCUMENT = (  # written as PostgreSQL prints it back, so that Alembic sees no change
    "to_tsvector('french'::regconfig, murporteur_unaccent(("
    "((((((COALESCE(title, ''::character varying)::text || ' '::text) "
    "|| COALESCE(summary, ''::text)) || ' '::text) "
    "|| COALESCE(structure_name, ''::character varying)::text) || ' '::text) "
    "|| COALESCE(contact_name, ''::character varying)::text) || ' '::text) "
    "|| COALESCE(number, ''::character varying)::text))")


def new_public_id() -> str:
    """An unguessable identifier for links that holders and documents travel by."""
    return secrets.token_urlsafe(12)


class Dossier(Model):
    __tablename__ = "dossier"
    __table_args__ = (
        CheckConstraint("financing_amount_cents IS NULL OR financing_amount_cents >= 0",
                        name="financing_amount_not_negative"),
        # The dashboard's full-text search (PostgreSQL, migration 0008):
        # triage.fulltext.dossier_document builds the same expression.
        Index("ix_dossier_search", text(DOSSIER_DOCUMENT), postgresql_using="gin")
        .ddl_if(dialect="postgresql"),
        # The dashboard's default order, newest first (migration 0027_perf): a page read in
        # that order stops at its 50 rows, and a deep page's cursor seeks into it.
        Index("ix_dossier_submitted_keyset", text("submitted_at DESC NULLS LAST"),
              text("id DESC")).ddl_if(dialect="postgresql"),
        # The dashboard's theme filter (migration 0028_filter): a GIN index of the themes on
        # PostgreSQL (on SQLite a plain one, which that filter does not read).
        Index("ix_dossier_qualified_themes", "qualified_themes", postgresql_using="gin"),
    )
    #: Its states and transitions (submissions/workflow.py), for core.lifecycle.
    lifecycle = LIFECYCLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    # Given at submission: MP-<year>-<sequence of that year>.
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    state: Mapped[DossierState] = mapped_column(str_enum(DossierState, "dossier_state"),
                                                default=DossierState.DRAFT, index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)

    # You and your structure
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    structure_name: Mapped[str] = mapped_column(String(200), default="")
    legal_form: Mapped[LegalForm | None] = mapped_column(str_enum(LegalForm, "legal_form"))
    phone: Mapped[str] = mapped_column(String(40), default="")
    town: Mapped[str] = mapped_column(String(120), default="")
    # The idea
    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    need: Mapped[str] = mapped_column(Text, default="")
    residents: Mapped[str] = mapped_column(Text, default="")
    # Where
    neighbourhoods: Mapped[str] = mapped_column(Text, default="")
    priority_area: Mapped[PriorityArea | None] = mapped_column(
        str_enum(PriorityArea, "priority_area"))
    # Stage and support sought
    stage: Mapped[Stage | None] = mapped_column(str_enum(Stage, "project_stage"))
    support_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    financing_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    support_details: Mapped[str] = mapped_column(Text, default="")
    # Consent to data processing: when, and which text was agreed to.
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[str | None] = mapped_column(String(20))
    # Retention (privacy/tasks.py): when the holder was warned that the untouched draft will
    # be deleted, and when the dossier's personal data was erased (amounts and states stay).
    expiry_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The random key of the form page an idea was first sent from: a second send of the same
    # page (a double click) finds this dossier instead of creating another.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Kept by apply_transition: how long a dossier has waited in its state (deadlines).
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Instruction by the animators
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                       index=True)
    # When the first phone call with the holder took place (the first deadline).
    first_call_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where a redirected idea was sent (the directory of support structures).
    redirect_structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("support_structure.id"), index=True)
    # What the dashboard's filters read, kept on the dossier so that its indexes answer a
    # filtered view (migration 0028_filter): the stage and priority area of the animators'
    # qualification where they gave them, else the holder's answers; the qualification's
    # themes (a GIN-indexed array on PostgreSQL, JSON on SQLite). Written at every flush that
    # changes the answers or the qualification (``triage.models.keep_filtered_answers``).
    effective_stage: Mapped[Stage | None] = mapped_column(
        str_enum(Stage, "effective_stage"), index=True)
    effective_priority_area: Mapped[PriorityArea | None] = mapped_column(
        str_enum(PriorityArea, "effective_priority_area"), index=True)
    qualified_themes: Mapped[list[str]] = mapped_column(
        JSON().with_variant(ARRAY(String(32)), "postgresql"), default=list)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    documents: Mapped[list[Document]] = relationship(
        back_populates="dossier", order_by="Document.created_at")
    messages: Mapped[list[Message]] = relationship(
        back_populates="dossier", order_by="Message.created_at")
    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", order_by="DossierEvent.id")

    if TYPE_CHECKING:
        # Added by the backrefs of the later domains (triage, conventions), whose classes
        # this layer does not import: declared for the checker only, their rows untyped.
        labels: Mapped[list[Any]]
        calls: Mapped[list[Any]]
        qualification: Mapped[Any]
        private_notes: Mapped[list[Any]]
        conventions: Mapped[list[Any]]

    @property
    def reference(self) -> str:
        return self.number or self.public_id

    @property
    def is_draft(self) -> bool:
        """Not sent yet: only its holder knows of it."""
        return self.state == DossierState.DRAFT

    @property
    def is_withdrawn(self) -> bool:
        """Withdrawn by its holder: its thread takes no more messages."""
        return self.state == DossierState.WITHDRAWN

    @property
    def has_conventions(self) -> bool:
        """Supported by the committee, so conventions are (or were) made for it."""
        return self.state in WITH_CONVENTIONS

    def __repr__(self) -> str:
        return f"<Dossier {self.reference} {self.state}>"


class DossierEvent(TransitionRecord, Model):
    """One transition of a dossier: the append-only history (never updated, never deleted)."""

    __tablename__ = "dossier_event"
    # The reporting funnel: each dossier's first transition of each kind (migration 0008).
    __table_args__ = (Index("ix_dossier_event_transition", "transition", "dossier_id",
                            "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)

    dossier: Mapped[Dossier] = relationship(back_populates="events")


class DossierCounter(Model):
    """The last sequence number given in a year; incremented atomically at submission."""

    __tablename__ = "dossier_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class DocumentKind(enum.StrEnum):
    """Whose a document is, which decides who may see it (``submissions.policies``)."""

    #: Sent by the holder with their idea: the holder, the animators, and the members while
    #: the dossier is on an agenda they may open.
    HOLDER = "holder"
    #: Attached to a message of the thread: the holder and the animators.
    MESSAGE = "message"
    #: A convention's document (the signed copy): the animators, the members of the
    #: convention's organisation, and the holder.
    CONVENTION = "convention"
    #: For the team only: the animators.
    STAFF = "staff"


class Document(Model):
    """A file uploaded by a holder, an animator or a member; the bytes live under UPLOAD_DIR.

    A document first exists *staged* (no dossier yet: the form was sent with an error, or
    the idea is not saved yet) and is attached to its dossier when the form is saved. Its
    ``kind`` and owner columns say who may see it: ``submissions.policies`` is the one place
    that reads them.
    """

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint("kind <> 'convention' OR (convention_id IS NOT NULL "
                        "AND organisation_id IS NOT NULL)", name="convention_has_owner"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "document_kind"),
                                               default=DocumentKind.HOLDER,
                                               server_default=DocumentKind.HOLDER.value)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), index=True)
    # A convention's document: its convention, and the organisation party to it (the
    # members who may see it). The conventions table points back at its signed copy, hence
    # ``use_alter``: each table can be created before the other's key.
    convention_id: Mapped[int | None] = mapped_column(
        ForeignKey("convention.id", use_alter=True), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                        index=True)
    staging_key: Mapped[str | None] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    original_name: Mapped[str] = mapped_column(String(255))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The antivirus verdict (submissions/scanning.py): ``unscanned`` when no scanner is set,
    # ``pending`` until it answers (the file is not served), ``clean`` or ``infected``
    # (the file is moved to the quarantine and never served).
    scan_status: Mapped[str] = mapped_column(String(16), default="unscanned",
                                             server_default="unscanned")
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dossier: Mapped[Dossier | None] = relationship(back_populates="documents")
    message: Mapped[Message | None] = relationship(back_populates="documents")


class Message(Model):
    """The thread between a holder and the animators about one dossier."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()
    documents: Mapped[list[Document]] = relationship(back_populates="message")


class DossierTally(Model):
    """How many sent dossiers are in each state with each assignee (0: nobody), kept by
    database triggers on ``dossier`` (migration 0019_perf) in the transaction of every insert,
    state change, assignment and deletion, whatever wrote it (the lifecycle, a service, a bulk
    statement). The dashboard's tabs read it instead of counting the dossiers; ``flask dossiers
    recount`` rebuilds it from the dossiers (``submissions.tallies``)."""

    __tablename__ = "dossier_tally"

    state: Mapped[str] = mapped_column(String(32), primary_key=True)
    assignee_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DossierMilestone(Model):
    """The first time a dossier reached a state, and who moved it there: written by the
    lifecycle (``core.lifecycle``, ``Lifecycle.milestones``) with the history row, filled from
    the history for older dossiers by migration 0019_perf. Reporting counts from it instead
    of searching the whole history for each dossier's first move."""

    __tablename__ = "dossier_milestone"
    __table_args__ = (Index("ix_dossier_milestone_step_reached", "step", "reached_at"),)

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(32), primary_key=True)
    reached_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class StagedForm(Model):
    """What a refused send of the idea form held, kept on the server for the page the browser
    is sent back to (POST, redirect, GET: Back never asks to send it again): the answers as
    typed and what was refused. Sessions are signed cookies, too small for 20,000 characters:
    the row is keyed by the browser's staging key (as its staged files) and the form it was
    sent from (``scope``: ``new``, or a draft's public id). Dropped when the form is saved;
    purged with the staged files after STAGED_UPLOAD_HOURS (``submissions.staging``)."""

    __tablename__ = "staged_form"
    __table_args__ = (UniqueConstraint("staging_key", "scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staging_key: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(40))
    #: The form's fields as sent: [[name, value], …] (files and the CSRF token left out).
    values: Mapped[list] = mapped_column(JSON, default=list)
    #: {"fields": {name: [message, …]}, "messages": [message, …],
    #:  "sections": {parameter: {field: message}}}, in the language of the refused send.
    refusals: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
