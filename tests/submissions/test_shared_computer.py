"""A shared computer: once the holder leaves (logout, or "forget this device" without an
account), the next person reaches none of their drafts, contact details or files."""

from sqlalchemy import select

from murporteur.extensions import db
from murporteur.submissions.models import Document, Dossier
from tests import files
from tests.conftest import login
from tests.factories import PASSWORD, HolderFactory
from tests.helpers import text
from tests.submissions.test_idea_form import answers

PERSONAL = ("Amina Diallo", "06 12 34 56 78", "amina@example.org")


def _save_draft(client) -> Dossier:
    response = client.post("/deposer", data=answers(
        action="save", documents=[files.upload(files.pdf(), "budget.pdf")]),
        content_type="multipart/form-data")
    assert response.status_code == 302
    return db.session.scalars(select(Dossier)).one()


def _shut_out(client, draft: Dossier) -> None:
    """The draft's page and its files no longer open from this browser, and an edit is
    refused: sent to ask for a link, nothing personal shown, nothing changed."""
    response = client.get(f"/deposer/{draft.public_id}")
    assert response.status_code == 302
    assert "/retrouver-mon-dossier" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert not any(value in page for value in PERSONAL)
    edit = client.post(f"/deposer/{draft.public_id}", data=answers(
        action="save", title="Changé par le suivant"), content_type="multipart/form-data")
    assert edit.status_code == 302 and "/retrouver-mon-dossier" in edit.headers["Location"]
    db.session.expire_all()
    assert draft.title == "Café solidaire au pied des immeubles"
    document = db.session.scalars(select(Document)).one()
    assert client.get(f"/documents/{document.public_id}").status_code == 404


def test_after_a_logout_the_drafts_of_the_session_are_out_of_reach(app, client):
    holder = HolderFactory(email="amina@example.org", password_hash=None)
    from murporteur.accounts.services import set_password

    set_password(holder, PASSWORD)
    login(client, holder, PASSWORD)
    draft = _save_draft(client)
    page = client.get(f"/deposer/{draft.public_id}").get_data(as_text=True)
    assert all(value in page for value in PERSONAL)
    assert client.post("/deconnexion").status_code == 302
    _shut_out(client, draft)


def test_a_holder_without_an_account_makes_the_device_forget_the_draft(client):
    draft = _save_draft(client)
    page = text(client.get(f"/deposer/{draft.public_id}"))
    assert "Quitter et oublier ce brouillon sur cet appareil" in page
    response = client.post("/oublier-cet-appareil")
    assert response.status_code == 302
    assert "Cet appareil a oublié vos brouillons" in text(client.get(response.headers["Location"]))
    _shut_out(client, draft)


def test_the_sent_idea_page_offers_to_forget_the_device_too(client):
    response = client.post("/deposer", data=answers(), content_type="multipart/form-data")
    confirmation = response.headers["Location"]
    assert "Quitter et oublier ce brouillon sur cet appareil" in text(client.get(confirmation))
    client.post("/oublier-cet-appareil")
    assert client.get(confirmation).status_code == 404


def test_a_staged_file_is_forgotten_with_the_device(client):
    client.post("/deposer", data=answers(title="", documents=[
        files.upload(files.pdf(), "budget.pdf")]), content_type="multipart/form-data")
    staged = db.session.scalars(select(Document)).one()
    assert client.get(f"/documents/{staged.public_id}").status_code == 200
    client.post("/oublier-cet-appareil")
    assert client.get(f"/documents/{staged.public_id}").status_code == 404
    assert "budget.pdf" not in text(client.get("/deposer"))


def test_the_language_chosen_survives_the_logout(client):
    holder = HolderFactory()
    from murporteur.accounts.services import set_password

    set_password(holder, PASSWORD)
    login(client, holder, PASSWORD)
    client.post("/langue", data={"locale": "en", "next": "/"})
    response = client.post("/deconnexion")
    assert "You have been signed out." in text(client.get(response.headers["Location"]))
