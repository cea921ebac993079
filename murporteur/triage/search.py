"""The staff's search from any page: a dossier by its number or part of it, its holder, its
structure, its town or its words, across every tab; and the support structures by name or
territory. An exact number opens the dossier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from murporteur.accounts.models import User
from murporteur.core.text import french_order, strip_accents
from murporteur.directory.models import SupportStructure
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.triage import dashboard, fulltext, policies

#: A number or a piece of one: "MP-2026-0029", "2026-0029", "0029", "29".
PARTIAL_NUMBER = re.compile(r"^\s*(?:mp-?)?[\d-]+\s*$", re.IGNORECASE)
LIMIT = 50
SUGGESTIONS = 8


@dataclass
class Results:
    q: str
    dossiers: list[Dossier]
    structures: list[SupportStructure]
    more: bool

    @property
    def empty(self) -> bool:
        return not self.dossiers and not self.structures


def exact_number(q: str, user: User) -> Dossier | None:
    """The dossier whose number is exactly ``q`` (any case), if ``user`` may triage it."""
    if not fulltext.NUMBER.match(q):
        return None
    return db.session.scalar(policies.triageable_dossiers(user).where(
        func.upper(Dossier.number) == q.strip().upper()))


def _folded(column):
    return func.lower(func.unaccent(func.coalesce(column, "")))


def _words(q: str) -> list[str]:
    return [w for w in strip_accents(q).lower().split() if w][:8]


def _dossier_condition(q: str):
    if PARTIAL_NUMBER.match(q):
        digits = q.strip().upper().removeprefix("MP").strip("-")
        return func.upper(Dossier.number).contains(digits, autoescape=True)
    holder = aliased(User)
    holder_text = select(func.lower(func.unaccent(
        func.coalesce(holder.full_name, "") + " " + func.coalesce(holder.contact_email,
                                                                   holder.email)))) \
        .where(holder.id == Dossier.holder_id).correlate(Dossier).scalar_subquery()
    # Each word somewhere in the number, the title, the structure, the contact, the town or the
    # holder; and, on PostgreSQL, the indexed full text of the summary too (its words, stemmed).
    short = [or_(*[_folded(column).contains(word, autoescape=True) for column in (
        Dossier.number, Dossier.title, Dossier.structure_name, Dossier.contact_name,
        Dossier.town)], func.coalesce(holder_text, "").contains(word, autoescape=True))
        for word in _words(q)]
    by_fields = and_(*short) if short else None
    # The dashboard's own search (its full text on PostgreSQL, read from its GIN index).
    by_text = and_(*dashboard.filter_conditions(dashboard.Filters(q=q)))
    return or_(by_fields, by_text) if by_fields is not None else by_text


def search(q: str, user: User, *, limit: int = LIMIT) -> Results:
    """What ``q`` finds among the dossiers ``user`` may triage (every state but drafts) and
    the support structures, the most recent dossiers first."""
    q = q.strip()[:200]
    if not q:
        return Results(q, [], [], False)
    query = policies.triageable_dossiers(user).where(_dossier_condition(q)) \
        .order_by(Dossier.submitted_at.desc().nulls_last(), Dossier.id.desc()) \
        .options(selectinload(Dossier.assigned_to)).limit(limit + 1)
    dossiers = list(db.session.scalars(query))
    structures: list[SupportStructure] = []
    words = _words(q)
    if words and not PARTIAL_NUMBER.match(q):
        structures = list(db.session.scalars(
            select(SupportStructure).where(*[or_(
                _folded(SupportStructure.name).contains(w, autoescape=True),
                _folded(SupportStructure.territory).contains(w, autoescape=True))
                for w in words]).order_by(french_order(SupportStructure.name)).limit(limit)))
    return Results(q, dossiers[:limit], structures, len(dossiers) > limit)
