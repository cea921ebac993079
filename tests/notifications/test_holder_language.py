"""Issue 17, item 8: the language a holder filled the form in is the language of every later
mail and notification to them; the bell's titles follow the reader's language of the moment."""

from sqlalchemy import select

from murporteur.extensions import db
from murporteur.notifications.models import InAppNotification
from murporteur.submissions import services
from murporteur.submissions.models import Dossier
from tests.factories import AnimatorFactory, HolderFactory
from tests.helpers import link_in, outbox, text
from tests.submissions.test_idea_form import answers


def _send_in_english(client) -> Dossier:
    client.post("/langue", data={"locale": "en", "next": "/"})
    response = client.post("/deposer", data=answers(), content_type="multipart/form-data")
    assert response.status_code == 302
    return db.session.scalars(select(Dossier)).one()


def test_an_idea_filled_in_english_gets_every_later_mail_in_english(app, client):
    dossier = _send_in_english(client)
    assert dossier.holder.locale == "en"
    receipt, = outbox("dossier_receipt")
    assert receipt.locale == "en"
    assert "Application" in receipt.subject or "application" in receipt.subject
    # Later, from a French-speaking animator's request, the holder still reads English.
    animator = AnimatorFactory(locale="fr")
    services.post_message(dossier, animator, "Pouvez-vous préciser le budget ?", [])
    db.session.commit()
    news, = outbox("message_for_holder")
    assert news.locale == "en"


def test_a_holder_who_already_has_an_account_gets_the_language_of_the_form(app, client):
    HolderFactory(email="amina@example.org", locale="fr")
    dossier = _send_in_english(client)
    assert dossier.holder.locale == "en"
    assert outbox("dossier_receipt")[0].locale == "en"


def test_the_bell_speaks_the_readers_language_of_the_moment(app, client):
    dossier = _send_in_english(client)
    animator = AnimatorFactory(locale="fr")
    services.post_message(dossier, animator, "Pouvez-vous préciser le budget ?", [])
    db.session.commit()
    entry = db.session.scalars(select(InAppNotification).where(
        InAppNotification.user_id == dossier.holder_id)).first()
    assert entry is not None and set(entry.subjects) == {"fr", "en"}
    browser = app.test_client()
    receipt, = outbox("dossier_receipt")
    browser.post(link_in(receipt))
    english = text(browser.get("/notifications"))
    assert entry.subjects["en"] in english and entry.subjects["fr"] not in english
    browser.post("/langue", data={"locale": "fr", "next": "/"})
    french = text(browser.get("/notifications"))
    assert entry.subjects["fr"] in french and entry.subjects["en"] not in french
