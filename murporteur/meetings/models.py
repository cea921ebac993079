"""Flash meeting events, their participants, wishes, meetings and follow-ups."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from murporteur.accounts.models import Organisation, User
from murporteur.core.db import TransitionRecord, UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model
from murporteur.meetings.workflow import LIFECYCLE, EventState
from murporteur.submissions.models import Dossier


class Side(enum.StrEnum):
    HOLDER = "holder"
    ORGANISATION = "organisation"


class Outcome(enum.StrEnum):
    INTERESTED = "interested"
    TO_FOLLOW = "to_follow"
    NOT_INTERESTED = "not_interested"


class FlashEvent(Model):
    """A morning or afternoon of short one-to-one meetings."""

    __tablename__ = "flash_event"
    __table_args__ = (
        CheckConstraint("slot_minutes BETWEEN 5 AND 120", name="flash_slot_minutes"),
        CheckConstraint("slot_count BETWEEN 1 AND 64", name="flash_slot_count"),
        CheckConstraint("tables BETWEEN 1 AND 200", name="flash_tables"),
    )

    lifecycle = LIFECYCLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=15)
    slot_count: Mapped[int] = mapped_column(Integer, default=16)
    #: Slot numbers (0-based) kept free for breaks: nobody meets then.
    breaks: Mapped[list[int]] = mapped_column(JSON, default=list)
    tables: Mapped[int] = mapped_column(Integer, default=10)
    #: Holders may register on the public page while the event prepares.
    registration_open: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[EventState] = mapped_column(str_enum(EventState, "flash_event_state"),
                                              default=EventState.PREPARING, index=True)
    #: The share of wishes met by the last schedule computed (per mille), and its status.
    schedule_share: Mapped[int | None] = mapped_column(Integer)
    schedule_status: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="event", order_by="Participant.name", cascade="all, delete-orphan")
    meetings: Mapped[list[FlashMeeting]] = relationship(
        back_populates="event", order_by="(FlashMeeting.slot, FlashMeeting.table_number)",
        cascade="all, delete-orphan")
    events: Mapped[list[FlashEventEvent]] = relationship(
        order_by="FlashEventEvent.id", cascade="all, delete-orphan")

    @property
    def meeting_slots(self) -> list[int]:
        breaks = set(self.breaks or [])
        return [s for s in range(self.slot_count) if s not in breaks]

    def slot_start(self, slot: int) -> datetime:
        return self.starts_at + timedelta(minutes=self.slot_minutes * slot)

    def slot_end(self, slot: int) -> datetime:
        return self.slot_start(slot) + timedelta(minutes=self.slot_minutes)

    @property
    def ends_at(self) -> datetime:
        return self.slot_start(self.slot_count)


class FlashEventEvent(TransitionRecord, Model):
    """The append-only history of an event's lifecycle."""

    __tablename__ = "flash_event_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("flash_event.id"), index=True)


class Participant(Model):
    """A holder (with their dossier) or an organisation's representative at one event.

    They act through a personal link (the token's SHA-256 is kept, never the token): their
    availabilities, whom they wish to meet, their agenda, their follow-ups."""

    __tablename__ = "flash_participant"
    __table_args__ = (
        UniqueConstraint("event_id", "email", name="uq_flash_participant_email"),
        CheckConstraint("(side = 'holder' AND organisation_id IS NULL) OR "
                        "(side = 'organisation' AND organisation_id IS NOT NULL)",
                        name="flash_participant_side"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("flash_event.id"), index=True)
    side: Mapped[Side] = mapped_column(str_enum(Side, "flash_side"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    #: What they come with: a project (holders), or the organisation they speak for.
    summary: Mapped[str] = mapped_column(String(300), default="")
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                        index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: The slots they can attend; None: all of them.
    available_slots: Mapped[list[int] | None] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[FlashEvent] = relationship(back_populates="participants")
    dossier: Mapped[Dossier | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    user: Mapped[User | None] = relationship()
    wishes: Mapped[list[Wish]] = relationship(
        foreign_keys="Wish.participant_id", order_by="Wish.rank",
        cascade="all, delete-orphan", back_populates="participant")

    @property
    def label(self) -> str:
        if self.side == Side.ORGANISATION and self.organisation is not None:
            return f"{self.name} ({self.organisation.name})"
        return f"{self.name} — {self.summary}" if self.summary else self.name


class Wish(Model):
    """One participant asks to meet another, with a rank (1: first choice)."""

    __tablename__ = "flash_wish"
    __table_args__ = (
        UniqueConstraint("participant_id", "target_id", name="uq_flash_wish"),
        CheckConstraint("rank BETWEEN 1 AND 50", name="flash_wish_rank"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("flash_participant.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("flash_participant.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)

    participant: Mapped[Participant] = relationship(foreign_keys=[participant_id],
                                                    back_populates="wishes")
    target: Mapped[Participant] = relationship(foreign_keys=[target_id])


class FlashMeeting(Model):
    """One meeting: a holder and a representative, at a table, in a slot."""

    __tablename__ = "flash_meeting"
    __table_args__ = (
        UniqueConstraint("event_id", "slot", "table_number", name="uq_flash_meeting_table"),
        UniqueConstraint("event_id", "slot", "holder_id", name="uq_flash_meeting_holder"),
        UniqueConstraint("event_id", "slot", "representative_id",
                         name="uq_flash_meeting_representative"),
        UniqueConstraint("event_id", "holder_id", "representative_id",
                         name="uq_flash_meeting_pair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("flash_event.id"), index=True)
    slot: Mapped[int] = mapped_column(Integer)
    table_number: Mapped[int] = mapped_column(Integer)
    holder_id: Mapped[int] = mapped_column(ForeignKey("flash_participant.id"), index=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("flash_participant.id"),
                                                   index=True)
    #: Placed or moved by an animator rather than by the scheduler.
    by_hand: Mapped[bool] = mapped_column(Boolean, default=False)

    event: Mapped[FlashEvent] = relationship(back_populates="meetings")
    holder: Mapped[Participant] = relationship(foreign_keys=[holder_id])
    representative: Mapped[Participant] = relationship(foreign_keys=[representative_id])
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="FollowUp.id")

    @property
    def starts_at(self) -> datetime:
        return self.event.slot_start(self.slot)

    @property
    def ends_at(self) -> datetime:
        return self.event.slot_end(self.slot)

    @property
    def qualified(self) -> bool:
        """A qualified exchange: one side at least wants to go on (interested, to follow)."""
        return any(f.outcome in (Outcome.INTERESTED, Outcome.TO_FOLLOW)
                   for f in self.follow_ups)

    def other(self, participant: Participant) -> Participant:
        return self.representative if participant.id == self.holder_id else self.holder


class FollowUp(Model):
    """What one side of a meeting makes of it afterwards."""

    __tablename__ = "flash_follow_up"
    __table_args__ = (UniqueConstraint("meeting_id", "participant_id", name="uq_flash_follow_up"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("flash_meeting.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("flash_participant.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "flash_outcome"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[FlashMeeting] = relationship(back_populates="follow_ups")
    participant: Mapped[Participant] = relationship()
