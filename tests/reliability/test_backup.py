"""``flask backup`` / ``flask restore``: a round trip into an empty database gives the same
rows and the same files; a restore never overwrites."""

from __future__ import annotations

import json
import sqlite3

from sqlalchemy import select

from murporteur.conventions.models import Convention, ConventionKind
from murporteur.core.backup import backup_command, restore_command, table_counts, tallies
from murporteur.extensions import db
from murporteur.submissions.models import Document, DocumentKind, Dossier
from murporteur.submissions.uploads import path_of, store
from tests import files
from tests.conftest import make_app
from tests.factories import OrganisationFactory, submitted_dossier
from tests.reliability.conftest import dispose, needs_postgres, run_in, scratch_app_for


def _fill(app):
    def build():
        dossier = submitted_dossier(title="Café des possibles")
        document = store(files.upload_storage(files.pdf("Plan"), "plan.pdf"),
                         dossier_id=dossier.id)
        # A signed convention: who may see it must survive the round trip too.
        convention = Convention(dossier=dossier, organisation=OrganisationFactory(),
                                kind=ConventionKind.FINANCING, state="signed")
        db.session.add(convention)
        db.session.flush()
        convention.signed_document = store(
            files.upload_storage(files.pdf("Convention"), "convention.pdf"),
            dossier_id=dossier.id, kind=DocumentKind.CONVENTION, convention_id=convention.id,
            organisation_id=convention.organisation_id)
        return document.storage_name

    return run_in(app, build)


def _state(app, storage_name):
    with app.app_context():
        counts = table_counts()
        document = db.session.scalar(select(Document).where(
            Document.storage_name == storage_name))
        content = path_of(document).read_bytes()
        title = db.session.scalar(select(Dossier.title))
        visibility = sorted((d.original_name, d.kind, d.convention_id, d.organisation_id)
                            for d in db.session.scalars(select(Document)))
        db.session.remove()
    return counts, content, title, visibility


def test_a_postgresql_backup_restores_into_an_empty_database(tmp_path):
    needs_postgres()
    source_name, source = scratch_app_for(tmp_path / "source")
    target_name, target = scratch_app_for(tmp_path / "target", migrate=False)
    try:
        storage_name = _fill(source)
        result = source.test_cli_runner().invoke(backup_command, [str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "backup" / "database.dump").read_bytes()[:5] == b"PGDMP"
        result = target.test_cli_runner().invoke(restore_command, [str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        before, after = _state(source, storage_name), _state(target, storage_name)
        assert after == before
        assert after[1] == files.pdf("Plan") and after[2] == "Café des possibles"
        assert after[0]["dossier"] == 1 and after[0]["audit_entry"] >= 1
        assert [row[1] for row in after[3]] == ["convention", "holder"]
        # Restoring again would overwrite: refused, and nothing changes.
        again = target.test_cli_runner().invoke(restore_command, [str(tmp_path / "backup")])
        assert again.exit_code == 1 and "not empty" in again.output
        assert _state(target, storage_name) == before
    finally:
        dispose(source_name, source)
        dispose(target_name, target)


def test_a_sqlite_backup_restores_into_an_empty_database(tmp_path):
    from flask_migrate import upgrade

    source = make_app(f"sqlite:///{tmp_path / 'source.db'}", tmp_path / "source")
    with source.app_context():
        upgrade()
    storage_name = _fill(source)
    result = source.test_cli_runner().invoke(backup_command, [str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    sqlite3.connect(tmp_path / "backup" / "database.sqlite3").execute(
        "SELECT count(*) FROM dossier").fetchone()
    target = make_app(f"sqlite:///{tmp_path / 'target.db'}", tmp_path / "target")
    result = target.test_cli_runner().invoke(restore_command, [str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    assert _state(target, storage_name) == _state(source, storage_name)
    with source.app_context():
        db.engine.dispose()
    with target.app_context():
        db.engine.dispose()
    source.extensions["celery"].set_current()


def test_a_backup_goes_into_a_new_directory_only(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "x")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.txt").write_text("keep me")
    result = app.test_cli_runner().invoke(backup_command, [str(tmp_path / "used")])
    assert result.exit_code == 1 and "not empty" in result.output
    assert (tmp_path / "used" / "old.txt").read_text() == "keep me"


def test_an_in_memory_database_cannot_be_backed_up_and_the_operator_reads_why(tmp_path):
    app = make_app("sqlite://", tmp_path / "x")
    result = app.test_cli_runner().invoke(backup_command, [str(tmp_path / "backup")])
    assert result.exit_code == 1 and "in-memory SQLite" in result.output


def test_a_restore_that_changes_who_sees_a_document_is_refused(tmp_path):
    """The row counts alone would not notice a document restored as another kind."""
    from flask_migrate import upgrade

    source = make_app(f"sqlite:///{tmp_path / 'source.db'}", tmp_path / "source")
    with source.app_context():
        upgrade()
    _fill(source)
    result = source.test_cli_runner().invoke(backup_command, [str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tallies"]["document.kind"] == {"convention": 1, "holder": 1}
    copy = sqlite3.connect(tmp_path / "backup" / "database.sqlite3")
    with copy:
        copy.execute("UPDATE document SET kind = 'holder'")
    copy.close()
    target = make_app(f"sqlite:///{tmp_path / 'target.db'}", tmp_path / "target")
    result = target.test_cli_runner().invoke(restore_command, [str(tmp_path / "backup")])
    assert result.exit_code == 1 and "who may see what differs" in result.output
    with target.app_context():
        assert tallies()["document.kind"] == {"holder": 2}
        db.engine.dispose()
    with source.app_context():
        db.engine.dispose()
    source.extensions["celery"].set_current()
