"""Uploads scanned by ClamAV (a real TCP server speaking INSTREAM, in-process): withheld until
clean, infected ones quarantined and the holder told; and the other upload guards: the size
limit before the body is read, clean names, served as attachments that browsers never sniff."""

import io
import socket

import pytest

from murporteur.core.aftercommit import run_committed
from murporteur.extensions import db
from murporteur.submissions import scanning
from murporteur.submissions.models import Document
from murporteur.submissions.uploads import path_of, store
from tests import files
from tests.conftest import login
from tests.factories import UserFactory, submitted_dossier
from tests.helpers import outbox, text
from tests.submissions.clamd_server import EICAR, FakeClamd


@pytest.fixture
def clamd(app, monkeypatch, tmp_path):
    with FakeClamd() as server:
        monkeypatch.setitem(app.config, "CLAMD_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "CLAMD_PORT", server.port)
        monkeypatch.setitem(app.config, "QUARANTINE_DIR", str(tmp_path / "quarantine"))
        yield server


@pytest.fixture
def holder_client(app):
    holder = UserFactory(full_name="Amina Diallo")
    client = app.test_client()
    login(client, holder)
    return holder, client


def _upload(dossier, content, name="plan.pdf"):
    document = store(files.upload_storage(content, name), dossier_id=dossier.id,
                     uploaded_by_id=dossier.holder_id)
    return document


def _commit_and_scan():
    db.session.commit()
    run_committed(db.session)  # what happens after each request
    db.session.expire_all()


def _dead_port() -> int:
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_file_is_withheld_until_the_daemon_answers_then_served_once_clean(
        app, clamd, holder_client, monkeypatch):
    holder, client = holder_client
    dossier = submitted_dossier(holder=holder)
    monkeypatch.setitem(app.config, "CLAMD_PORT", _dead_port())  # the daemon is down
    document = _upload(dossier, files.pdf("Budget"))
    assert document.scan_status == "pending"
    _commit_and_scan()  # the daemon does not answer: the file waits
    assert document.scan_status == "pending"
    response = client.get(f"/documents/{document.public_id}")
    assert response.status_code == 409
    assert "est en cours d'analyse antivirus" in text(response)
    page = client.get(f"/mes-dossiers/{dossier.public_id}")
    assert "en cours d'analyse" in text(page)
    # The daemon is back: the beat task scans what still waits.
    monkeypatch.setitem(app.config, "CLAMD_PORT", clamd.port)
    from murporteur.submissions import tasks

    monkeypatch.setattr(tasks, "STALE_SCAN", tasks.STALE_SCAN * 0)
    assert tasks.rescan_pending.apply().get() == 1
    db.session.expire_all()
    assert document.scan_status == "clean" and document.scanned_at is not None
    assert clamd.scanned == [files.pdf("Budget")]
    response = client.get(f"/documents/{document.public_id}")
    assert response.status_code == 200 and response.data == files.pdf("Budget")


def test_an_infected_file_is_quarantined_and_the_holder_told(app, clamd, holder_client):
    holder, client = holder_client
    dossier = submitted_dossier(holder=holder)
    infected = files.pdf("Bonjour") + b"%" + EICAR + b"\n"
    document = _upload(dossier, infected, "devis.pdf")
    stored_at = path_of(document)
    _commit_and_scan()
    assert document.scan_status == "infected"
    assert not stored_at.exists()
    assert scanning.quarantine_path(document).read_bytes() == infected
    mails = outbox("document_infected", to=holder.email)
    assert len(mails) == 1
    from murporteur.notifications.delivery import render

    subject, body, _html = render(mails[0])
    assert subject == "Un fichier que vous avez envoyé contient un virus"
    assert "« devis.pdf »" in body and dossier.number in body
    response = client.get(f"/documents/{document.public_id}")
    assert response.status_code == 409
    assert "Un virus a été détecté dans « devis.pdf »" in text(response)
    assert "virus détecté : fichier mis en quarantaine" in text(
        client.get(f"/mes-dossiers/{dossier.public_id}"))


def test_scanning_twice_is_harmless(app, clamd, holder_client):
    holder, _client = holder_client
    document = _upload(submitted_dossier(holder=holder), files.pdf())
    _commit_and_scan()
    assert scanning.scan(document.id) == "clean"
    assert len(clamd.scanned) == 1


def test_without_a_daemon_files_are_served_at_once_as_attachments_never_sniffed(
        app, holder_client):
    holder, client = holder_client
    dossier = submitted_dossier(holder=holder)
    document = _upload(dossier, files.png(), "../../photo\x00 du local")
    assert document.scan_status == "unscanned"
    assert document.original_name == "photo du local"
    response = client.get(f"/documents/{document.public_id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="photo du local.png"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "image/png"


class _CountingStream(io.BytesIO):
    consumed = 0

    def read(self, size=-1):
        data = super().read(size)
        self.consumed += len(data)
        return data


def test_a_body_over_the_limit_is_refused_before_it_is_read(app, monkeypatch, holder_client):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    holder, client = holder_client
    dossier = submitted_dossier(holder=holder)
    db.session.commit()
    body = (b"--b\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nBonjour\r\n"
            b"--b\r\nContent-Disposition: form-data; name=\"attachments\"; "
            b"filename=\"gros.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            + files.pdf() + b"0" * 50_000 + b"\r\n--b--\r\n")
    stream = _CountingStream(body)
    response = client.post(f"/mes-dossiers/{dossier.public_id}/messages", csrf=False,
                           input_stream=stream, content_length=len(body),
                           content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
    assert "Envoi trop volumineux" in text(response)
    assert stream.consumed < len(body) // 2
    db.session.expire_all()
    assert db.session.query(Document).filter_by(dossier_id=dossier.id).count() == 0


def test_the_daemon_may_listen_on_a_unix_socket(app, monkeypatch, tmp_path, holder_client):
    from tests.submissions.clamd_server import FakeClamdUnix

    holder, _client = holder_client
    with FakeClamdUnix(tmp_path / "clamd.sock") as server:
        monkeypatch.setitem(app.config, "CLAMD_SOCKET", str(tmp_path / "clamd.sock"))
        monkeypatch.setitem(app.config, "QUARANTINE_DIR", str(tmp_path / "quarantine"))
        document = _upload(submitted_dossier(holder=holder), files.pdf("x") + EICAR)
        _commit_and_scan()
    assert document.scan_status == "infected" and len(server.scanned) == 1
