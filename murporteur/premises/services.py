"""The rules of the premises catalogue: keep a unit, move it along its lifecycle, offer it,
let it under a convention and free it again. Functions flush, never commit."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from murporteur.accounts.models import Organisation, Role, User
from murporteur.audit import services as audit
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from murporteur.premises.models import (
    FLOOR_MAX,
    FLOOR_MIN,
    RENT_MAX_CENTS,
    SURFACE_MAX,
    SURFACE_MIN,
    LeaseType,
    Letting,
    PremisesUnit,
    PremisesUse,
    Visibility,
)
from murporteur.premises.policies import may_add_unit, may_edit_unit
from murporteur.premises.workflow import OFFERABLE, UnitState

UNIT_FIELDS = ("title", "address", "town", "neighbourhood", "qpv", "surface_m2", "floor",
               "step_free", "uses", "rent_cents", "lease_types", "available_from",
               "description", "visibility", "latitude", "longitude")


def check_unit_values(values: dict) -> None:
    """The rules a unit's values follow whatever path writes them (the form says them first,
    at each field)."""
    if not (values.get("address") or "").strip():
        raise DomainError(str(_l("Indiquez l'adresse du local.")), field="address")
    if not (values.get("town") or "").strip():
        raise DomainError(str(_l("Indiquez la commune.")), field="town")
    surface = values.get("surface_m2")
    if not isinstance(surface, int) or not SURFACE_MIN <= surface <= SURFACE_MAX:
        raise DomainError(str(_l("La surface va de %(low)d à %(high)d m².", low=SURFACE_MIN,
                                 high=SURFACE_MAX)), field="surface_m2")
    floor = values.get("floor", 0)
    if not isinstance(floor, int) or not FLOOR_MIN <= floor <= FLOOR_MAX:
        raise DomainError(str(_l("L'étage va de %(low)d à %(high)d.", low=FLOOR_MIN,
                                 high=FLOOR_MAX)), field="floor")
    rent = values.get("rent_cents")
    if rent is not None and not 0 <= rent <= RENT_MAX_CENTS:
        raise DomainError(str(_l("Le loyer mensuel va de 0 à 50 000 €.")), field="rent")
    if any(u not in set(PremisesUse) for u in values.get("uses") or []):
        raise DomainError(str(_l("Choisissez parmi les usages proposés.")), field="uses")
    if any(t not in set(LeaseType) for t in values.get("lease_types") or []):
        raise DomainError(str(_l("Choisissez parmi les baux proposés.")), field="lease_types")
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None) or (lat is not None and lon is not None and not (
            -90 <= lat <= 90 and -180 <= lon <= 180)):
        raise DomainError(str(_l("Indiquez la latitude et la longitude, ou aucune des deux.")),
                          field="latitude")


def save_unit(unit: PremisesUnit | None, actor: User, organisation: Organisation | None,
              **values) -> PremisesUnit:
    """Add a unit (``unit`` None) for ``organisation`` or change one; logged with who did it.
    A member adds for their own organisation whatever ``organisation`` says."""
    check_unit_values(values)
    if unit is None:
        if not may_add_unit(actor):
            raise AccessDenied(str(_l("Vous ne pouvez pas ajouter de local.")))
        if actor.role == Role.MEMBER:
            organisation = actor.organisation
        if organisation is None:
            raise DomainError(str(_l("Choisissez l'organisation qui propose ce local.")),
                              field="organisation")
        unit = PremisesUnit(organisation=organisation)
        db.session.add(unit)
        action = "premises.add"
    else:
        if not may_edit_unit(actor, unit):
            raise AccessDenied(str(_l("Vous ne pouvez pas modifier ce local.")))
        if organisation is not None and actor.role == Role.ANIMATOR:
            unit.organisation = organisation
        action = "premises.edit"
    for name in UNIT_FIELDS:
        if name in values:
            value = values[name]
            setattr(unit, name, value.strip() if isinstance(value, str) else value)
    unit.visibility = Visibility(values.get("visibility") or unit.visibility
                                 or Visibility.COLLECTIVE)
    unit.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, action, unit, {"organisation_id": unit.organisation_id,
                                       "surface_m2": unit.surface_m2,
                                       "rent_cents": unit.rent_cents,
                                       "visibility": str(unit.visibility)})
    return unit


def move(unit: PremisesUnit, name: str, actor: User | None, comment: str = ""):
    """One step of the unit's lifecycle by hand (withdraw, restore, release)."""
    return apply_transition(unit, name, actor, comment)


