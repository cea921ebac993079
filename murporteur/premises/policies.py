"""Who may see and do what with the premises catalogue: the one place for its rules.

- see a unit: anyone when it is public and available (the public list); the collective (the
  animators, every member) whatever its visibility and state (``may_view_unit``; as a query:
  ``visible_units``). The public list is ``public_units``.
- add a unit: the animators, and members of an organisation (``may_add_unit``);
- edit a unit, add or remove its photos, withdraw it: the animators; a member, only their
  organisation's units (``may_edit_unit``; as a query: ``editable_units``).

Templates ask ``can("view_unit", unit)``, ``can("edit_unit", unit)``, ``can("add_unit")``.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from murporteur.accounts.models import Role, User
from murporteur.core.policy import permission
from murporteur.premises.models import PremisesUnit, Visibility
from murporteur.premises.workflow import UnitState

__all__ = ["editable_units", "may_add_unit", "may_edit_unit", "may_view_unit", "public_units",
           "visible_units"]


def _staff_or_member(user: User | None) -> bool:
    return (user is not None and user.is_authenticated
            and user.role in (Role.ANIMATOR, Role.MEMBER))


def _is_public(unit: PremisesUnit) -> bool:
    return unit.visibility == Visibility.PUBLIC and unit.state == UnitState.AVAILABLE


@permission("view_unit")
def may_view_unit(user: User | None, unit: PremisesUnit) -> bool:
    """A public available unit: everyone; any unit: the animators and the members."""
    return _is_public(unit) or _staff_or_member(user)


def public_units() -> Select:
    """The units anyone may see: the SQL twin of the public half of ``may_view_unit``."""
    return select(PremisesUnit).where(PremisesUnit.visibility == Visibility.PUBLIC,
                                      PremisesUnit.state == UnitState.AVAILABLE)


def visible_units(user: User | None) -> Select:
    """The units ``user`` may see: the SQL twin of ``may_view_unit``."""
    if _staff_or_member(user):
        return select(PremisesUnit)
    return public_units()


@permission("add_unit")
def may_add_unit(user: User | None, _obj=None) -> bool:
    """The animators, and the members of an organisation (for their organisation)."""
    if user is None or not user.is_authenticated:
        return False
    return user.role == Role.ANIMATOR or (user.role == Role.MEMBER
                                          and user.organisation_id is not None)


@permission("edit_unit")
def may_edit_unit(user: User | None, unit: PremisesUnit) -> bool:
    """The animators edit every unit; a member, their organisation's only."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.ANIMATOR:
        return True
    return user.role == Role.MEMBER and user.organisation_id is not None \
        and user.organisation_id == unit.organisation_id


def editable_units(user: User | None) -> Select:
    """The units ``user`` may edit: the SQL twin of ``may_edit_unit``."""
    query = select(PremisesUnit)
    if user is None or not user.is_authenticated:
        return query.where(false())
    if user.role == Role.ANIMATOR:
        return query
    if user.role == Role.MEMBER and user.organisation_id is not None:
        return query.where(PremisesUnit.organisation_id == user.organisation_id)
    return query.where(false())
