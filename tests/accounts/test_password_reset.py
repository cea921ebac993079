"""Forgotten passwords: a link by e-mail, signed, single-use and expiring; and Argon2 hashes
upgraded at login when the parameters change."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from murporteur.accounts import services
from murporteur.accounts.models import TokenPurpose
from murporteur.core.db import utcnow
from murporteur.extensions import db
from tests.conftest import login
from tests.factories import PASSWORD, AnimatorFactory, HolderFactory
from tests.helpers import SECOND_STEP, link_in, outbox, second_step, text

NEW = "une phrase de passe toute neuve"


def _reset_link(client, user) -> str:
    client.post("/mot-de-passe-oublie", data={"email": user.email})
    mail, = outbox("password_reset", to=user.email)
    path = link_in(mail)
    assert path.startswith("/mot-de-passe/")
    return path


def test_the_request_page_answers_the_same_for_known_and_unknown_addresses(client):
    animator = AnimatorFactory()
    known = client.post("/mot-de-passe-oublie", data={"email": animator.email})
    known_page = text(client.get(known.headers["Location"]))
    unknown = client.post("/mot-de-passe-oublie", data={"email": "inconnu@example.org"})
    unknown_page = text(client.get(unknown.headers["Location"]))
    assert known.status_code == unknown.status_code == 302
    assert known_page.replace(animator.email, "X") == unknown_page.replace(
        "inconnu@example.org", "X")
    assert "Si un compte existe pour" in known_page
    assert [m.recipient_email for m in outbox("password_reset")] == [animator.email]


def test_the_mail_carries_the_link_and_its_validity(client):
    animator = AnimatorFactory(full_name="Camille Dubois")
    client.post("/mot-de-passe-oublie", data={"email": animator.email})
    mail, = outbox("password_reset")
    assert mail.sensitive
    assert mail.context["full_name"] == "Camille Dubois"
    assert mail.context["hours"] == 2
    assert mail.context["reset_url"].startswith("http://murporteur.test/mot-de-passe/")
    from murporteur.notifications.delivery import render

    subject, body, html = render(mail)
    assert "nouveau mot de passe" in subject
    assert mail.context["reset_url"] in body and mail.context["reset_url"] in html
    assert "2 heures" in body


def test_a_deactivated_account_gets_no_mail(client):
    animator = AnimatorFactory(active=False)
    response = client.post("/mot-de-passe-oublie", data={"email": animator.email})
    assert response.status_code == 302
    assert outbox("password_reset") == []


def test_a_malformed_address_is_explained_and_kept(client):
    response = client.post("/mot-de-passe-oublie", data={"email": "pas une adresse"})
    assert response.status_code == 422
    assert "ne semble pas valide" in text(response)
    assert 'value="pas une adresse"' in response.get_data(as_text=True)


def test_opening_the_link_spends_nothing_the_post_sets_the_password_and_logs_in(app, client):
    animator = AnimatorFactory()
    path = _reset_link(client, animator)
    browser = app.test_client()
    # A mail scanner opening the link twice does not spend it.
    assert browser.get(path).status_code == 200
    assert "Choisir un nouveau mot de passe" in text(browser.get(path))
    response = browser.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    # A new password does not skip the second factor.
    assert response.headers["Location"] == SECOND_STEP
    assert browser.get("/instruction/").status_code == 302
    assert second_step(browser, animator).headers["Location"] == "/instruction/"
    assert browser.get("/instruction/").status_code == 200
    db.session.expire_all()
    assert services.authenticate(animator.email, NEW) is animator
    assert services.authenticate(animator.email, PASSWORD) is None


def test_the_link_serves_once(app, client):
    animator = AnimatorFactory()
    path = _reset_link(client, animator)
    browser = app.test_client()
    browser.post(path, data={"password": NEW, "confirm": NEW})
    again = app.test_client()
    response = again.get(path)
    assert response.status_code == 410
    assert "Ce lien a déjà servi" in text(response)
    response = again.post(path, data={"password": "encore un autre mot", "confirm":
                                      "encore un autre mot"})
    assert response.status_code == 410
    db.session.expire_all()
    assert services.authenticate(animator.email, NEW) is animator


def test_a_reset_ends_every_other_session_and_spends_the_other_links(app, client):
    animator = AnimatorFactory()
    elsewhere = app.test_client()
    login(elsewhere, animator)
    first = _reset_link(client, animator)
    client.post("/mot-de-passe-oublie", data={"email": animator.email})
    second = link_in(outbox("password_reset")[-1])
    assert first != second
    app.test_client().post(second, data={"password": NEW, "confirm": NEW})
    # The session opened before the reset is over.
    response = elsewhere.get("/instruction/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    # The other link sent before is spent too.
    assert app.test_client().get(first).status_code == 410


def test_a_short_or_mismatched_password_is_explained_and_the_link_kept(app, client):
    animator = AnimatorFactory()
    path = _reset_link(client, animator)
    browser = app.test_client()
    response = browser.post(path, data={"password": "court", "confirm": "court"})
    assert response.status_code == 422
    assert "au moins 12 caractères" in text(response)
    response = browser.post(path, data={"password": NEW, "confirm": NEW + "x"})
    assert response.status_code == 422
    assert "ne sont pas identiques" in text(response)
    assert browser.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302


def test_an_expired_link_is_refused_with_a_new_request_form(app, client):
    animator = AnimatorFactory()
    path = _reset_link(client, animator)
    access = db.session.scalars(db.select(services.AccessToken).where(
        services.AccessToken.purpose == TokenPurpose.PASSWORD_RESET)).one()
    access.expires_at = utcnow() - timedelta(minutes=1)
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "Ce lien a expiré." in text(response)
    assert 'action="/mot-de-passe-oublie"' in response.get_data(as_text=True)
    response = app.test_client().post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 410
    db.session.expire_all()
    assert services.authenticate(animator.email, NEW) is None


def test_an_altered_link_is_refused(app):
    response = app.test_client().get("/mot-de-passe/pas-un-vrai-lien")
    assert response.status_code == 404
    assert "Ce lien n'est pas valide." in text(response)


def test_a_reset_link_does_not_log_in_and_a_login_link_does_not_reset(app, client):
    holder = HolderFactory()
    reset = _reset_link(client, holder)
    token = reset.rsplit("/", 1)[1]
    # The reset link, used as a login link, opens nothing.
    assert app.test_client().get(f"/lien/{token}").status_code == 404
    login_link = services.issue_link(holder, TokenPurpose.LOGIN)
    assert app.test_client().get(f"/mot-de-passe/{login_link.signed}").status_code == 404


def test_the_reset_link_lives_for_the_configured_hours(app):
    holder = HolderFactory()
    link = services.issue_link(holder, TokenPurpose.PASSWORD_RESET)
    assert link.token.expires_at - link.token.created_at == timedelta(hours=2)
    later = link.token.created_at + timedelta(hours=2, minutes=1)
    with pytest.raises(services.LinkInvalid) as refused:
        services.check_link(link.signed, now=later, purposes=(TokenPurpose.PASSWORD_RESET,))
    assert refused.value.expired


def test_the_login_page_offers_the_reset(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert 'href="/mot-de-passe-oublie"' in page


def test_a_hash_made_with_weaker_parameters_is_upgraded_at_login(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")  # its hasher, not the tests'
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    animator = AnimatorFactory(password_hash=weak)
    login(client, animator)
    db.session.expire_all()
    assert animator.password_hash != weak
    assert animator.password_hash.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(animator.password_hash)
    assert services.authenticate(animator.email, PASSWORD) is animator
