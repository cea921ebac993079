"""The API's query parameters fed anything: never a server error, never a write, and every
refusal a JSON error with a message."""

from __future__ import annotations

import pytest
from hypothesis import given

from murporteur.extensions import db
from tests.api.test_endpoints import bearer, world  # noqa: F401
from tests.fuzz.strategies import FUZZ, query_string
from tests.fuzz.test_forms import _row_counts

PARAMETERS = ["limit", "cursor", "state", "updated_since", "organisation", "session",
              "from", "to", "year", "kind", "page", "number", "q"]
PATHS = ["/api/v1/dossiers", "/api/v1/dossiers/{number}", "/api/v1/sessions",
         "/api/v1/conventions", "/api/v1/payments", "/api/v1/stats", "/api/v1/openapi.json"]


@pytest.mark.parametrize("path", PATHS)
def test_api_queries_never_fail(client, world, path):  # noqa: F811
    url = path.format(number=world["on_agenda"][0].number)
    headers = bearer(world["tokens"]["a"])

    @FUZZ
    @given(query=query_string(PARAMETERS))
    def attempt(query):
        db.session.commit()
        before = _row_counts()
        response = client.get(f"{url}?{query}", headers=headers)
        assert response.status_code in (200, 400, 404), response.get_data(as_text=True)
        assert response.is_json
        if response.status_code != 200:
            assert response.get_json()["error"]["message"]
        db.session.rollback()
        assert _row_counts() == before

    attempt()
