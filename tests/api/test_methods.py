"""Every /api/v1 route asked with a method it does not declare (issue 13, finding 13): TRACE
and the like once got the site's HTML 405 page without an ``Allow`` header."""

from __future__ import annotations

import re

import pytest

from tests.api.test_endpoints import bearer, world  # noqa: F401

METHODS = ["TRACE", "PUT", "DELETE", "PATCH", "POST", "CONNECT", "PROPFIND"]


def _api_paths(app) -> list[str]:
    """Each route of the API, its variables filled in (the catch-all route aside)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown_route":
            path = re.sub(r"<id:[^>]+>", "1", rule.rule)  # an id: digits
            paths.append(re.sub(r"<[^>]+>", "MP-2026-0001", path))
    return paths


@pytest.mark.parametrize("method", METHODS)
def test_every_api_route_answers_other_methods_with_a_json_405(app, world, method):  # noqa: F811
    paths = _api_paths(app)
    assert "/api/v1/dossiers" in paths and "/api/v1/openapi.json" in paths
    for path in paths:
        for headers in (bearer(world["tokens"]["animator"]), {}):
            response = app.test_client().open(path, method=method, headers=headers)
            assert response.status_code == 405, (method, path)
            assert response.is_json, (method, path)
            assert response.get_json()["error"]["code"] == "method_not_allowed"
            assert response.headers["Allow"] == "GET, HEAD, OPTIONS", (method, path)


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "GET"])
def test_an_unknown_api_route_is_a_json_404_whatever_the_method(app, method):
    response = app.test_client().open("/api/v1/nothing-here", method=method)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_the_sites_405_page_says_which_methods_are_allowed(app):
    response = app.test_client().open("/", method="TRACE")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"] and "TRACE" not in response.headers["Allow"]
    assert response.mimetype == "text/html"
