"""The animators' instruction: labels, follows, phone calls, qualification, private notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from murporteur.accounts.models import User
from murporteur.collective.references import current_locale
from murporteur.core.db import UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model, db
from murporteur.submissions.choices import LegalForm, PriorityArea, Stage
from murporteur.submissions.models import Dossier
from murporteur.triage.choices import CallOutcome

dossier_label = Table(
    "dossier_label", db.metadata,
    Column("dossier_id", ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True),
    Column("label_id", ForeignKey("label.id", ondelete="CASCADE"), primary_key=True),
)


class Label(Model):
    """A tag the animators define and put on dossiers ("à rappeler", "urgent"…)."""

    __tablename__ = "label"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    name_en: Mapped[str] = mapped_column(String(60), default="", server_default="")
    colour: Mapped[str] = mapped_column(String(20), default="grey")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Archived: still shown on the dossiers that carry it, no longer offered.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def display_name(self) -> str:
        """The words in the reader's language (French when no English was given)."""
        return (self.name_en if current_locale() == "en" else "") or self.name

    dossiers: Mapped[list[Dossier]] = relationship(secondary=dossier_label,
                                                   backref="labels")


class DossierFollow(Model):
    """An animator who follows a dossier hears of what happens to it."""

    __tablename__ = "dossier_follow"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PhoneCall(Model):
    """A call with the holder: scheduled, then recorded with its notes and outcome."""

    __tablename__ = "phone_call"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    animator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[CallOutcome | None] = mapped_column(str_enum(CallOutcome, "call_outcome"))
    notes: Mapped[str] = mapped_column(Text, default="")
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(backref="calls")
    animator: Mapped[User] = relationship()


class Qualification(Model):
    """What the animators make of an idea after the first exchange; saved incomplete at will,
    complete before the idea is retained."""

    __tablename__ = "qualification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    stage: Mapped[Stage | None] = mapped_column(str_enum(Stage, "qualification_stage"))
    neighbourhoods: Mapped[str] = mapped_column(Text, default="")
    priority_area: Mapped[PriorityArea | None] = mapped_column(
        str_enum(PriorityArea, "qualification_priority_area"))
    legal_form: Mapped[LegalForm | None] = mapped_column(
        str_enum(LegalForm, "qualification_legal_form"))
    support_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    opinion: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    dossier: Mapped[Dossier] = relationship(backref=db.backref("qualification",
                                                               uselist=False))
    updated_by: Mapped[User | None] = relationship()
    theme_rows: Mapped[list[QualificationTheme]] = relationship(
        cascade="all, delete-orphan", order_by="QualificationTheme.theme")

    @property
    def themes(self) -> list[str]:
        return [row.theme for row in self.theme_rows]

    @themes.setter
    def themes(self, values: list[str]) -> None:
        wanted = list(dict.fromkeys(values))
        self.theme_rows = [row for row in self.theme_rows if row.theme in wanted] + [
            QualificationTheme(theme=str(v)) for v in wanted
            if v not in {row.theme for row in self.theme_rows}]


class QualificationTheme(Model):
    """One theme of a qualification (a row each, so that dashboards filter on it)."""

    __tablename__ = "qualification_theme"

    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualification.id", ondelete="CASCADE"), primary_key=True)
    # A key of the "theme" reference list (collective/references.py): a plain string.
    theme: Mapped[str] = mapped_column(String(32), primary_key=True)


class PrivateNote(Model):
    """A note between animators; never shown to the holder."""

    __tablename__ = "private_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(backref=db.backref(
        "private_notes", order_by="PrivateNote.created_at"))
    author: Mapped[User] = relationship()


class ExportPreference(Model):
    """The columns of an animator's default dashboard view, table and exports (the last
    choice of the « Colonnes » control, ``triage.columns``)."""

    __tablename__ = "export_preference"
    __table_args__ = (UniqueConstraint("user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)


class SavedView(Model):
    """A dashboard view an animator named: its filters, tab and sort (the URL's query) and the
    columns of its exports. Each animator's own."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(2000), default="")
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- What the dashboard's filters read, kept on the dossier ----------------------------------

def keep_filtered_answers(dossier: Dossier, qualification: Qualification | None) -> None:
    """Copy onto ``dossier`` what the dashboard filters on (``Dossier.effective_stage``…): the
    qualification's stage and priority area where the animators gave them, else the holder's
    answers, and the qualification's themes."""
    q = qualification
    stage = q.stage if q is not None and q.stage is not None else dossier.stage
    area = (q.priority_area if q is not None and q.priority_area is not None
            else dossier.priority_area)
    themes = sorted(q.themes) if q is not None else []
    state = inspect(dossier)
    # Only these columns of a saved dossier changing: its last activity stays (a qualification
    # saved did not touch the dossier before they were kept on it).
    kept_activity = state.persistent and not any(
        state.attrs[column.key].history.has_changes() for column in state.mapper.column_attrs
        if column.key not in _FILTERED)
    changed = False
    if dossier.effective_stage != stage:
        dossier.effective_stage, changed = stage, True
    if dossier.effective_priority_area != area:
        dossier.effective_priority_area, changed = area, True
    if list(dossier.qualified_themes or []) != themes:
        dossier.qualified_themes, changed = themes, True
    if changed and kept_activity:
        dossier.updated_at = Dossier.updated_at


#: The columns ``keep_filtered_answers`` writes.
_FILTERED = frozenset({"effective_stage", "effective_priority_area", "qualified_themes"})


#: The attributes whose change changes what the filters read.
_ANSWERS = ("stage", "priority_area")
_QUALIFIED = ("stage", "priority_area", "theme_rows", "dossier", "dossier_id")


def _changed(instance, names: tuple[str, ...]) -> bool:
    attrs = inspect(instance).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _dossier_of(session: Session, qualification: Qualification) -> Dossier | None:
    if qualification.dossier is not None:
        return qualification.dossier
    if qualification.dossier_id is None:
        return None
    return session.get(Dossier, qualification.dossier_id)


@event.listens_for(Session, "before_flush")
def _keep_filtered_answers(session: Session, _context, _instances) -> None:
    """In the flush (the transaction) that changes a dossier's answers or its qualification,
    whoever writes them (``save_qualification``, the holder's form, a fixture): the same on
    both engines. On the class, as ``core.aftercommit``: the tests bind their own sessions."""
    for instance in [*session.new, *session.dirty]:
        if isinstance(instance, Qualification) and (
                instance in session.new or _changed(instance, _QUALIFIED)):
            dossier = _dossier_of(session, instance)
            if dossier is not None:
                keep_filtered_answers(dossier, instance)
        elif isinstance(instance, Dossier) and (
                instance in session.new or _changed(instance, _ANSWERS)):
            keep_filtered_answers(instance, instance.qualification)
    for instance in session.deleted:
        if isinstance(instance, Qualification):
            dossier = _dossier_of(session, instance)
            if dossier is not None and dossier not in session.deleted:
                keep_filtered_answers(dossier, None)
