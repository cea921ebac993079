"""Protections around every request: security headers and CSP, rate limits, and the signed
timestamp that tells a person filling in a public form from a robot.

- Headers come from Flask-Talisman: a strict Content-Security-Policy (no inline script or
  style, nothing from elsewhere), no framing, HSTS on HTTPS requests in production, a referrer
  policy, a permissions policy and ``X-Content-Type-Options: nosniff``.
- Rate limits come from Flask-Limiter, counted per client address in Redis when REDIS_URL (or
  RATELIMIT_STORAGE_URL) is set, in memory otherwise. The limits themselves are settings.
  When Redis does not answer, the limits go on in this process's memory (a warning is logged,
  Redis is tried again now and then): an outage never refuses a holder's idea.
"""

from __future__ import annotations

import time

from flask import Flask, abort, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from itsdangerous import BadSignature, URLSafeSerializer

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
}

PERMISSIONS_POLICY = {"camera": "()", "microphone": "()", "geolocation": "()",
                      "payment": "()", "usb": "()"}

# One limiter for the process (its decorators are bound at import); its storage is the last
# application's, which is the only one outside tests. Whether limits apply is read from each
# application's config at every request (``_switched_off``).
# Redis unreachable: count in memory rather than fail the request (Flask-Limiter logs "falling
# back to in-memory storage" at WARNING), and any other fault of the limiter lets the request
# through; a store that does not answer in a second counts as down.
limiter = Limiter(key_func=get_remote_address, default_limits=[],
                  strategy="moving-window", in_memory_fallback_enabled=True,
                  swallow_errors=True,
                  storage_options={"socket_connect_timeout": 1, "socket_timeout": 1})
#: For per-view options only (``@talisman(content_security_policy=...)`` marks the view);
#: each application gets its own Talisman in ``init_app``, which reads those marks.
talisman = Talisman()


def _limit(name: str):
    return lambda: current_app.config[name]


def _switched_off() -> bool:
    return not current_app.config.get("RATE_LIMITS_ENABLED", True)


#: Decorators for the views they protect (POST only: showing the page costs nothing).
login_limit = limiter.shared_limit(_limit("RATELIMIT_LOGIN"), scope="login", methods=["POST"],
                                   exempt_when=_switched_off)
link_limit = limiter.shared_limit(_limit("RATELIMIT_LINK"), scope="link", methods=["POST"],
                                  exempt_when=_switched_off)
idea_limit = limiter.shared_limit(_limit("RATELIMIT_IDEA"), scope="idea", methods=["POST"],
                                  exempt_when=_switched_off)


def init_app(app: Flask) -> None:
    production = app.config["ENV_NAME"] == "production"
    app.extensions["talisman"] = Talisman(
        app,
        # TLS ends at the reverse proxy; HSTS is sent on every HTTPS request in production.
        force_https=False,
        strict_transport_security=production,
        strict_transport_security_max_age=365 * 24 * 3600,
        strict_transport_security_include_subdomains=False,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy=PERMISSIONS_POLICY,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        x_xss_protection=False,  # obsolete, and harmful in old browsers; the CSP does the job
    )
    limiter.init_app(app)
    app.before_request(refuse_nul_characters)
    if app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address (for the limits) and scheme (for HSTS) as the proxy saw them.
        hops = app.config["PROXY_HOPS"]
        # Flask documents wrapping `wsgi_app` so; its typing sees only a method there.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)


# --- The idea form's timestamp --------------------------------------------------------------

def _stamp_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="form-started")


def form_stamp(now: float | None = None) -> str:
    """A signed record of when a form was shown, for its hidden field."""
    return _stamp_serializer().dumps(int(now if now is not None else time.time()))


def genuine_stamp(stamp: str | None) -> bool:
    """Whether ``stamp`` is one ``form_stamp`` signed (a form shown again keeps it)."""
    try:
        return isinstance(_stamp_serializer().loads(stamp or ""), int)
    except BadSignature:
        return False


def filled_too_fast(stamp: str | None, now: float | None = None) -> bool:
    """True when the form came back sooner than FORM_MIN_SECONDS after it was shown, or
    without a genuine stamp (a robot posting directly)."""
    minimum = current_app.config["FORM_MIN_SECONDS"]
    if minimum <= 0:
        return False
    try:
        shown = _stamp_serializer().loads(stamp or "")
    except BadSignature:
        return True
    if not isinstance(shown, int):
        return True
    return (now if now is not None else time.time()) - shown < minimum


# --- Characters no one types ----------------------------------------------------------------

def _has_nul(multidict) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in multidict.items(multi=True)
               if isinstance(value, str))


def refuse_nul_characters():
    """A NUL character in an address, a query or a form is never typed by a person, and
    PostgreSQL refuses it in text: the request is refused whole, before any view runs."""
    if "\x00" in request.path or _has_nul(request.args):
        abort(404 if "\x00" in request.path else 400)
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data") and _has_nul(request.form):
        abort(400, description="nul")
