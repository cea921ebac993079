"""Support structures: incubators, solidarity finance, cooperative unions… kept by animators."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from murporteur.collective import references
from murporteur.core.db import UTCDateTime, utcnow
from murporteur.extensions import Model


class StructureKind(enum.StrEnum):
    INCUBATOR = "incubator"
    SOLIDARITY_FINANCE = "solidarity_finance"
    COOPERATIVE_UNION = "cooperative_union"
    LOCAL_ESS_NETWORK = "local_ess_network"
    LAND_ACCESS = "land_access"
    WOMENS_ENTREPRENEURSHIP = "womens_entrepreneurship"
    ACTIVITY_COOPERATIVE = "activity_cooperative"
    OTHER = "other"


#: The words of each kind, in the reader's language (the admin edits the list).
STRUCTURE_KIND_LABELS = references.Labels("structure_kind")


class SupportStructure(Model):
    """A structure an idea may be redirected to; archived, never deleted (dossiers point
    to it)."""

    __tablename__ = "support_structure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # A key of the "structure_kind" reference list (collective/references.py).
    kind: Mapped[str] = mapped_column(String(32))
    territory: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def kind_label(self) -> str:
        return references.label("structure_kind", self.kind)

    def __repr__(self) -> str:
        return f"<SupportStructure {self.name}>"
