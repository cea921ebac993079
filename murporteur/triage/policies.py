"""The animators' rules on dossiers: who may triage them (qualify, assign, label, decide,
call, note, export). Staff only; a dossier still in draft is its holder's alone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, select

from murporteur.accounts.models import Role, User
from murporteur.core.policy import permission
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import DossierState


def _animator(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role == Role.ANIMATOR \
        and user.active


@permission("triage")
def may_triage(user: User | None, _obj: Any = None) -> bool:
    """The animators' dashboard, labels and exports."""
    return _animator(user)


@permission("triage_dossier")
def may_triage_dossier(user: User | None, dossier: Dossier) -> bool:
    """An animator works on every submitted dossier; nobody triages a draft."""
    return _animator(user) and dossier is not None and not dossier.is_draft


def triage_clause(user: User | None) -> ColumnElement:
    """``may_triage_dossier`` as a condition on ``Dossier``."""
    if not _animator(user):
        return false()
    return Dossier.state != DossierState.DRAFT


def triageable_dossiers(user: User | None) -> Select:
    """The dossiers ``user`` may triage (the SQL twin of ``may_triage_dossier``)."""
    return select(Dossier).where(triage_clause(user))
