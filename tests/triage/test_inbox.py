from datetime import UTC, datetime

import pytest

from murporteur.submissions import services
from murporteur.submissions.uploads import store
from murporteur.submissions.workflow import apply_transition
from tests import files
from tests.conftest import login
from tests.factories import (AdminFactory, AnimatorFactory, DraftFactory, HolderFactory,
                             MemberFactory, submitted_dossier)
from tests.helpers import outbox, text


@pytest.fixture
def animator_client(app):
    client = app.test_client()
    login(client, AnimatorFactory(full_name="Camille Dubois"))
    return client


def test_the_inbox_lists_submitted_dossiers_newest_first_with_their_state(animator_client):
    older, newer = DraftFactory(title="Repair café"), DraftFactory(title="Atelier vélo")
    services.submit_dossier(older, older.holder, now=datetime(2026, 2, 1, 9, tzinfo=UTC))
    services.submit_dossier(newer, newer.holder, now=datetime(2026, 3, 1, 9, tzinfo=UTC))
    apply_transition(older, "start_qualification", AnimatorFactory())
    DraftFactory(title="Brouillon secret")
    page = text(animator_client.get("/instruction/"))
    assert page.index("Atelier vélo") < page.index("Repair café")
    assert "Brouillon secret" not in page
    assert "À qualifier" in page and "En qualification" in page
    assert "Dossiers reçus (2)" in page


def test_the_inbox_pages_through_many_dossiers(app, animator_client, monkeypatch):
    from murporteur.triage import services as triage

    monkeypatch.setattr(triage, "PAGE_SIZE", 2)
    for _ in range(5):
        submitted_dossier()
    first = text(animator_client.get("/instruction/"))
    assert "Page 1 sur 3" in first
    last = text(animator_client.get("/instruction/?page=3"))
    assert "Page 3 sur 3" in last
    assert animator_client.get("/instruction/?page=abc").status_code == 200


def test_the_dossier_page_shows_answers_documents_and_history(animator_client):
    dossier = submitted_dossier(title="Recyclerie de la petite enfance")
    store(files.upload_storage(files.pdf(), "budget.pdf"), dossier_id=dossier.id)
    apply_transition(dossier, "request_info", AnimatorFactory(full_name="Nicolas Faure"),
                     "Pouvez-vous préciser le budget ?")
    page = text(animator_client.get(f"/instruction/dossiers/{dossier.number}"))
    assert "Recyclerie de la petite enfance" in page
    assert "Le Comptoir des Voisins" in page and "06 12 34 56 78" in page
    assert "budget.pdf" in page
    assert "Brouillon → À qualifier" in page
    assert "À qualifier → En attente du porteur" in page and "Nicolas Faure" in page
    assert "Pouvez-vous préciser le budget ?" in page
    assert "Accord sur les données donné le" in page


def test_an_animator_writes_to_the_holder_who_gets_an_email(animator_client):
    dossier = submitted_dossier()
    response = animator_client.post(f"/instruction/dossiers/{dossier.number}/messages",
                                    data={"body": "Quand pouvons-nous vous appeler ?"})
    assert response.status_code == 302
    assert "Quand pouvons-nous vous appeler ?" in text(animator_client.get(
        f"/instruction/dossiers/{dossier.number}"))
    mail, = outbox("message_for_holder")
    assert mail.recipient_email == dossier.holder.email
    assert "Camille Dubois" in mail.text_body and "/lien/" in mail.text_body


def test_a_refused_attachment_is_explained_and_the_message_not_posted(animator_client):
    dossier = submitted_dossier()
    response = animator_client.post(
        f"/instruction/dossiers/{dossier.number}/messages",
        data={"body": "Voici le modèle", "attachments": [files.upload(files.exe(), "x.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "n'est pas d'un type accepté" in text(response)
    assert outbox("message_for_holder") == []


@pytest.mark.parametrize("who", ["anonymous", "holder", "member", "admin"])
def test_only_animators_enter_the_workspace(app, who):
    dossier = submitted_dossier()
    client = app.test_client()
    if who != "anonymous":
        factory = {"holder": lambda: dossier.holder, "member": MemberFactory,
                   "admin": AdminFactory}[who]
        user = factory()
        if user.password_hash is None:
            user.password_hash = AnimatorFactory().password_hash
        login(client, user)
    for url in ("/instruction/", f"/instruction/dossiers/{dossier.number}"):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/connexion" in response.headers["Location"]
        else:
            assert response.status_code == 403
    response = client.post(f"/instruction/dossiers/{dossier.number}/messages",
                           data={"body": "intrus"})
    assert response.status_code in (302, 403)
    assert outbox("message_for_holder") == []


def test_an_unknown_dossier_is_not_found(animator_client):
    assert animator_client.get("/instruction/dossiers/MP-1999-0001").status_code == 404


def test_the_holder_of_one_dossier_does_not_see_another(app):
    mine, theirs = submitted_dossier(), submitted_dossier()
    client = app.test_client()
    holder = mine.holder
    holder.password_hash = AnimatorFactory().password_hash
    login(client, holder)
    assert client.get(f"/mes-dossiers/{theirs.public_id}").status_code == 404
    assert HolderFactory() is not None
