"""The admin's outbox in words (issue 17): what each mail is and its state, never a raw key."""

from murporteur.notifications import services
from murporteur.notifications.models import OutboxState
from tests.conftest import login
from tests.factories import AdminFactory, HolderFactory
from tests.helpers import text


def test_the_outbox_names_each_mail_and_its_state_in_french(app):
    holder = HolderFactory()
    row = services.queue("login_link", holder, {"login_url": "http://murporteur.test/lien/x",
                                                "full_name": holder.full_name},
                         idempotency_key=f"test:{holder.id}:words")
    row.state = OutboxState.SENT
    client = app.test_client()
    login(client, AdminFactory())
    page = text(client.get("/admin/outbox/"))
    assert "login_link" not in page
    assert "Quand quelqu'un demande un lien pour retrouver ses dossiers" in page
    assert " sent " not in f" {page} " and "Envoyé" in page
