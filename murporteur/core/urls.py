"""Addresses: links in e-mails use BASE_URL, never the Host header of a request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, None otherwise (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None  # control characters would split the Location header (found by wapiti)
    return target


def site_path(endpoint: str, **values) -> str:
    """The path of a page of ours (``/mes-dossiers/…``), with or without a request."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values)


def same_site_referrer() -> str | None:
    """The previous page (path and query), when it is one of ours."""
    from flask import request

    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or referrer.scheme not in ("http", "https"):
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
