"""Helpers for Alembic revisions (``migrations/versions``): generic, no domain here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def rebuilding_on_sqlite(bind, table: str) -> Iterator[None]:
    """SQLite alters a table by rebuilding it, dropping the old copy that other tables' rows
    point at: its foreign keys are switched off meanwhile, and checked before they are on
    again. ``PRAGMA foreign_keys`` changes only between transactions, hence the commit of
    what is done so far. Elsewhere, nothing to do."""
    if bind.dialect.name != "sqlite":
        yield
        return
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys = OFF")
    bind.exec_driver_sql("BEGIN")
    yield
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"foreign keys broken by the rebuild of {table}: {broken}")
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys = ON")
    bind.exec_driver_sql("BEGIN")
