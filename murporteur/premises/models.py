"""The premises catalogue: landlords' units, their photos and history, the lettings that
reporting counts, and what a holder seeking premises asked for (``PremisesWish``).

Rents are integer cents per month; surfaces whole square metres. Bounds are CHECK constraints
as well as form rules, so that no path writes an absurd unit."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from murporteur.accounts.models import Organisation
from murporteur.core.db import TransitionRecord, UTCDateTime, str_enum, utcnow
from murporteur.extensions import Model
from murporteur.premises.workflow import LIFECYCLE, UnitState

#: Bounds of what a unit may say (forms and CHECK constraints share them).
SURFACE_MIN, SURFACE_MAX = 5, 5000
FLOOR_MIN, FLOOR_MAX = -3, 30
RENT_MAX_CENTS = 50_000_00  # 50,000 euros a month


class PremisesUse(enum.StrEnum):
    SHOP = "shop"
    FOOD = "food"
    WORKSHOP = "workshop"
    OFFICE = "office"
    ACTIVITIES = "activities"
    STORAGE = "storage"


USE_LABELS = {
    PremisesUse.SHOP: _l("Commerce, boutique"),
    PremisesUse.FOOD: _l("Restauration, café"),
    PremisesUse.WORKSHOP: _l("Atelier"),
    PremisesUse.OFFICE: _l("Bureaux"),
    PremisesUse.ACTIVITIES: _l("Accueil du public, activités"),
    PremisesUse.STORAGE: _l("Stockage"),
}


class LeaseType(enum.StrEnum):
    PRECARIOUS = "precarious"
    SOCIAL_UTILITY = "social_utility"
    COMMERCIAL = "commercial"
    CONVENTION = "convention"


LEASE_LABELS = {
    LeaseType.PRECARIOUS: _l("Convention d'occupation précaire"),
    LeaseType.SOCIAL_UTILITY: _l("Bail commercial d'utilité sociale"),
    LeaseType.COMMERCIAL: _l("Bail commercial"),
    LeaseType.CONVENTION: _l("Mise à disposition par convention"),
}


class Visibility(enum.StrEnum):
    COLLECTIVE = "collective"
    PUBLIC = "public"


VISIBILITY_LABELS = {
    Visibility.COLLECTIVE: _l("Le collectif seulement"),
    Visibility.PUBLIC: _l("Public (visible de tous sur le site)"),
}


class PremisesUnit(Model):
    __tablename__ = "premises_unit"
    __table_args__ = (
        CheckConstraint(f"surface_m2 >= {SURFACE_MIN} AND surface_m2 <= {SURFACE_MAX}",
                        name="surface_bounded"),
        CheckConstraint(f"floor >= {FLOOR_MIN} AND floor <= {FLOOR_MAX}", name="floor_bounded"),
        CheckConstraint(f"rent_cents IS NULL OR (rent_cents >= 0 AND rent_cents <= "
                        f"{RENT_MAX_CENTS})", name="rent_bounded"),
    )

    #: Its states and transitions (premises/workflow.py), for core.lifecycle.
    lifecycle = LIFECYCLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300))
    town: Mapped[str] = mapped_column(String(120), index=True)
    neighbourhood: Mapped[str] = mapped_column(String(120), default="")
    qpv: Mapped[bool] = mapped_column(Boolean, default=False)
    surface_m2: Mapped[int] = mapped_column(Integer)
    floor: Mapped[int] = mapped_column(Integer, default=0)
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    uses: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Rent asked per month; None when the unit is provided free of charge.
    rent_cents: Mapped[int | None] = mapped_column(BigInteger)
    lease_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    available_from: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Where to put the marker on the map (optional: the list never needs them).
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    state: Mapped[UnitState] = mapped_column(str_enum(UnitState, "unit_state"),
                                             default=UnitState.AVAILABLE, index=True)
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility, "unit_visibility"),
                                                   default=Visibility.COLLECTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    photos: Mapped[list[UnitPhoto]] = relationship(order_by="UnitPhoto.id",
                                                   cascade="all, delete-orphan")
    events: Mapped[list[UnitEvent]] = relationship(order_by="UnitEvent.id")

    @property
    def is_free(self) -> bool:
        return self.rent_cents is None

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def label(self) -> str:
        return self.title or f"{self.address}, {self.town}"


class UnitPhoto(Model):
    """A photo of a unit, re-encoded as JPEG by Pillow (``photos.py``), kept under
    UPLOAD_DIR/premises."""

    __tablename__ = "premises_photo"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("premises_unit.id"), index=True)
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnitEvent(TransitionRecord, Model):
    """The append-only history of a unit's lifecycle."""

    __tablename__ = "premises_unit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("premises_unit.id"), index=True)


class Letting(Model):
    """A unit let under a convention, as reporting counts it: written when the convention is
    signed, closed when it ends. ``in_kind_cents`` is the convention's in-kind valuation (the
    rent waived)."""

    __tablename__ = "premises_letting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("premises_unit.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    convention_id: Mapped[int | None] = mapped_column(ForeignKey("convention.id"), unique=True)
    surface_m2: Mapped[int] = mapped_column(Integer)
    in_kind_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[PremisesUnit] = relationship()
    organisation: Mapped[Organisation] = relationship()


class PremisesWish(Model):
    """What a holder seeking premises said with their idea: the unit they chose (if they came
    from its page), the surface range and the towns wanted."""

    __tablename__ = "premises_wish"
    __table_args__ = (
        CheckConstraint("surface_min IS NULL OR surface_max IS NULL OR "
                        "surface_min <= surface_max", name="surfaces_in_order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("premises_unit.id"), index=True)
    surface_min: Mapped[int | None] = mapped_column(Integer)
    surface_max: Mapped[int | None] = mapped_column(Integer)
    towns: Mapped[str] = mapped_column(String(300), default="")
    use: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[PremisesUnit | None] = relationship()

    @property
    def town_list(self) -> list[str]:
        return [t.strip() for t in self.towns.split(",") if t.strip()]
