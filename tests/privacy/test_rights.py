"""A holder's rights: a copy of everything (zip), erasure that keeps the statistics, refused
while the collective still works on a dossier; consent recorded with its text."""

import io
import json
import zipfile

from sqlalchemy import select

from murporteur.accounts.models import User
from murporteur.audit.models import AuditEntry
from murporteur.conventions import services as conventions
from murporteur.extensions import db
from murporteur.privacy import services
from murporteur.submissions.forms import IdeaForm
from murporteur.submissions.models import Document, Dossier
from murporteur.submissions.services import (
    CONSENT_TEXTS,
    CONSENT_VERSION,
    post_message,
    withdraw_dossier,
)
from murporteur.submissions.uploads import path_of, store
from murporteur.triage.services import decide
from tests import files
from tests.conftest import login
from tests.conventions.test_services import supported_project
from tests.factories import DraftFactory, UserFactory, submitted_dossier
from tests.helpers import text


def _holder_with_history(animator):
    holder = UserFactory(email="amina@example.org", full_name="Amina Diallo")
    dossier = submitted_dossier(holder=holder, financing_amount_cents=800000,
                                support_kinds=["financing"])
    document = store(files.upload_storage(files.pdf("Budget"), "budget.pdf"),
                     dossier_id=dossier.id, uploaded_by_id=holder.id)
    post_message(dossier, holder, "Mon numéro perso : 06 99 99 99 99")
    decide(dossier, "decline", animator, "Motivation qui cite Amina Diallo.")
    draft = DraftFactory(holder=holder, title="Brouillon d'Amina")
    return holder, dossier, document, draft


def test_the_holder_downloads_a_zip_of_their_account_dossiers_messages_and_files(
        app, client, animator):
    holder, dossier, document, draft = _holder_with_history(animator)
    login(client, holder)
    dossier_page = client.get(f"/mes-dossiers/{dossier.public_id}")
    assert "Mes données personnelles : les télécharger ou demander leur effacement" in \
        text(dossier_page)
    page = client.get("/compte/mes-donnees")
    assert "Télécharger mes données (zip)" in text(page)
    response = client.get("/compte/mes-donnees.zip")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "amina@example.org"
    references = {d["reference"] for d in data["dossiers"]}
    assert references == {dossier.number, draft.public_id}
    exported = next(d for d in data["dossiers"] if d["reference"] == dossier.number)
    assert exported["consent"]["version"] == CONSENT_VERSION
    assert exported["consent"]["text"] == CONSENT_TEXTS[CONSENT_VERSION]
    assert [m["body"] for m in exported["messages"]] == ["Mon numéro perso : 06 99 99 99 99"]
    assert [h["to"] for h in exported["history"]] == ["submitted", "declined"]
    name = exported["documents"][0]["file"]
    assert archive.read(name) == files.pdf("Budget")
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "privacy.export")) is not None


def test_erasure_anonymises_personal_data_deletes_files_and_keeps_statistics(
        app, client, animator):
    holder, dossier, document, draft = _holder_with_history(animator)
    file_path = path_of(document)
    assert file_path.exists()
    login(client, holder)
    page = client.get("/compte/effacement")
    assert "Effacer définitivement mes données" in text(page)
    response = client.post("/compte/effacement", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Dossier, dossier.id)
    assert kept.contact_name == "" and kept.phone == "" and kept.summary == ""
    assert kept.title == services.ANONYMOUS_TITLE
    assert kept.anonymised_at is not None
    # What statistics need stays.
    assert kept.state == "declined" and kept.financing_amount_cents == 800000
    assert kept.submitted_at is not None and kept.number is not None
    assert [e.to_state for e in kept.events] == ["submitted", "declined"]
    assert all(e.comment == "" for e in kept.events)
    assert [m.body for m in kept.messages] == [""]
    assert not file_path.exists()
    assert db.session.get(Document, document.id).removed
    assert db.session.get(Dossier, draft.id) is None  # a draft is simply deleted
    account = db.session.get(User, holder.id)
    assert account.email.endswith("@anonyme.invalid") and account.full_name == ""
    assert not account.active
    # The browser is logged out, and the old address no longer logs in.
    assert client.get("/mes-dossiers").status_code == 302
    again = client.post("/connexion", data={"email": "amina@example.org",
                                            "password": "correct horse battery"})
    assert again.status_code != 302


def test_erasure_needs_the_confirmation_box(app, client, animator):
    holder, dossier, _document, _draft = _holder_with_history(animator)
    login(client, holder)
    response = client.post("/compte/effacement", data={})
    assert response.status_code == 422
    assert "Cochez la case pour confirmer l'effacement." in text(response)
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).anonymised_at is None


def test_erasure_is_refused_while_a_dossier_is_under_instruction(app, client):
    holder = UserFactory()
    dossier = submitted_dossier(holder=holder)
    login(client, holder)
    page = client.get("/compte/mes-donnees")
    assert "L'effacement n'est pas possible pour l'instant" in text(page)
    assert "est en cours d'instruction" in text(page)
    response = client.post("/compte/effacement", data={"confirm": "y"})
    assert response.status_code == 409
    assert "retirez-le d'abord, ou attendez la décision" in text(response)
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).contact_name == "Amina Diallo"
    assert db.session.get(User, holder.id).active
    # Once withdrawn, it may be erased.
    withdraw_dossier(dossier, holder)
    assert client.post("/compte/effacement", data={"confirm": "y"}).status_code == 302


def test_erasure_is_refused_while_a_convention_runs(app, animator):
    dossier, _organisations, _members = supported_project(animator)
    conventions.create_conventions(dossier, animator)
    dossier.state = "conventioned"
    reasons = services.erasure_obstacles(dossier.holder)
    assert reasons and "convention en cours" in reasons[0]


def test_the_consent_checkbox_shows_the_recorded_text_of_the_current_version(app):
    with app.test_request_context():
        assert str(IdeaForm().consent.label.text) == CONSENT_TEXTS[CONSENT_VERSION]


def test_a_submitted_dossier_keeps_the_consent_version(app):
    dossier = submitted_dossier()
    assert dossier.consent_version == CONSENT_VERSION and dossier.consent_at is not None


def test_the_privacy_page_says_what_is_kept_why_how_long_and_who_sees_it(app, client):
    page = text(client.get("/donnees-personnelles"))
    assert f"Version du texte : {CONSENT_VERSION}" in page
    assert "Un brouillon non modifié pendant 3 mois est supprimé" in page
    assert "14 jours avant" in page
    assert "anonymisé 24 mois après la décision" in page
    assert "Qui les voit" in page
    assert "télécharger toutes vos données" in page