def ensure_offerable(unit: PremisesUnit, organisation_id: int | None = None) -> None:
    """Refuse a unit that cannot be offered: let or withdrawn, or another organisation's."""
    if organisation_id is not None and unit.organisation_id != organisation_id:
        raise DomainError(str(_l("Ce local n'est pas celui de votre organisation.")),
                          field="premises_unit")
    if unit.state not in OFFERABLE:
        raise DomainError(str(_l(
            "Ce local est « %(state)s » : il ne peut plus être proposé.",
            state=unit.lifecycle.states[unit.state].label)), field="premises_unit")


def offer_unit(unit: PremisesUnit, organisation_id: int, actor: User | None) -> None:
    """A position offers ``unit``: it goes under discussion (it may already be)."""
    ensure_offerable(unit, organisation_id)
    if unit.state == UnitState.AVAILABLE:
        apply_transition(unit, "offer", actor)


def drop_offer(unit_id: int, actor: User | None) -> None:
    """A position no longer offers the unit: available again, unless another position still
    names it (the committee's table is read by name: it sits above the premises)."""
    unit = db.session.get(PremisesUnit, unit_id)
    if unit is None or unit.state != UnitState.UNDER_DISCUSSION:
        return
    position = db.metadata.tables["position"]
    still = db.session.scalar(select(func.count()).select_from(position).where(
        position.c.premises_unit_id == unit_id))
    if not still:
        apply_transition(unit, "release", actor)


def let_unit(unit: PremisesUnit, *, convention_id: int | None, in_kind_cents: int,
             actor: User | None) -> Letting:
    """The unit's convention is signed: it is let, and reporting counts the letting."""
    if unit.state in OFFERABLE:
        apply_transition(unit, "let", actor)
    elif unit.state != UnitState.LET:
        ensure_offerable(unit)
    letting = db.session.scalar(select(Letting).where(Letting.convention_id == convention_id)) \
        if convention_id is not None else None
    if letting is None:
        letting = Letting(unit=unit, organisation_id=unit.organisation_id,
                          convention_id=convention_id, surface_m2=unit.surface_m2,
                          in_kind_cents=in_kind_cents)
        db.session.add(letting)
        db.session.flush()
    return letting


def end_letting(unit: PremisesUnit, *, convention_id: int | None, actor: User | None) -> None:
    """The unit's convention ended: it is available again."""
    letting = db.session.scalar(select(Letting).where(Letting.convention_id == convention_id,
                                                      Letting.ended_at.is_(None))) \
        if convention_id is not None else None
    if letting is not None:
        letting.ended_at = utcnow()
    if unit.state == UnitState.LET:
        apply_transition(unit, "release", actor)
    db.session.flush()


def units_of(organisation_id: int | None) -> list[PremisesUnit]:
    """The units an organisation may offer (for the position and convention forms)."""
    if organisation_id is None:
        return []
    return list(db.session.scalars(select(PremisesUnit).where(
        PremisesUnit.organisation_id == organisation_id,
        PremisesUnit.state.in_(OFFERABLE)).order_by(PremisesUnit.town, PremisesUnit.address)))


def available_on(unit: PremisesUnit, day: date) -> bool:
    return unit.available_from is None or unit.available_from <= day
