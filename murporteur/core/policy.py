"""Permissions by name, so that templates (and anything that cannot import a domain) ask the
domain's policy rather than compare roles.

Each domain's ``policies.py`` declares its rules as plain functions ``(user, obj) -> bool`` and
names the ones templates need with ``@permission("view_dossier")``; a template asks
``can("view_dossier", dossier)`` for the current user. The name is the only thing shared: the
rule is written once, in its domain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Rule = Callable[..., bool]
R = TypeVar("R", bound=Rule)
_RULES: dict[str, Rule] = {}


def permission(name: str) -> Callable[[R], R]:
    """Register ``rule`` under ``name`` (once: a second rule of the same name is a mistake)."""

    def register(rule: R) -> R:
        if _RULES.get(name, rule) is not rule:
            raise ValueError(f"permission {name!r} is already declared")
        _RULES[name] = rule
        return rule

    return register


def can(name: str, obj: Any = None, *, user: Any = None) -> bool:
    """Whether ``user`` (the current one by default) has permission ``name`` on ``obj``."""
    if user is None:
        from flask_login import current_user

        user = current_user
    try:
        rule = _RULES[name]
    except KeyError:
        raise LookupError(f"no permission named {name!r}: declare it in a policies.py") from None
    return bool(rule(user, obj))


def declared() -> dict[str, Rule]:
    return dict(_RULES)
