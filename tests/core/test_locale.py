"""The language of the pages: the user's setting, then the browser, then French; and the way
dates, numbers and amounts are written in each."""

from datetime import UTC, datetime

from murporteur.accounts.models import User
from murporteur.core.templating import euros, paris_date, paris_datetime
from murporteur.extensions import db
from tests.conftest import login
from tests.factories import AnimatorFactory
from tests.helpers import text


def _lang(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_browser_language_is_used_when_the_user_chose_none(client):
    assert _lang(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})) == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})) == "fr"
    # A language we do not have: French, the default.
    assert _lang(client.get("/", headers={"Accept-Language": "de-DE"})) == "fr"


def test_the_users_setting_wins_over_the_browser(app):
    animator = AnimatorFactory(locale="en")
    client = app.test_client()
    login(client, animator)
    page = client.get("/instruction/", headers={"Accept-Language": "fr"})
    assert _lang(page) == "en"
    assert "Sign out" in text(page)


def test_the_account_page_sets_the_language_for_every_later_visit(app):
    animator = AnimatorFactory(locale=None)
    client = app.test_client()
    login(client, animator)
    page = client.get("/compte/mot-de-passe", headers={"Accept-Language": "fr"})
    assert 'for="locale"' in page.get_data(as_text=True)
    assert "Langue de l'interface" in text(page)
    response = client.post("/langue", data={"locale": "en", "next": "/compte/mot-de-passe"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/compte/mot-de-passe")
    db.session.expire_all()
    assert db.session.get(User, animator.id).locale == "en"
    # Another browser, set to French: the setting follows the person.
    other = app.test_client()
    login(other, animator)
    assert _lang(other.get("/compte/mot-de-passe", headers={"Accept-Language": "fr"})) == "en"


def test_an_unknown_language_is_ignored(app):
    animator = AnimatorFactory(locale="fr")
    client = app.test_client()
    login(client, animator)
    client.post("/langue", data={"locale": "de", "next": "/"})
    db.session.expire_all()
    assert db.session.get(User, animator.id).locale == "fr"


def test_dates_numbers_and_amounts_follow_the_language(app):
    from flask_babel import force_locale, format_decimal

    moment = datetime(2026, 3, 5, 13, 30, tzinfo=UTC)  # 14:30 in Paris
    with app.test_request_context("/"):
        with force_locale("fr"):
            assert euros(123456).replace("\u202f", " ").replace("\u00a0", " ") == "1 234,56 €"
            assert paris_date(moment) == "5 mars 2026"
            assert paris_datetime(moment) == "5 mars 2026 à 14:30"
            assert format_decimal(1234.5).replace("\u202f", " ") == "1 234,5"
        with force_locale("en"):
            assert euros(123456) == "€1,234.56"
            assert paris_date(moment) == "5 March 2026"
            assert paris_datetime(moment) == "5 March 2026 at 14:30"
            assert format_decimal(1234.5) == "1,234.5"


def test_the_accessibility_statement_is_public_and_linked_from_every_page(client):
    home = client.get("/")
    assert 'href="/accessibilite"' in home.get_data(as_text=True)
    assert "Accessibilité : non conforme" in text(home)
    page = client.get("/accessibilite")
    assert page.status_code == 200
    body = text(page)
    for heading in ("Déclaration d'accessibilité", "État de conformité", "Résultats des tests",
                    "Contenus non accessibles", "Dérogations pour charge disproportionnée",
                    "Environnement de test", "Retour d'information et contact",
                    "Voies de recours", "Défenseur des droits"):
        assert heading in body, heading
    assert "24 novembre 2026" in body


def test_a_moment_shown_again_follows_the_language_and_the_season(app):
    """Moments are remembered once laid out (``core.templating._moment``): the same one in
    another language, or another custom format, is laid out anew."""
    from flask_babel import force_locale

    winter = datetime(2026, 1, 15, 8, 5, tzinfo=UTC)  # 09:05 in Paris (UTC+1)
    summer = datetime(2026, 7, 15, 8, 5, tzinfo=UTC)  # 10:05 in Paris (UTC+2)
    with app.test_request_context("/"):
        for _twice in range(2):
            with force_locale("fr"):
                assert paris_datetime(winter) == "15 janvier 2026 à 09:05"
                assert paris_datetime(summer) == "15 juillet 2026 à 10:05"
                assert paris_datetime(summer, "HH:mm") == "10:05"
            with force_locale("en"):
                assert paris_datetime(winter) == "15 January 2026 at 09:05"
                assert paris_datetime(summer, "EEEE HH:mm") == "Wednesday 10:05"
