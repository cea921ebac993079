"""Schemathesis against /api/v1/openapi.json, in-process (WSGI): generated requests, valid and
invalid, with a valid token for an animator (sees everything) and for a member (sees their
organisation's). No server error, and every answer conforms to the document (status code,
content type, headers, body schema)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from murporteur.api.services import encode_cursor
from murporteur.api.values import CURSOR_FORMAT
from murporteur.extensions import db
from tests.api.test_endpoints import world  # noqa: F401  (the shared fixture)

EXAMPLES = 25

# Valid cursors are the ones the API hands out; any other string is (rightly) refused.
schemathesis.openapi.format(CURSOR_FORMAT, st.integers(0, 10**6).map(encode_cursor))


def test_the_api_answers_as_its_document_says(app, world):  # noqa: F811
    db.session.commit()  # what the fixture built is visible to the requests
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /dossiers", "GET /dossiers/{number}",
                                               "GET /sessions", "GET /conventions",
                                               "GET /payments", "GET /stats"}
    tokens = [world["tokens"][who] for who in ("animator", "a")]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _check_operation(operation, mode, tokens)


def _check_operation(operation, mode, tokens):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        for token in tokens:
            response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
            assert response.status_code < 500, (operation.label, response.text)

    check()
