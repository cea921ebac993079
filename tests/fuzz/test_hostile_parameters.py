"""Every route of the access matrix, its path and query parameters fed hostile values: huge
and negative integers, unicode digits, far dates and instants, long text, NUL characters.
Never a server error (issue 13); on the API, every answer is JSON.

Each route is driven by the role that gets furthest into it (the first the matrix lets in, as
in ``test_forms``), with its real ids where a parameter is left alone: a hostile value then
meets the view's own parsing, not only a refusal at the door. Forms' bodies are fuzzed in
``test_forms``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.test_access_matrix import ROUTES, world  # noqa: F401
from tests.fuzz.strategies import FUZZ, hostile_query, hostile_values
from tests.fuzz.test_api import PARAMETERS as API_PARAMETERS
from tests.fuzz.test_forms import NAMES, NOT_FUZZED, ROLE_ORDER, _client, _role_for

#: Examples per route: 5 by default (the file runs in well under a minute per database),
#: more with HYPOTHESIS_PROFILE=deep.
EXAMPLES = max(5, FUZZ.max_examples // 2)
QUERY_NAMES = sorted(set(NAMES) | set(API_PARAMETERS) | {
    "page", "label", "interested", "assigned", "organisation", "submitted_from",
    "submitted_to", "from", "to", "year", "quarter", "state", "kind", "tab", "sort",
    "direction", "archives", "next", "format", "columns", "user"})
API_ROLE = "api"
_VARIABLE = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def _route_role(endpoint: str, expected: dict) -> str | None:
    if endpoint.startswith("api.") and endpoint not in {"api.show_stats", "api.openapi_document",
                                                        "api.unknown_route"}:
        return API_ROLE
    return _role_for(expected)


def _cases() -> list:
    cases = []
    for endpoint, (method, template, expected) in ROUTES.items():
        role = _route_role(endpoint, expected)
        if endpoint not in NOT_FUZZED and role is not None:
            cases.append((endpoint, method, template, role))
    return cases


CASES = _cases()
ROLES = [role for role in (*ROLE_ORDER, API_ROLE) if role in {case[3] for case in CASES}]


def _rule_and_arguments(app, endpoint: str, method: str, url: str):
    """The rule the matrix's URL reaches, and the values of its variables there."""
    # The matrix's URL may carry a query (a search): the rule is matched on its path.
    rule, arguments = app.url_map.bind("localhost").match(url.split("?", 1)[0], method=method,
                                                          return_rule=True)
    assert rule.endpoint == endpoint, (url, rule.endpoint)
    return rule, {name: str(value) for name, value in arguments.items()}


def _build(rule, values: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: quote(values[m.group(1)], safe=""), rule.rule)


def _fuzz(app, client, token, headers, endpoint, method, url):
    rule, real = _rule_and_arguments(app, endpoint, method, url)
    # Each variable keeps its real value or takes a hostile one.
    path = st.fixed_dictionaries({name: st.one_of(st.just(value), hostile_values)
                                  for name, value in real.items()})

    @settings(FUZZ, max_examples=EXAMPLES)
    @given(values=path, query=hostile_query(QUERY_NAMES))
    def attempt(values, query):
        target = f"{_build(rule, values)}?{query}"
        response = client.open(target, method=method, headers=headers,
                               data={"csrf_token": token} if method == "POST" else None)
        where = f"{method} {target[:300]} answered {response.status_code}"
        assert response.status_code < 500, f"{where}: {response.get_data(as_text=True)[:1500]}"
        # The API answers JSON, but for the bytes of a document it serves (its 200).
        served_file = endpoint == "api.download_document" and response.status_code == 200
        if rule.rule.startswith("/api/") and not served_file:
            assert response.is_json, where

    attempt()


@pytest.mark.parametrize("role", ROLES)
def test_every_route_takes_hostile_parameters_without_failing(app, world, role):  # noqa: F811
    users, values = world
    headers = {}
    if role == API_ROLE:
        from murporteur.api.services import create_token

        _token, plain = create_token(users["animator"], "fuzz")
        headers = {"Authorization": f"Bearer {plain}"}
        client = app.test_client()
    else:
        client = _client(app, users, role)
    token = client.csrf_token()
    routes = [c for c in CASES if c[3] == role]
    for endpoint, method, template, _role in routes:
        _fuzz(app, client, token, headers, endpoint, method, template.format(**values))


def test_every_route_of_the_matrix_is_driven():
    driven = {endpoint for endpoint, *_rest in CASES}
    assert driven == set(ROUTES) - NOT_FUZZED - {
        e for e, (_m, _t, expected) in ROUTES.items() if _route_role(e, expected) is None}
    assert {"api.list_dossiers", "conventions.show_convention", "members.show_item",
            "notifications.show", "triage.inbox"} <= driven
