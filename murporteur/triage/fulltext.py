"""The dashboard's search: a dossier's number, or its words (PostgreSQL's French full text,
read from GIN indexes; a plain scan of the same fields on SQLite)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnClause,
    ColumnElement,
    Integer,
    and_,
    any_,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from murporteur.accounts.models import User
from murporteur.core.text import strip_accents
from murporteur.extensions import db
from murporteur.submissions.models import Dossier

NUMBER = re.compile(r"^\s*MP-\d{4}-\d{4,}\s*$", re.IGNORECASE)


def full_text(q: str) -> bool:
    """Whether ``q`` searches the full text (PostgreSQL; a dossier number is looked up)."""
    return bool(q) and not NUMBER.match(q) \
        and db.session.get_bind().dialect.name == "postgresql"


FRENCH: ColumnClause[Any] = literal_column("'french'::regconfig")


def dossier_document():
    """The dossier's searchable text, as indexed by ``ix_dossier_search`` (PostgreSQL).

    ``murporteur_unaccent`` is ``unaccent`` declared immutable (an index needs it); the
    expression must stay exactly the migration's for the index to be used.
    """
    text: ColumnClause[Any] = literal_column("' '")
    parts = [func.coalesce(column, literal_column("''")) for column in (
        Dossier.title, Dossier.summary, Dossier.structure_name, Dossier.contact_name,
        Dossier.number)]
    joined: ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        joined = joined.op("||")(text).op("||")(part)
    return func.to_tsvector(FRENCH, func.murporteur_unaccent(joined))


def email_document(user=User):
    """A user's e-mail address as indexed by ``ix_user_account_email_search``."""
    return func.to_tsvector(FRENCH, func.murporteur_unaccent(user.email))


def search_condition(q: str):
    """The dossiers ``q`` finds: its number, else its words (see the comments)."""
    if NUMBER.match(q):
        # Numbers are written upper case (MP-2026-00042): the unique index answers.
        return Dossier.number == q.strip().upper()
    holder = aliased(User)
    if db.session.get_bind().dialect.name == "postgresql":
        # Accent-insensitive French full text: "creche" finds "crèche", "cafés" finds "café".
        # The dossier's words, or its holder's e-mail address: each document is the
        # expression of a GIN index (migration 0008). The holders whose address matches are
        # found first (a subquery run once), so that the dossiers are read from the union of
        # two indexes (a bitmap OR) instead of every dossier being joined to the matches.
        query = func.plainto_tsquery("french", func.unaccent(q))

        def holders(*conditions) -> ColumnElement[Any]:
            found = select(func.array_agg(holder.id)).where(*conditions).scalar_subquery()
            return Dossier.holder_id == any_(cast(found, ARRAY(Integer)))

        return or_(
            dossier_document().op("@@")(query),
            holders(email_document(holder).op("@@")(query)),
            # The few holders kept apart from a staff address: the address they typed.
            holders(holder.contact_email.is_not(None), func.to_tsvector(
                FRENCH, func.murporteur_unaccent(holder.contact_email)).op("@@")(query)))
    # SQLite: every word somewhere in those fields, accents and case folded (the app
    # registers ``unaccent`` on SQLite connections).
    holder_email = select(func.coalesce(holder.contact_email, holder.email)) \
        .where(holder.id == Dossier.holder_id) \
        .correlate(Dossier).scalar_subquery()
    words = [w for w in strip_accents(q).lower().split() if w]
    haystack = func.lower(func.unaccent(
        Dossier.title + " " + Dossier.summary + " " + Dossier.structure_name + " "
        + Dossier.contact_name + " " + func.coalesce(holder_email, "")))
    return and_(*[haystack.contains(word) for word in words]) if words else literal(True)
