"""Migration 0028 keeps on each dossier already there what the dashboard's filters read: the
qualification's stage, priority area and themes where the animators gave them, else the
holder's answers."""

from __future__ import annotations

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from murporteur.accounts.models import Role, User
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.triage.models import Qualification
from tests.conftest import database_of_its_own

BEFORE = "0027_perf"


def _fill() -> None:
    holder = User(email="porteur@example.org", full_name="Porteur", role=Role.HOLDER,
                  active=True, session_version=1)
    db.session.add(holder)
    for title, stage, area in (("Qualifiée", "emergence", "no"), ("En partie", "mature", "yes"),
                               ("Du porteur", "development", "unknown")):
        db.session.add(Dossier(holder=holder, state="submitted", title=title, stage=stage,
                               priority_area=area))
    db.session.flush()
    dossiers = {d.title: d for d in db.session.query(Dossier)}
    db.session.add(Qualification(dossier=dossiers["Qualifiée"], stage="consolidation",
                                 priority_area="yes", themes=["reuse", "food"]))
    db.session.add(Qualification(dossier=dossiers["En partie"], themes=["culture"]))
    db.session.commit()


def test_existing_dossiers_get_what_the_filters_read(tmp_path):
    with database_of_its_own(tmp_path, "murporteur_filters_migration") as app, \
            app.app_context():
        upgrade()
        _fill()
        db.session.remove()
        downgrade(revision=BEFORE)  # as the rows were: the answers in their own tables
        upgrade()
        found = {row.title: (row.effective_stage, row.effective_priority_area,
                             row.qualified_themes if isinstance(row.qualified_themes, list)
                             else json.loads(row.qualified_themes))
                 for row in db.session.execute(text(
                     "SELECT title, effective_stage, effective_priority_area, "
                     "qualified_themes FROM dossier"))}
        if db.engine.dialect.name == "sqlite":  # the tab counts' triggers are still there
            triggers = db.session.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'dossier'")).scalars().all()
            assert "dossier_tally_update" in triggers
        db.session.remove()
    assert found == {
        "Qualifiée": ("consolidation", "yes", ["food", "reuse"]),
        "En partie": ("mature", "yes", ["culture"]),
        "Du porteur": ("development", "unknown", []),
    }
