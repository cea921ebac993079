"""What the reporting keeps of its own: the version of the data its figures are computed
from."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from murporteur.extensions import Model

#: The tables the figures read (the reporting page, its supported projects and the crossed
#: interventions' trend): a write to any of them changes the version.
WATCHED_TABLES = ("dossier", "dossier_milestone", "qualification", "qualification_theme",
                  "committee_session", "agenda_item", "item_supporter", "convention",
                  "payment", "organisation")
#: Rows of ``figures_version`` on PostgreSQL: a writing transaction takes the row of its
#: transaction id modulo this, so that writers seldom wait for one another.
SLOTS = 8


class FiguresVersion(Model):
    """A word that changes with the data the figures are computed from: database triggers
    (migration 0027_perf) give ``token`` a new random value, in the writing transaction, at
    every insert, update or delete of a table of ``WATCHED_TABLES``, whatever wrote it (a
    service, a bulk statement, a command, a restore). The figures cached in Redis are keyed by
    the tokens of every slot (``reporting.cache``): a committed change makes a new key, a
    rolled back one leaves the tokens as they were.

    On SQLite one slot, row triggers (SQLite has no statement triggers); a migration that
    rebuilds a watched table there must create its triggers again
    (``tests/reporting/test_cache.py`` checks that every watched table has them)."""

    __tablename__ = "figures_version"

    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(64))
