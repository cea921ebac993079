"""Support structures: incubators, solidarity finance, cooperative unions… kept by animators."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from murporteur.core.db import UTCDateTime, str_enum, utcnow
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


STRUCTURE_KIND_LABELS = {
    StructureKind.INCUBATOR: _l("Incubateur"),
    StructureKind.SOLIDARITY_FINANCE: _l("Finance solidaire"),
    StructureKind.COOPERATIVE_UNION: _l("Union de coopératives"),
    StructureKind.LOCAL_ESS_NETWORK: _l("Réseau local de l'ESS"),
    StructureKind.LAND_ACCESS: _l("Accès au foncier"),
    StructureKind.WOMENS_ENTREPRENEURSHIP: _l("Entrepreneuriat des femmes"),
    StructureKind.ACTIVITY_COOPERATIVE: _l("Coopérative d'activité et d'emploi"),
    StructureKind.OTHER: _l("Autre"),
}


class SupportStructure(Model):
    """A structure an idea may be redirected to; archived, never deleted (dossiers point
    to it)."""

    __tablename__ = "support_structure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[StructureKind] = mapped_column(str_enum(StructureKind, "structure_kind"))
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
    def kind_label(self):
        return STRUCTURE_KIND_LABELS[self.kind]

    def __repr__(self) -> str:
        return f"<SupportStructure {self.name}>"
