"""Who sees which figures: the one place for the reporting's access rules.

- the reports (the dashboard, the conventions' and payments' exports): the animators and the
  members (``may_view_reports``);
- the collective's detail (every organisation's figures, the choice of one, the supported
  projects, the yearly report): the animators (``may_view_all_figures``);
- a member sees their own organisation's figures next to the collective's totals, whatever
  the address asks (``own_organisation_only``).

Templates ask ``can("view_all_figures")``.
"""

from __future__ import annotations

from murporteur.accounts.models import Role, User
from murporteur.core.policy import permission

__all__ = ["may_view_all_figures", "may_view_reports", "own_organisation_only"]


def _role(user: User | None):
    return user.role if user is not None and user.is_authenticated else None


def may_view_reports(user: User | None, _obj=None) -> bool:
    return _role(user) in (Role.ANIMATOR, Role.MEMBER)


def may_view_all_figures(user: User | None, _obj=None) -> bool:
    return _role(user) == Role.ANIMATOR


# Registered apart, so that the functions keep their optional object for Python callers.
permission("view_reports")(may_view_reports)
permission("view_all_figures")(may_view_all_figures)


def own_organisation_only(user: User | None) -> bool:
    """Whether ``user``'s figures are restricted to their organisation (a member's)."""
    return _role(user) == Role.MEMBER
