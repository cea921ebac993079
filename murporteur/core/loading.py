"""Loading what a page shows of one object, with statements built once.

SQLAlchemy keys its cache of compiled SQL on each statement's structure, which it computes
again for every new statement object: for a ``select`` carrying a dozen loader options
(``selectinload(...).joinedload(...)``), and for each of the statements those options emit,
that is most of the Python a small page spends on its queries. A statement built once, at
import, with its parent as a bound parameter, is keyed once per process.

``Related(key, statement)`` says how the relationship ``key`` of an object is loaded: the
rows ``statement`` gives for the bound parameter ``parent_id`` (the object's id), each with
whatever it joins; ``load_related`` runs one such statement per relationship not loaded yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, Integer, Select, bindparam, inspect
from sqlalchemy.orm import attributes

from murporteur.extensions import db

#: The parent's id, in a ``Related`` statement.
PARENT_ID: BindParameter[int] = bindparam("parent_id", type_=Integer)


class Related(NamedTuple):
    """The relationship ``key`` of a parent: the rows of ``statement`` (``PARENT_ID`` its
    parent), in the relationship's order; for a ``many=False`` one, its single row or None."""

    key: str
    statement: Select[Any]
    many: bool = True


def load_related(obj: Any, related: Iterable[Related]) -> None:
    """Fill each relationship of ``obj`` in ``related`` that is not loaded yet, one statement
    apiece; a loaded one keeps what it holds (what the request changed stays)."""
    unloaded = inspect(obj).unloaded
    for key, statement, many in related:
        if key not in unloaded:
            continue
        rows = db.session.scalars(statement, {"parent_id": obj.id}).unique().all()
        attributes.set_committed_value(obj, key, list(rows) if many
                                       else (rows[0] if rows else None))
