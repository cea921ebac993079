"""The collective's own settings and reference lists, kept in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from murporteur.core.db import UTCDateTime, utcnow
from murporteur.extensions import Model


class CollectiveSetting(Model):
    """One setting the admin saved on screen (``collective.settings.FIELDS`` names them); a
    setting with no row takes its default, and its environment variable wins over both."""

    __tablename__ = "collective_setting"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ConsentWording(Model):
    """The words of each consent version: a dossier's ``consent_version`` names one, so a
    version's words never change once saved (a new wording is a new version)."""

    __tablename__ = "consent_wording"

    version: Mapped[str] = mapped_column(String(20), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReferenceEntry(Model):
    """One entry of a reference list (themes, kinds of support, kinds of structure): the
    key stored on dossiers and structures, its words in both languages, its place in the
    list. Archived, never deleted: old dossiers still read its words."""

    __tablename__ = "reference_entry"
    __table_args__ = (UniqueConstraint("list_name", "key", name="uq_reference_entry_list_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_name: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(32))
    label_fr: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def label(self, locale: str) -> str:
        return (self.label_en if locale == "en" else self.label_fr) or self.label_fr

    def __repr__(self) -> str:
        return f"<ReferenceEntry {self.list_name}:{self.key}>"
