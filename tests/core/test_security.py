"""Security headers and CSP, cookies, rate limits and their 429 page, templates without inline
script or style."""

import re
from pathlib import Path

import pytest

from murporteur.settings import PROJECT_ROOT
from murporteur.submissions.uploads import store
from tests import files
from tests.conftest import login, make_app
from tests.factories import (
    PASSWORD,
    AnimatorFactory,
    HolderFactory,
    MemberFactory,
    submitted_dossier,
)
from tests.helpers import text

CSP_DIRECTIVES = ("default-src 'self'", "frame-ancestors 'none'", "form-action 'self'",
                  "base-uri 'self'", "object-src 'none'")


def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in CSP_DIRECTIVES:
        assert directive in csp, (directive, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_an_html_page_carries_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    _assert_security_headers(response)
    # Outside production, no HSTS: it would pin a development host to HTTPS.
    assert "Strict-Transport-Security" not in response.headers


def test_a_download_carries_the_security_headers(app):
    holder = HolderFactory(password_hash=AnimatorFactory().password_hash)
    dossier = submitted_dossier(holder=holder)
    document = store(files.upload_storage(files.pdf(), "plan.pdf"), dossier_id=dossier.id)
    client = app.test_client()
    login(client, holder, PASSWORD)
    response = client.get(f"/documents/{document.public_id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    _assert_security_headers(response)


def test_an_api_response_carries_the_security_headers(app, client):
    from murporteur.api.services import create_token

    _token, plain = create_token(MemberFactory(), "headers")
    for path, headers in (("/api/v1/stats", {}),
                          ("/api/v1/dossiers", {"Authorization": f"Bearer {plain}"}),
                          ("/api/v1/dossiers", {})):
        response = client.get(path, headers=headers)
        assert response.status_code in (200, 401)
        assert response.is_json
        _assert_security_headers(response)


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    login(client, AnimatorFactory())
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure  # plain HTTP outside production


def test_a_session_does_not_outlive_its_lifetime(app, client, monkeypatch):
    import time

    import itsdangerous.timed

    assert app.permanent_session_lifetime.total_seconds() == 12 * 3600
    login(client, AnimatorFactory())
    assert client.get("/instruction/").status_code == 200
    later = time.time() + 12 * 3600 + 60
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda _self: int(later))
    response = client.get("/instruction/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


@pytest.fixture
def production_app(app, database_url, tmp_path):
    return make_app(database_url, tmp_path, ENV_NAME="production", SESSION_COOKIE_SECURE=True,
                    REMEMBER_COOKIE_SECURE=True)


def test_in_production_https_answers_carry_hsts_and_the_cookie_is_secure(production_app):
    client = production_app.test_client()
    response = client.get("/connexion", base_url="https://murporteur.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    _assert_security_headers(response)
    set_cookie = response.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    # Behind the TLS proxy, its X-Forwarded-Proto counts as HTTPS too.
    forwarded = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in forwarded.headers


# --- Templates -----------------------------------------------------------------------------

#: E-mails and PDFs are not web pages: mail clients need inline styles, WeasyPrint reads <style>
#: (the PDFs' sources: ``*_pdf.html`` and the convention documents' ``conventions/pdf/``).
NOT_SERVED = ("notifications/", "conventions/pdf/")
INLINE = [(re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE), "style attribute"),
          (re.compile(r"<style\b", re.IGNORECASE), "<style> element"),
          (re.compile(r"<script\b(?![^>]*\bsrc=)", re.IGNORECASE), "inline <script>"),
          (re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE), "on* event attribute"),
          (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL")]


def _served_templates():
    root = PROJECT_ROOT / "templates"
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        if name.startswith(NOT_SERVED) or name.endswith("_pdf.html"):
            continue
        yield name, path


def test_no_served_template_holds_inline_script_or_style():
    found = []
    for name, path in _served_templates():
        source = Path(path).read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{line}: {what}")
    assert found == []


def test_the_template_scan_sees_what_it_looks_for():
    # The patterns catch what they must (a scan that finds nothing proves nothing otherwise).
    samples = ['<p style="color:red">', "<style>p{}</style>", "<script>alert(1)</script>",
               '<a onclick="x()">', '<a href="javascript:x()">']
    for sample, (pattern, _what) in zip(samples, INLINE, strict=True):
        assert pattern.search(sample)
    assert not INLINE[2][0].search('<script src="/static/app.js"></script>')
    assert len(list(_served_templates())) > 30


# --- Rate limits ---------------------------------------------------------------------------

@pytest.fixture
def limited_app(app, database_url, tmp_path):
    return make_app(database_url, tmp_path, RATE_LIMITS_ENABLED=True,
                    RATELIMIT_LOGIN="3 per minute", RATELIMIT_LINK="2 per minute",
                    RATELIMIT_IDEA="2 per minute")


def _from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_login_attempts_are_limited_per_address(limited_app):
    animator = AnimatorFactory()
    client = _from(limited_app, "203.0.113.7")
    for _attempt in range(3):
        response = client.post("/connexion", data={"email": animator.email,
                                                   "password": "wrong password"})
        assert response.status_code == 422
    response = client.post("/connexion", data={"email": animator.email,
                                               "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in text(response)
    assert "patientez quelques minutes" in text(response)
    assert int(response.headers["Retry-After"]) > 0
    _assert_security_headers(response)
    # Showing the page is not an attempt; another address is not concerned.
    assert client.get("/connexion").status_code == 200
    other = _from(limited_app, "203.0.113.8")
    login(other, animator)


def test_the_429_page_speaks_english_to_english_browsers(limited_app):
    client = _from(limited_app, "203.0.113.9")
    for _attempt in range(2):
        client.post("/retrouver-mon-dossier", data={"email": "a@example.org"})
    response = client.post("/retrouver-mon-dossier", data={"email": "a@example.org"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert '<html lang="en"' in response.get_data(as_text=True)
    from flask_babel import force_locale, gettext

    with limited_app.test_request_context(), force_locale("en"):
        title = gettext("Trop de tentatives")  # "Too many attempts" once the catalogue has it
    assert title in text(response)


def test_link_and_password_reset_requests_share_one_limit(limited_app):
    from tests.helpers import outbox

    holder = HolderFactory()
    client = _from(limited_app, "203.0.113.10")
    assert client.post("/retrouver-mon-dossier", data={"email": holder.email}).status_code \
        == 302
    assert client.post("/mot-de-passe-oublie", data={"email": holder.email}).status_code == 302
    response = client.post("/mot-de-passe-oublie", data={"email": holder.email})
    assert response.status_code == 429
    assert len(outbox("password_reset")) == 1 and len(outbox("login_link")) == 1


def test_idea_submissions_are_limited_per_address(limited_app):
    from sqlalchemy import func, select

    from murporteur.extensions import db
    from murporteur.submissions.models import Dossier

    client = _from(limited_app, "203.0.113.11")
    for n in range(2):
        response = client.post("/deposer", data={"email": f"robot{n}@example.org",
                                                 "action": "save"})
        assert response.status_code == 302
    before = db.session.scalar(select(func.count(Dossier.id)))
    response = client.post("/deposer", data={"email": "robot3@example.org", "action": "save"})
    assert response.status_code == 429
    assert db.session.scalar(select(func.count(Dossier.id))) == before
    assert client.get("/deposer").status_code == 200


def test_limits_are_off_in_the_test_configuration_and_on_by_default(app):
    from murporteur.settings import Settings

    assert app.config["RATE_LIMITS_ENABLED"] is False
    settings = Settings.from_environ(Path("/tmp"), {"SECRET_KEY": "x"})
    config = settings.flask_config()
    assert config["RATE_LIMITS_ENABLED"] is True
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["FORM_MIN_SECONDS"] == 3
    with_redis = Settings.from_environ(Path("/tmp"), {"SECRET_KEY": "x",
                                                      "REDIS_URL": "redis://r:6379/0"})
    assert with_redis.flask_config()["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0"


def test_with_redis_the_counters_live_in_redis(app, database_url, tmp_path):
    """Several web processes share one count per address when Redis is there."""
    import os

    import redis

    from tests.conftest import BACKENDS

    if not BACKENDS.redis:
        pytest.skip("no Redis in this run (the memory storage is tested above)")
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
    store = redis.Redis.from_url(url)
    store.flushdb()
    limited = make_app(database_url, tmp_path, RATE_LIMITS_ENABLED=True,
                       RATELIMIT_LOGIN="2 per minute", RATELIMIT_STORAGE_URI=url)
    client = _from(limited, "198.51.100.1")
    for _attempt in range(2):
        client.post("/connexion", data={"email": "x@example.org", "password": "nope"})
    assert client.post("/connexion", data={"email": "x@example.org",
                                           "password": "nope"}).status_code == 429
    assert any(b"198.51.100.1" in key for key in store.keys("LIMITS*"))
    store.flushdb()
