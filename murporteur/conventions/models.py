"""Conventions, their payment schedule, amendments, history and follow-up with the holder.
Money in integer cents. Their texts and signatures are in ``signing_models.py``."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from murporteur.accounts.models import Organisation, User
from murporteur.conventions.workflow import (
    LIFECYCLE,
    PAYMENT_REQUEST_LIFECYCLE,
    ConventionState,
    PaymentRequestState,
)
from murporteur.core.db import TransitionRecord, UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model, db
from murporteur.submissions.models import Document, Dossier


class ConventionKind(enum.StrEnum):
    PARTNERSHIP = "partnership"
    PREMISES = "premises"
    ORDER = "order"
    FINANCING = "financing"


class TfpbAxis(enum.StrEnum):
    """The axes of the national framework for the landlords' property-tax relief (abattement
    de TFPB) in the priority neighbourhoods (QPV)."""

    STAFF_PRESENCE = "staff_presence"
    STAFF_TRAINING = "staff_training"
    EXTRA_MAINTENANCE = "extra_maintenance"
    WASTE = "waste"
    RESIDENTIAL_PEACE = "residential_peace"
    TENANT_CONSULTATION = "tenant_consultation"
    SOCIAL_LINK = "social_link"
    SMALL_WORKS = "small_works"


class Convention(Model):
    __tablename__ = "convention"
    __table_args__ = (
        UniqueConstraint("dossier_id", "organisation_id"),
        CheckConstraint("committed_cents >= 0", name="committed_not_negative"),
        CheckConstraint("in_kind_cents >= 0", name="in_kind_not_negative"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                        name="dates_in_order"),
    )

    #: Its states and transitions (conventions/workflow.py), for core.lifecycle.
    lifecycle = LIFECYCLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[ConventionKind] = mapped_column(str_enum(ConventionKind, "convention_kind"))
    state: Mapped[ConventionState] = mapped_column(
        str_enum(ConventionState, "convention_state"), default=ConventionState.DRAFT,
        index=True)
    committed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # The value of what is given in kind (rent waived, staff time…).
    in_kind_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, index=True)
    object: Mapped[str] = mapped_column(Text, default="")
    signatories: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    signed_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    #: The unit of the premises catalogue this convention provides, if any (issue 19).
    premises_unit_id: Mapped[int | None] = mapped_column(ForeignKey("premises_unit.id"))
    # An action in a priority neighbourhood, for the landlord's TFPB reporting (issue 18).
    tfpb_axis: Mapped[TfpbAxis | None] = mapped_column(str_enum(TfpbAxis, "tfpb_axis"))
    tfpb_qpv: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    dossier: Mapped[Dossier] = relationship(backref=db.backref("conventions",
                                                               order_by="Convention.id"))
    organisation: Mapped[Organisation] = relationship()
    signed_document: Mapped[Document | None] = relationship(foreign_keys=[signed_document_id])
    payments: Mapped[list[Payment]] = relationship(
        back_populates="convention", order_by="Payment.planned_date",
        cascade="all, delete-orphan")
    amendments: Mapped[list[Amendment]] = relationship(order_by="Amendment.id")
    events: Mapped[list[ConventionEvent]] = relationship(order_by="ConventionEvent.id")
    # Its follow-up with the holder (issue 18).
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="convention", order_by="Indicator.id", cascade="all, delete-orphan")
    reporting_dates: Mapped[list[ReportingDate]] = relationship(
        back_populates="convention", order_by="ReportingDate.due_date",
        cascade="all, delete-orphan")
    payment_requests: Mapped[list[PaymentRequest]] = relationship(
        back_populates="convention", order_by="PaymentRequest.id")
    changes: Mapped[list[ConventionChange]] = relationship(order_by="ConventionChange.id")

    @property
    def current_indicators(self) -> list[Indicator]:
        """The indicators still followed (the archived ones stay in the earlier reports)."""
        return [i for i in self.indicators if i.archived_at is None]

    @property
    def awaits_signature(self) -> bool:
        return self.state == ConventionState.SENT_FOR_SIGNATURE

    @property
    def scheduled_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments)

    @property
    def paid_cents(self) -> int:
        return sum(p.paid_amount_cents or 0 for p in self.payments if p.paid_date)

    @property
    def remaining_cents(self) -> int:
        return self.committed_cents - self.paid_cents


class Payment(Model):
    """A planned payment, and when paid, the date and the amount actually paid."""

    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),
                      CheckConstraint("paid_amount_cents IS NULL OR paid_amount_cents >= 0",
                                      name="paid_not_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    planned_date: Mapped[date] = mapped_column(Date, index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_date: Mapped[date | None] = mapped_column(Date)
    paid_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    reminded_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    convention: Mapped[Convention] = relationship(back_populates="payments")
    requests: Mapped[list[PaymentRequest]] = relationship(back_populates="payment",
                                                          order_by="PaymentRequest.id")


class Amendment(Model):
    """A change of amount after signature: recorded, never a silent edit."""

    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # committed | in_kind
    old_cents: Mapped[int] = mapped_column(BigInteger)
    new_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class ConventionEvent(TransitionRecord, Model):
    """The append-only history of a convention's lifecycle."""

    __tablename__ = "convention_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)


