"""Calls for ideas and needs, their versioned extra questions and the ideas that answer them.

A question's wording is never changed under the answers given to it: once answered, a change
is a new version (a new row, same ``key``) and the old row is retired, so each answer keeps the
question it answered. Money in integer cents; a closing day is read in Europe/Paris.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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
from murporteur.calls.workflow import LIFECYCLE, CallState
from murporteur.committee.models import CommitteeSession
from murporteur.core.db import TransitionRecord, UTCDateTime, str_enum, utcnow
from murporteur.core.timeutil import paris_today
from murporteur.extensions import Model, db
from murporteur.premises.models import PremisesUnit
from murporteur.submissions.models import Document, Dossier


class CallKind(enum.StrEnum):
    CALL = "call"  # a call for ideas or projects, an expression of interest
    NEED = "need"  # a need of a landlord or of the territory, looking for a holder


class Offer(enum.StrEnum):
    ORDER = "order"
    PREMISES = "premises"
    FINANCING = "financing"
    PILOT = "pilot"


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMBER = "number"
    DATE = "date"
    FILE = "file"


call_organisation = Table(
    "call_organisation", db.metadata,
    Column("call_id", ForeignKey("call_for_ideas.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True),
)


class Call(Model):
    __tablename__ = "call_for_ideas"
    __table_args__ = (
        CheckConstraint("envelope_cents IS NULL OR envelope_cents >= 0",
                        name="envelope_not_negative"),
        CheckConstraint("closes_on >= opens_on", name="dates_in_order"),
    )

    lifecycle = LIFECYCLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[CallKind] = mapped_column(str_enum(CallKind, "call_kind"))
    state: Mapped[CallState] = mapped_column(str_enum(CallState, "call_state"),
                                             default=CallState.DRAFT, index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    neighbourhoods: Mapped[str] = mapped_column(String(500), default="")
    qpv: Mapped[bool] = mapped_column(Boolean, default=False)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    offers: Mapped[list[str]] = mapped_column(JSON, default=list)
    envelope_cents: Mapped[int | None] = mapped_column(BigInteger)
    premises: Mapped[str] = mapped_column(String(300), default="")
    #: The unit of the premises catalogue offered, when there is one (the text above says
    #: more, or names premises outside the catalogue).
    premises_unit_id: Mapped[int | None] = mapped_column(ForeignKey("premises_unit.id"))
    opens_on: Mapped[date] = mapped_column(Date)
    #: The last day answers are taken (included), in Paris.
    closes_on: Mapped[date] = mapped_column(Date, index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("committee_session.id"))
    #: The organisation of the member who wrote it (None: written by the animators).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=call_organisation, order_by="Organisation.name")
    premises_unit: Mapped[PremisesUnit | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    created_by: Mapped[User | None] = relationship()
    session: Mapped[CommitteeSession | None] = relationship()
    events: Mapped[list[CallEvent]] = relationship(order_by="CallEvent.id")
    questions: Mapped[list[CallQuestion]] = relationship(
        back_populates="call", order_by="(CallQuestion.position, CallQuestion.id)")
    responses: Mapped[list[CallResponse]] = relationship(back_populates="call")

    @property
    def current_questions(self) -> list[CallQuestion]:
        return [q for q in self.questions if q.retired_at is None]

    def is_open(self, day: date | None = None) -> bool:
        day = day or paris_today()
        return (self.state == CallState.PUBLISHED
                and self.opens_on <= day <= self.closes_on)

    def is_closed(self, day: date | None = None) -> bool:
        return (day or paris_today()) > self.closes_on


class CallEvent(TransitionRecord, Model):
    __tablename__ = "call_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call_for_ideas.id"), index=True)


class CallQuestion(Model):
    __tablename__ = "call_question"
    __table_args__ = (UniqueConstraint("call_id", "key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call_for_ideas.id"), index=True)
    #: The same question through its versions (the form's field is ``q_<key>``).
    key: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, "question_kind"))
    label_fr: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300), default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    #: For single and multiple choices: [{"fr": …, "en": …}, …]; the answer keeps the French.
    choices: Mapped[list[dict]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship(back_populates="questions")

    @property
    def field_name(self) -> str:
        return f"q_{self.key}"

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" and self.label_en else self.label_fr

    def choice_labels(self, locale: str) -> list[tuple[str, str]]:
        """(stored value, label shown) of each choice."""
        return [(c["fr"], c.get("en") or c["fr"] if locale == "en" else c["fr"])
                for c in self.choices]


class CallResponse(Model):
    """An idea (a dossier) that answers a call: one call per dossier."""

    __tablename__ = "call_response"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call_for_ideas.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship(back_populates="responses")
    dossier: Mapped[Dossier] = relationship()
    answers: Mapped[list[CallAnswer]] = relationship(back_populates="response",
                                                     cascade="all, delete-orphan")


class CallAnswer(Model):
    __tablename__ = "call_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("call_response.id"), index=True)
    #: The version of the question answered (kept when the question changes).
    question_id: Mapped[int] = mapped_column(ForeignKey("call_question.id"), index=True)
    #: Text, a list of choices, a number, an ISO date; None when left empty.
    value: Mapped[object | None] = mapped_column(JSON)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    response: Mapped[CallResponse] = relationship(back_populates="answers")
    question: Mapped[CallQuestion] = relationship()
    document: Mapped[Document | None] = relationship()
