"""Files sent with an idea form not saved yet ("staged"): kept so that nothing is lost, but
capped per browser and deleted by beat once they are a day old."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.submissions import uploads
from murporteur.submissions.models import Document, Dossier
from murporteur.submissions.tasks import purge_staged_uploads
from tests import files
from tests.factories import DraftFactory
from tests.helpers import sent_back, text
from tests.submissions.test_idea_form import answers

KIB = 1024


def _staged(name: str, *, key: str = "browser", age: timedelta = timedelta(0), **owner):
    document = uploads.store(files.upload_storage(files.pdf(), name),
                             staging_key=key if not owner else None, **owner)
    document.created_at = utcnow() - age
    db.session.flush()
    return document


def test_the_purge_deletes_old_staged_files_and_keeps_young_and_attached_ones(app):
    old = _staged("oublie.pdf", age=timedelta(hours=25))
    removed = _staged("retire.pdf", age=timedelta(hours=30))
    removed.removed = True
    young = _staged("recent.pdf", age=timedelta(hours=2))
    attached = _staged("joint.pdf", age=timedelta(days=40), dossier_id=DraftFactory().id)
    paths = {d.original_name: uploads.path_of(d) for d in (old, removed, young, attached)}
    assert all(path.exists() for path in paths.values())

    assert purge_staged_uploads() == 2
    remaining = set(db.session.scalars(select(Document.original_name)))
    assert remaining == {"recent.pdf", "joint.pdf"}
    assert not paths["oublie.pdf"].exists() and not paths["retire.pdf"].exists()
    assert paths["recent.pdf"].exists() and paths["joint.pdf"].exists()
    assert purge_staged_uploads() == 0  # a second run finds nothing


def test_the_purge_is_in_the_beat_schedule():
    from worker.schedule import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "murporteur.submissions.purge_staged_uploads" in tasks


def test_the_cap_refuses_the_extra_file_at_the_field_and_keeps_the_answers(
        app, client, monkeypatch):
    monkeypatch.setitem(app.config, "STAGED_UPLOAD_MAX_FILES", 2)
    response = sent_back(client, client.post(
        "/deposer", data=answers(summary="", documents=[
            files.upload(files.pdf(), "un.pdf"), files.upload(files.pdf(), "deux.pdf"),
            files.upload(files.pdf(), "trois.pdf")]), content_type="multipart/form-data"))
    html = response.get_data(as_text=True)
    errors = html[html.index('id="documents-upload-errors"'):]
    assert "« trois.pdf » n'a pas été gardé" in text(response)
    assert "2 fichiers ni 25 Mo" in errors
    assert 'value="Café solidaire au pied des immeubles"' in html  # the answers stay
    assert sorted(db.session.scalars(select(Document.original_name))) == ["deux.pdf", "un.pdf"]
    # Unticking a staged file does not make room: its bytes are still on disk.
    un = db.session.scalar(select(Document).where(Document.original_name == "un.pdf"))
    response = sent_back(client, client.post("/deposer", data=answers(
        summary="", remove_document=[un.public_id],
        documents=[files.upload(files.pdf(), "quatre.pdf")]),
        content_type="multipart/form-data"))
    assert "« quatre.pdf » n'a pas été gardé" in text(response)
    assert db.session.scalar(select(Document).where(Document.original_name == "quatre.pdf")) \
        is None
    # Once the form is complete, the kept file goes with the idea.
    response = client.post("/deposer", data=answers(), content_type="multipart/form-data")
    assert response.status_code == 302
    dossier = db.session.scalars(select(Dossier)).one()
    assert [d.original_name for d in dossier.documents if not d.removed] == ["deux.pdf"]


def test_the_cap_counts_bytes_too(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "STAGED_UPLOAD_MAX_MB", 1)
    big = files.pdf() + b"0" * (600 * KIB)
    root = Path(app.config["UPLOAD_DIR"])
    before = len(list(root.glob("*/*")))
    response = sent_back(client, client.post(
        "/deposer", data=answers(title="", documents=[
            files.upload(big, "plan.pdf"), files.upload(big, "budget.pdf")]),
        content_type="multipart/form-data"))
    assert "« budget.pdf » n'a pas été gardé" in text(response)
    document = db.session.scalars(select(Document)).one()
    assert document.original_name == "plan.pdf"
    assert len(list(root.glob("*/*"))) == before + 1  # the refused file left no bytes


def test_a_complete_idea_is_not_held_back_by_the_cap(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "STAGED_UPLOAD_MAX_FILES", 1)
    response = client.post("/deposer", data=answers(documents=[
        files.upload(files.pdf(), "un.pdf"), files.upload(files.pdf(), "deux.pdf")]),
        content_type="multipart/form-data")
    assert response.status_code == 302
    dossier = db.session.scalars(select(Dossier)).one()
    assert sorted(d.original_name for d in dossier.documents) == ["deux.pdf", "un.pdf"]
