from murporteur.accounts.services import authenticate, hash_password
from murporteur.extensions import db
from tests.conftest import login
from tests.factories import AdminFactory, AnimatorFactory, HolderFactory, MemberFactory
from tests.helpers import SECOND_STEP, link_in, outbox, second_step, text


def test_an_animator_logs_in_and_lands_on_the_inbox(client):
    animator = AnimatorFactory()
    response = client.post("/connexion", data={"email": animator.email.upper(),
                                               "password": "correct horse battery"})
    # The password alone opens nothing: the code of the authenticator app comes next.
    assert response.headers["Location"] == SECOND_STEP
    assert client.get("/instruction/").status_code == 302
    assert second_step(client, animator).headers["Location"] == "/instruction/"
    assert client.get("/instruction/").status_code == 200


def test_each_role_lands_on_its_own_home(app):
    for factory, home in ((AdminFactory, "/admin/"), (MemberFactory, "/comite/"),
                          (HolderFactory, "/mes-dossiers")):
        user = factory(password_hash=hash_password("correct horse battery"))
        client = app.test_client()
        response = client.post("/connexion", data={"email": user.email,
                                                   "password": "correct horse battery"})
        if factory is AdminFactory:
            response = second_step(client, user)
        assert response.headers["Location"] == home


def test_a_wrong_password_says_so_without_telling_which_part_is_wrong(client):
    animator = AnimatorFactory()
    for email, password in ((animator.email, "wrong password"), ("nobody@example.org", "x")):
        response = client.post("/connexion", data={"email": email, "password": password})
        assert response.status_code == 422
        assert "Adresse e-mail ou mot de passe incorrect." in text(response)
        assert f'value="{email}"' in response.get_data(as_text=True)


def test_a_deactivated_account_cannot_log_in(client):
    animator = AnimatorFactory(active=False)
    response = client.post("/connexion", data={"email": animator.email,
                                               "password": "correct horse battery"})
    assert response.status_code == 422


def test_login_goes_back_to_the_page_asked_for_but_never_elsewhere(client):
    animator = AnimatorFactory()
    client.post("/connexion", data={"email": animator.email, "password": "correct horse battery",
                                    "next": "/instruction/?page=2"})
    assert second_step(client, animator).headers["Location"] == "/instruction/?page=2"
    other = AnimatorFactory()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client.post("/deconnexion")
        client.post("/connexion", data={"email": other.email,
                                        "password": "correct horse battery", "next": target})
        assert second_step(client, other).headers["Location"] == "/instruction/"


def test_logout_ends_the_session_on_the_server(app, client):
    animator = AnimatorFactory()
    login(client, animator)
    cookie = client.get_cookie("session").value
    assert client.post("/deconnexion").status_code == 302
    assert client.get("/instruction/").status_code == 302
    # The old cookie, replayed, no longer opens anything.
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/instruction/").status_code == 302


def test_logout_needs_the_csrf_token(client):
    animator = AnimatorFactory()
    login(client, animator)
    assert client.post("/deconnexion", csrf=False).status_code == 400
    assert client.get("/instruction/").status_code == 200


def test_passwords_are_hashed_with_argon2(app):
    user = AnimatorFactory()
    assert user.password_hash.startswith("$argon2id$")
    assert authenticate(user.email, "correct horse battery") is user
    assert authenticate(user.email, "Correct horse battery") is None


def test_a_link_request_gives_the_same_answer_for_known_and_unknown_addresses(client):
    holder = HolderFactory()
    known = client.post("/retrouver-mon-dossier", data={"email": holder.email})
    known_page = text(client.get(known.headers["Location"]))
    unknown = client.post("/retrouver-mon-dossier", data={"email": "inconnu@example.org"})
    unknown_page = text(client.get(unknown.headers["Location"]))
    assert known.status_code == unknown.status_code == 302
    assert known_page.replace(holder.email, "X") == unknown_page.replace(
        "inconnu@example.org", "X")
    assert "Si un dossier est associé à" in known_page
    assert [m.recipient_email for m in outbox("login_link")] == [holder.email]


def test_the_login_link_logs_the_holder_in(client, app):
    holder = HolderFactory()
    client.post("/retrouver-mon-dossier", data={"email": holder.email})
    mail, = outbox("login_link")
    browser = app.test_client()
    response = browser.post(link_in(mail))
    assert response.headers["Location"] == "/mes-dossiers"
    assert "Mes dossiers" in text(browser.get("/mes-dossiers"))


def test_a_malformed_address_is_explained(client):
    response = client.post("/retrouver-mon-dossier", data={"email": "pas une adresse"})
    assert response.status_code == 422
    assert "ne semble pas valide" in text(response)


def test_the_interface_switches_to_english_and_back(client):
    client.post("/langue", data={"locale": "en", "next": "/deposer"})
    page = text(client.get("/deposer"))
    assert "Submit an idea" in page and "Proposer une idée" not in page
    client.post("/langue", data={"locale": "fr", "next": "/"})
    assert "Proposer une idée" in text(client.get("/deposer"))


def test_the_language_switch_does_not_redirect_elsewhere(client):
    response = client.post("/langue", data={"locale": "en", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"


def test_a_logged_in_users_language_is_remembered(client):
    animator = AnimatorFactory()
    login(client, animator)
    client.post("/langue", data={"locale": "en", "next": "/"})
    db.session.expire_all()
    assert animator.locale == "en"


def test_outside_tests_passwords_are_hashed_with_argon2s_recommended_parameters(app):
    from argon2 import PasswordHasher
    from argon2.profiles import RFC_9106_LOW_MEMORY

    from murporteur.accounts import services

    recommended = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
    production = services.PRODUCTION_HASHER
    assert (production.time_cost, production.memory_cost, production.parallelism) == (
        recommended.time_cost, recommended.memory_cost, recommended.parallelism)
    app.config["ENV_NAME"] = "production"
    try:
        assert services.password_hasher() is production
    finally:
        app.config["ENV_NAME"] = "test"
    # The tests' cheap hasher is for tests only (the upgrade of a weaker hash at login:
    # tests/accounts/test_password_reset.py).
    assert services.password_hasher() is services.TEST_HASHER
