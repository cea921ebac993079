"""Personal API tokens: the rules, and the page /compte/api where they are made and revoked."""

from __future__ import annotations

import hashlib
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from murporteur.accounts.models import ApiToken, Role
from murporteur.api import services as api
from murporteur.api.token_views import bp as tokens_bp
from murporteur.core.errors import AccessDenied
from murporteur.extensions import db
from tests.conftest import login, make_app
from tests.factories import AdminFactory, AnimatorFactory, HolderFactory, MemberFactory
from tests.helpers import text

# --- The rules -----------------------------------------------------------------------------

def test_a_token_is_shown_once_and_only_its_digest_is_kept(app):
    animator = AnimatorFactory()
    token, plain = api.create_token(animator, "  Tableau de bord  ")
    assert re.fullmatch(r"mp_[A-Za-z0-9_-]{43}", plain)
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest()
    assert token.name == "Tableau de bord"
    stored = db.session.execute(select(ApiToken.__table__)).mappings().all()
    assert not any(plain in str(value) for row in stored for value in row.values())
    assert api.create_token(animator, "Autre")[1] != plain


def test_a_token_opens_the_api_for_its_user_and_notes_its_use(app):
    member = MemberFactory()
    token, plain = api.create_token(member, "Tableur")
    assert token.last_used_at is None
    assert api.user_for_token(plain) == member
    assert token.last_used_at is not None
    assert api.user_for_token(plain + "x") is None
    assert api.user_for_token(plain[3:]) is None  # without its prefix
    assert api.user_for_token("") is None and api.user_for_token(None) is None


def test_a_revoked_token_or_an_inactive_user_opens_nothing(app):
    member = MemberFactory()
    token, plain = api.create_token(member, "Tableur")
    api.revoke_token(token, member)
    assert token.revoked_at is not None and api.user_for_token(plain) is None
    api.revoke_token(token, member)  # twice is harmless
    _other, other_plain = api.create_token(member, "Autre")
    member.active = False
    assert api.user_for_token(other_plain) is None


def test_only_its_owner_revokes_a_token(app):
    token, _plain = api.create_token(MemberFactory(), "Tableur")
    with pytest.raises(AccessDenied):
        api.revoke_token(token, AnimatorFactory())
    assert token.revoked_at is None


@pytest.mark.parametrize("factory", [HolderFactory, AdminFactory])
def test_holders_and_admins_cannot_have_a_token(app, factory):
    with pytest.raises(api.TokenRefused, match="réservés"):
        api.create_token(factory(), "Tableur")
    assert db.session.scalar(select(ApiToken)) is None


def test_a_token_stops_when_its_user_becomes_an_admin(app):
    user = MemberFactory()
    _token, plain = api.create_token(user, "Tableur")
    user.role = Role.ADMIN
    assert api.user_for_token(plain) is None


def test_a_token_needs_a_name(app):
    with pytest.raises(api.TokenRefused, match="nom"):
        api.create_token(AnimatorFactory(), "   ")
    with pytest.raises(api.TokenRefused):
        api.create_token(AnimatorFactory(), "x" * 101)


# --- The page ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages_app(app, database_url, tmp_path_factory):
    """The application with the tokens page, until the lead registers it in create_app."""
    if "api_tokens" in app.blueprints:
        yield app
        return
    pages = make_app(database_url, tmp_path_factory.mktemp("tokens"))
    pages.register_blueprint(tokens_bp)  # before its first request, as create_app would
    with pages.app_context():
        upgrade()  # the suite's database: already at head, checked anyway
    yield pages
    with pages.app_context():
        db.engine.dispose()


@pytest.fixture
def browser(pages_app):
    return pages_app.test_client()


def test_the_page_creates_a_token_and_shows_it_once(pages_app, browser):
    animator = AnimatorFactory()
    login(browser, animator)
    assert "Vous n'avez encore aucun jeton." in text(browser.get("/compte/api"))
    response = browser.post("/compte/api", data={"name": "Tableau de bord"})
    assert response.status_code == 201
    page = text(response)
    assert "il ne sera plus jamais affiché" in page
    plain = re.search(r'value="(mp_[^"]+)"', response.get_data(as_text=True)).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == animator.id))
    assert token.name == "Tableau de bord"
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest()
    again = browser.get("/compte/api")
    assert plain not in again.get_data(as_text=True)
    assert "Tableau de bord" in text(again) and "Jamais" in text(again)
    # And it opens the API.
    assert browser.get("/api/v1/dossiers",
                       headers={"Authorization": f"Bearer {plain}"}).status_code == 200


def test_the_page_refuses_a_token_without_a_name(pages_app, browser):
    member = MemberFactory()
    login(browser, member)
    response = browser.post("/compte/api", data={"name": "  "})
    assert response.status_code == 422
    assert "Donnez un nom au jeton" in text(response)
    assert db.session.scalar(select(ApiToken)) is None


def test_the_page_revokes_a_token(pages_app, browser):
    member = MemberFactory()
    token, plain = api.create_token(member, "Tableur")
    login(browser, member)
    response = browser.post(f"/compte/api/{token.id}/revoquer")
    assert response.status_code == 302
    page = text(browser.get("/compte/api"))
    assert "Le jeton « Tableur » est révoqué" in page and "Révoqué le" in page
    db.session.expire_all()
    assert token.revoked_at is not None
    assert browser.get("/api/v1/dossiers",
                       headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_no_one_revokes_another_persons_token(pages_app, browser):
    token, _plain = api.create_token(MemberFactory(), "Tableur")
    login(browser, MemberFactory())
    assert browser.post(f"/compte/api/{token.id}/revoquer").status_code == 404
    db.session.expire_all()
    assert token.revoked_at is None


def test_revoking_needs_the_forms_csrf_token(pages_app, browser):
    member = MemberFactory()
    token, _plain = api.create_token(member, "Tableur")
    login(browser, member)
    assert browser.post(f"/compte/api/{token.id}/revoquer", csrf=False).status_code == 400
    db.session.expire_all()
    assert token.revoked_at is None


@pytest.mark.parametrize("factory", [HolderFactory, AdminFactory])
def test_holders_and_admins_do_not_get_the_page(pages_app, browser, factory):
    user = factory(password_hash=AnimatorFactory().password_hash)
    login(browser, user)
    assert browser.get("/compte/api").status_code == 403
    assert browser.post("/compte/api", data={"name": "Tableur"}).status_code == 403


def test_the_page_asks_to_log_in(pages_app, browser):
    response = browser.get("/compte/api")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