# --- Follow-up with the holder: indicators, reporting dates, reports, payment requests -----

class IndicatorKind(enum.StrEnum):
    PEOPLE = "people"
    JOBS = "jobs"
    HOURS = "hours"
    FREE = "free"


#: The largest figure a report or a target takes (a typing slip beyond).
MAX_FIGURE = 10_000_000


class Indicator(Model):
    """What the convention measures, with its target: people reached, jobs created, hours of
    activity, or a free one (name and unit). Integer values."""

    __tablename__ = "convention_indicator"
    __table_args__ = (CheckConstraint("target >= 0", name="target_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    kind: Mapped[IndicatorKind] = mapped_column(str_enum(IndicatorKind, "indicator_kind"))
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(40))
    target: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: No longer followed: not asked in new reports, kept in the earlier ones.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    convention: Mapped[Convention] = relationship(back_populates="indicators")


class ReportingDate(Model):
    """A date by which the holder reports on their progress; reminded a week before, then
    the day after and weekly (three times at most) while no report came."""

    __tablename__ = "convention_reporting_date"
    __table_args__ = (UniqueConstraint("convention_id", "due_date"),
                      CheckConstraint("reminders_after >= 0", name="reminders_not_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    reminded_before_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_after: Mapped[int] = mapped_column(Integer, default=0)
    reminded_after_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    convention: Mapped[Convention] = relationship(back_populates="reporting_dates")
    report: Mapped[ProgressReport | None] = relationship(back_populates="reporting_date",
                                                         uselist=False)


#: The supporting documents of a report, and of a payment request: documents of the
#: convention (``DocumentKind.CONVENTION``: its organisation's members, the animators and the
#: holder see them; the other organisations do not).
report_document = Table(
    "convention_report_document", Model.metadata,
    Column("report_id", ForeignKey("convention_report.id"), primary_key=True),
    Column("document_id", ForeignKey("document.id"), primary_key=True))
payment_request_document = Table(
    "payment_request_document", Model.metadata,
    Column("request_id", ForeignKey("payment_request.id"), primary_key=True),
    Column("document_id", ForeignKey("document.id"), primary_key=True))


class ProgressReport(Model):
    """The holder's report for one reporting date: a value per indicator and a text."""

    __tablename__ = "convention_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    reporting_date_id: Mapped[int] = mapped_column(ForeignKey("convention_reporting_date.id"),
                                                   unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The holder corrects it until it is read (acknowledged) by the organisation or the team.
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    reporting_date: Mapped[ReportingDate] = relationship(back_populates="report")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    values: Mapped[list[ReportValue]] = relationship(
        order_by="ReportValue.indicator_id", cascade="all, delete-orphan")
    documents: Mapped[list[Document]] = relationship(secondary=report_document,
                                                     order_by="Document.id")

    def value_of(self, indicator: Indicator) -> int | None:
        return next((v.value for v in self.values if v.indicator_id == indicator.id), None)


class ReportValue(Model):
    __tablename__ = "convention_report_value"
    __table_args__ = (CheckConstraint("value >= 0", name="value_not_negative"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("convention_report.id"),
                                           primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("convention_indicator.id"),
                                              primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)

    indicator: Mapped[Indicator] = relationship()


class ConventionChange(Model):
    """A change of a convention's follow-up (an indicator, a reporting date, a report
    corrected or read), for the convention's history: who, when, what (``action``, worded
    in the reader's language from its ``details``: ``followup_changes.describe``)."""

    __tablename__ = "convention_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class PaymentRequest(Model):
    """The holder asks for one of the convention's scheduled payments; the organisation (or an
    animator) approves or refuses it with a reason."""

    __tablename__ = "payment_request"

    lifecycle = PAYMENT_REQUEST_LIFECYCLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    state: Mapped[PaymentRequestState] = mapped_column(
        str_enum(PaymentRequestState, "payment_request_state"),
        default=PaymentRequestState.REQUESTED, index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    convention: Mapped[Convention] = relationship(back_populates="payment_requests")
    payment: Mapped[Payment] = relationship(back_populates="requests")
    requested_by: Mapped[User | None] = relationship()
    documents: Mapped[list[Document]] = relationship(secondary=payment_request_document,
                                                     order_by="Document.id")
    events: Mapped[list[PaymentRequestEvent]] = relationship(order_by="PaymentRequestEvent.id")

    @property
    def decision(self) -> PaymentRequestEvent | None:
        """The approval or refusal, with its reason (None while it waits)."""
        return next((e for e in reversed(self.events)
                     if e.transition in ("approve", "refuse")), None)


class PaymentRequestEvent(TransitionRecord, Model):
    """The append-only history of a payment request's lifecycle."""

    __tablename__ = "payment_request_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("payment_request.id"), index=True)
