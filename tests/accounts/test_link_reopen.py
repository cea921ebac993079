"""Issue 17, item 7: the receipt's link opened again. On the device that used it, it keeps
working until it expires; anywhere else (or after a logout) the page offers a fresh link in
one click, to the address on record, never an empty e-mail field."""

from datetime import timedelta

from murporteur.accounts import services
from murporteur.accounts.models import TokenPurpose
from murporteur.core.db import utcnow
from murporteur.extensions import db
from tests.factories import AnimatorFactory, HolderFactory, submitted_dossier
from tests.helpers import link_in, outbox, text


def _receipt_link(dossier) -> str:
    db.session.commit()
    from murporteur.notifications.delivery import deliver

    receipt = next(m for m in outbox("dossier_receipt") if m.dossier_id == dossier.id)
    deliver(receipt.id)
    receipt = next(m for m in outbox("dossier_receipt") if m.dossier_id == dossier.id)
    return link_in(receipt)


def test_the_receipt_link_opens_again_on_the_device_that_used_it(app, client):
    dossier = submitted_dossier()
    path = _receipt_link(dossier)
    first = client.post(path)
    assert first.status_code == 302
    dossier_page = first.headers["Location"]
    assert dossier_page.endswith(f"/mes-dossiers/{dossier.public_id}")
    # The next days, the browser closed (its session cookie gone), the same link again.
    for _day in range(2):
        client.delete_cookie("session")
        again = client.get(path)
        assert again.status_code == 302, text(again)
        assert again.headers["Location"] == dossier_page
        assert dossier.title in text(client.get(dossier_page))


def test_another_device_is_offered_a_fresh_link_in_one_click(app, client):
    dossier = submitted_dossier(holder=HolderFactory(email="amina.diallo@example.org"))
    path = _receipt_link(dossier)
    assert client.post(path).status_code == 302
    other = app.test_client()
    refused = other.get(path)
    assert refused.status_code == 410
    page = text(refused)
    assert "Ce lien a déjà servi" in page
    assert "Recevoir un nouveau lien à am•••@example.org" in page
    assert 'name="email"' not in refused.get_data(as_text=True)  # no address to type
    assert other.get(f"/mes-dossiers/{dossier.public_id}").status_code == 302  # not logged in
    sent = other.post(f"{path}/nouveau")
    assert sent.status_code == 302
    assert "Un nouveau lien vient d'être envoyé à am•••@example.org" in text(
        other.get(sent.headers["Location"]))
    mail, = outbox("login_link")
    assert mail.recipient_email == "amina.diallo@example.org"
    # The fresh link leads to the same dossier.
    opened = other.post(link_in(mail) if mail.text_body else _rendered_link(mail))
    assert opened.headers["Location"].endswith(f"/mes-dossiers/{dossier.public_id}")


def _rendered_link(mail) -> str:
    return mail.context["login_url"].split("murporteur.test", 1)[1]


def test_an_expired_link_offers_a_fresh_one_too(app, client):
    holder = HolderFactory(email="bob@example.org")
    link = services.issue_link(holder, TokenPurpose.LOGIN)
    link.token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    response = client.get(f"/lien/{link.signed}")
    assert response.status_code == 410
    assert "Ce lien a expiré" in text(response)
    assert "Recevoir un nouveau lien à bo•••@example.org" in text(response)


def test_a_used_link_no_longer_opens_once_it_has_expired_even_on_its_device(app, client):
    holder = HolderFactory()
    link = services.issue_link(holder, TokenPurpose.LOGIN)
    assert client.post(f"/lien/{link.signed}").status_code == 302
    client.delete_cookie("session")
    link.token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert client.get(f"/lien/{link.signed}").status_code == 410
    assert client.get("/mes-dossiers").status_code == 302  # to the login page


def test_after_a_logout_the_device_no_longer_reopens_the_link(app, client):
    holder = HolderFactory()
    link = services.issue_link(holder, TokenPurpose.LOGIN)
    assert client.post(f"/lien/{link.signed}").status_code == 302
    assert client.post("/deconnexion").status_code == 302
    response = client.get(f"/lien/{link.signed}")
    assert response.status_code == 410
    assert client.get("/mes-dossiers").status_code == 302


def test_a_device_cookie_cannot_be_forged_or_carried_to_another_link(app, client):
    holder = HolderFactory()
    first = services.issue_link(holder, TokenPurpose.LOGIN)
    second = services.issue_link(holder, TokenPurpose.LOGIN)
    services.consume_link(second.signed)
    assert client.post(f"/lien/{first.signed}").status_code == 302
    client.delete_cookie("session")
    # The cookie names the link used here, not the other one used elsewhere.
    assert client.get(f"/lien/{second.signed}").status_code == 410
    forged = app.test_client()
    forged.set_cookie("mp_links", f"[[{second.token.id},{holder.session_version}]]")
    assert forged.get(f"/lien/{second.signed}").status_code == 410


def test_no_fresh_link_for_an_altered_link_nor_for_staff(app, client):
    staff = AnimatorFactory()
    tampered = "abc.def.ghi"
    response = client.get(f"/lien/{tampered}")
    assert response.status_code == 404
    assert 'name="email"' in response.get_data(as_text=True)  # nothing known: ask
    assert client.post(f"/lien/{tampered}/nouveau").status_code == 302
    reset = services.issue_link(staff, TokenPurpose.PASSWORD_RESET)
    assert client.post(f"/lien/{reset.signed}/nouveau").status_code == 302
    assert outbox("login_link") == []
