"""Committee sessions, their agenda, the organisations' positions and the decisions."""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from murporteur.accounts.models import Organisation, User
from murporteur.committee.workflow import LIFECYCLE, SessionState
from murporteur.core.db import TransitionRecord, UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model, db
from murporteur.submissions.models import Dossier


class Stance(enum.StrEnum):
    SUPPORTS = "supports"
    WANTS_TO_MEET = "wants_to_meet"
    NOT_CONCERNED = "not_concerned"
    ABSTAINS = "abstains"


class Decision(enum.StrEnum):
    SUPPORTED = "supported"
    POSTPONED = "postponed"
    NOT_SUPPORTED = "not_supported"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    REPRESENTED = "represented"


session_invitation = Table(
    "session_invitation", db.metadata,
    Column("session_id", ForeignKey("committee_session.id", ondelete="CASCADE"),
           primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True),
)


class CommitteeSession(Model):
    __tablename__ = "committee_session"
    __table_args__ = (CheckConstraint("slot_minutes BETWEEN 5 AND 180", name="slot_minutes"),)

    #: Its states and transitions (committee/workflow.py), for core.lifecycle.
    lifecycle = LIFECYCLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)  # "2026-Q4"
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    state: Mapped[SessionState] = mapped_column(str_enum(SessionState, "session_state"),
                                                default=SessionState.PLANNED, index=True)
    # Members see each other's positions before the session is held only when this is set.
    positions_open_early: Mapped[bool] = mapped_column(Boolean, default=False)
    minutes_storage_name: Mapped[str | None] = mapped_column(String(64))
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=session_invitation, order_by="Organisation.name")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session", order_by="AgendaItem.rank", cascade="all, delete-orphan")
    events: Mapped[list[SessionEvent]] = relationship(order_by="SessionEvent.id")

    @property
    def is_convened(self) -> bool:
        """The convocations are sent: a change of its schedule is announced."""
        return self.state == SessionState.CONVENED

    def slot_of(self, item: AgendaItem) -> tuple[datetime, datetime]:
        """When ``item`` is presented: computed from the start and the slot length."""
        return self.slot_at(self.items.index(item))

    def slot_at(self, index: int) -> tuple[datetime, datetime]:
        """When the agenda's item number ``index`` (from 0) is presented."""
        start = _later(self.starts_at, self.slot_minutes * index)
        return start, _later(start, self.slot_minutes)

    @property
    def ends_at(self) -> datetime:
        return _later(self.starts_at, self.slot_minutes * max(len(self.items), 1))


#: The last instant a slot may end on: past it, Python's datetime overflows, in the sum or
#: when shown in Paris time. Sessions are dated within ``params.BUSINESS_*_DAY``; this keeps
#: one stored before (or by a script) from breaking its pages, mails and the API.
_LAST_INSTANT = datetime(9999, 12, 31, tzinfo=UTC)


def _later(start: datetime, minutes: int) -> datetime:
    """``minutes`` after ``start``, never past the last instant that can be shown."""
    limit = max(start, _LAST_INSTANT if start.tzinfo else _LAST_INSTANT.replace(tzinfo=None))
    try:
        return min(start + timedelta(minutes=minutes), limit)
    except OverflowError:
        return limit


class SessionEvent(TransitionRecord, Model):
    """The append-only history of a session's lifecycle."""

    __tablename__ = "committee_session_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_session.id"), index=True)


class AgendaItem(Model):
    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("session_id", "dossier_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_session.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    # The decision is recorded during the meeting (pending) and published with the others.
    decision: Mapped[Decision | None] = mapped_column(str_enum(Decision, "item_decision"))
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    decision_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[CommitteeSession] = relationship(back_populates="items")
    dossier: Mapped[Dossier] = relationship()
    positions: Mapped[list[Position]] = relationship(back_populates="item",
                                                     cascade="all, delete-orphan")
    supporters: Mapped[list[Organisation]] = relationship(
        secondary="item_supporter", order_by="Organisation.name")


item_supporter = Table(
    "item_supporter", db.metadata,
    Column("item_id", ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True),
)


class Position(Model):
    """An organisation's current position and offer on one agenda item.

    ``version`` is checked on every update: of two members saving at once from the same
    version, the second is told, never silently overwritten.
    """

    __tablename__ = "position"
    __table_args__ = (UniqueConstraint("item_id", "organisation_id"),
                      CheckConstraint("amount_cents IS NULL OR amount_cents >= 0",
                                      name="amount_not_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    stance: Mapped[Stance] = mapped_column(str_enum(Stance, "stance"))
    offer_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    #: The unit of the premises catalogue offered, if any (issue 19).
    premises_unit_id: Mapped[int | None] = mapped_column(ForeignKey("premises_unit.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="positions")
    organisation: Mapped[Organisation] = relationship()
    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (read once, by the mapper)


class PositionChange(Model):
    """Every saved version of a position: the history the committee can look back on."""

    __tablename__ = "position_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"), index=True)
    stance: Mapped[Stance] = mapped_column(str_enum(Stance, "change_stance"))
    offer_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Proxy(Model):
    """A member lets another organisation's member speak for their organisation, for one
    session."""

    __tablename__ = "proxy"
    __table_args__ = (UniqueConstraint("session_id", "giver_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_session.id"), index=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    giver: Mapped[User] = relationship(foreign_keys=[giver_id])
    receiver: Mapped[User] = relationship(foreign_keys=[receiver_id])


class Attendance(Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_session.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[AttendanceStatus] = mapped_column(str_enum(AttendanceStatus,
                                                              "attendance_status"))

    user: Mapped[User] = relationship()
