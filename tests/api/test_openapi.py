"""openapi.json describes the API that answers: every route, every parameter, and every
answer validates against the schema the document declares for its status code."""

from __future__ import annotations

import re
import sys

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.api.test_endpoints import bearer, world  # noqa: F401  (the shared fixture)

PREFIX = "/api/v1"
REPORTING = "murporteur.reporting.services"
DOCUMENT_URI = "urn:murporteur:openapi"


@pytest.fixture
def document(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _resolve(document: dict, node: dict, pointer: str) -> tuple[dict, str]:
    """Follow a local ``$ref`` (a response object may be one)."""
    while "$ref" in node:
        pointer = node["$ref"][1:]
        node = document
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, pointer


def schema_pointer(document: dict, path: str, status: int) -> str:
    """Where the document declares the JSON body of ``GET path`` answering ``status``."""
    responses = document["paths"][path]["get"]["responses"]
    key = str(status) if str(status) in responses else "default"
    pointer = f"/paths/{_escape(path)}/get/responses/{key}"
    response, pointer = _resolve(document, responses[key], pointer)
    assert "application/json" in response["content"], (path, status)
    return f"{pointer}/content/application~1json/schema"


def validate(document: dict, pointer: str, body) -> None:
    registry = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012))
    validator = Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def _documented_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix(PREFIX))


# --- The document itself -------------------------------------------------------------------

def test_the_document_is_openapi_3_1_with_a_bearer_scheme(document):
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "A personal token (mp_…)."}
    assert document["security"] == [{"bearer": []}]
    assert document["paths"]["/stats"]["get"]["security"] == []
    for name, schema in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)  # each is valid JSON Schema 2020-12
        assert name


def test_every_route_is_described_and_every_description_is_a_route(app, document):
    routes = {_documented_path(rule.rule) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown_route"}
    assert routes == set(document["paths"])
    operation_ids = {op["get"]["operationId"] for op in document["paths"].values()}
    endpoints = {rule.endpoint.removeprefix("api.") for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("api.")} - {"unknown_route"}
    assert operation_ids == endpoints
    for path, item in document["paths"].items():
        assert set(item) == {"get"}, path  # read-only
        for parameter in item["get"]["parameters"]:
            Draft202012Validator.check_schema(parameter["schema"])
            if parameter["in"] == "path":
                assert f"{{{parameter['name']}}}" in path


_SAMPLES = {"limit": "1", "cursor": "MA", "updated_since": "2026-01-01T00:00:00Z",
            "year": "2026"}


def test_every_documented_parameter_is_accepted(document, world, client):  # noqa: F811
    headers = bearer(world["tokens"]["animator"])
    for path, item in document["paths"].items():
        url = PREFIX + path.replace("{number}", world["on_agenda"][0].number)
        for parameter in item["get"]["parameters"]:
            if parameter["in"] != "query":
                continue
            schema = parameter["schema"]
            value = schema["enum"][0] if "enum" in schema else _SAMPLES[parameter["name"]]
            response = client.get(url, headers=headers,
                                  query_string={parameter["name"]: value})
            assert response.status_code == 200, (path, parameter["name"], response.get_json())


# --- Every answer against its schema -------------------------------------------------------

LIST_PATHS = ["/dossiers", "/sessions", "/conventions", "/payments"]


@pytest.mark.parametrize("who", ["animator", "a", "b", "c"])
def test_every_list_and_its_errors_validate(document, world, client, who):  # noqa: F811
    headers = bearer(world["tokens"][who])
    for path in LIST_PATHS:
        for query, status in (("", 200), ("?limit=1", 200), ("?limit=0", 400)):
            response = client.get(f"{PREFIX}{path}{query}", headers=headers)
            assert response.status_code == status, (path, query, response.get_json())
            validate(document, schema_pointer(document, path, status), response.get_json())
        response = client.get(f"{PREFIX}{path}")
        assert response.status_code == 401
        validate(document, schema_pointer(document, path, 401), response.get_json())


def test_the_held_session_with_its_decisions_validates(document, world, client):  # noqa: F811
    from murporteur.committee import services as committee
    from murporteur.committee.models import Decision

    animator = world["users"]["animator"]
    committee.convene(world["session"], animator)
    committee.record_decision(world["item"], Decision.SUPPORTED, animator,
                              supporters=[world["orgs"]["a"]])
    for who in ("animator", "a"):  # pending: the animator's view
        response = client.get(f"{PREFIX}/sessions", headers=bearer(world["tokens"][who]))
        validate(document, schema_pointer(document, "/sessions", 200), response.get_json())
    committee.publish_decisions(world["session"], animator)
    response = client.get(f"{PREFIX}/sessions", headers=bearer(world["tokens"]["b"]))
    assert response.get_json()["data"][0]["items"][0]["decision"]["decision"] == "supported"
    validate(document, schema_pointer(document, "/sessions", 200), response.get_json())


@pytest.mark.parametrize("who,status", [("animator", 200), ("a", 200), ("c", 404)])
def test_the_dossier_detail_validates(document, world, client, who, status):  # noqa: F811
    number = world["on_agenda"][0].number
    response = client.get(f"{PREFIX}/dossiers/{number}", headers=bearer(world["tokens"][who]))
    assert response.status_code == status
    validate(document, schema_pointer(document, "/dossiers/{number}", status),
             response.get_json())
    response = client.get(f"{PREFIX}/dossiers/{number}?limit=3",
                          headers=bearer(world["tokens"][who]))
    validate(document, schema_pointer(document, "/dossiers/{number}", 400),
             response.get_json())


def test_the_stats_and_their_errors_validate(document, client):
    for query, status in (("", 200), ("?year=1", 400)):
        response = client.get(f"{PREFIX}/stats{query}")
        assert response.status_code == status
        validate(document, schema_pointer(document, "/stats", status), response.get_json())


def test_unavailable_stats_validate(document, client, monkeypatch):
    monkeypatch.setitem(sys.modules, REPORTING, None)
    response = client.get(f"{PREFIX}/stats")
    assert response.status_code == 503
    validate(document, schema_pointer(document, "/stats", 503), response.get_json())


def test_the_document_validates_as_its_own_answer(document, client):
    validate(document, schema_pointer(document, "/openapi.json", 200), document)
    response = client.get(f"{PREFIX}/openapi.json?x=1")
    validate(document, schema_pointer(document, "/openapi.json", 400), response.get_json())


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/api/v1/nothing", 404), ("GET", "/api/v1/", 404),
    ("POST", "/api/v1/dossiers", 405), ("DELETE", "/api/v1/payments", 405),
])
def test_routing_errors_validate_against_the_error_schema(document, world, client,  # noqa: F811
                                                          method, path, status):
    response = client.open(path, method=method, headers=bearer(world["tokens"]["a"]))
    assert response.status_code == status
    validate(document, "/components/schemas/Error", response.get_json())


# --- Generated from the declarations -------------------------------------------------------

def _refs(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()


def test_each_route_has_its_declared_parameters_and_schemas(app, document):
    from murporteur.api.openapi import OPERATIONS

    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.unknown_route":
            continue
        operation = OPERATIONS[rule.endpoint.removeprefix("api.")]
        parameters = document["paths"][_documented_path(rule.rule)]["get"]["parameters"]
        assert {p["name"] for p in parameters if p["in"] == "path"} == set(rule.arguments)
        declared = {f.data_key or name for name, f in operation.query().fields.items()}
        assert {p["name"] for p in parameters if p["in"] == "query"} == declared, rule.rule
    # Every reference names a component, and every component is referenced.
    refs = _refs(document)
    components = {f"#/components/{kind}/{name}" for kind in ("schemas", "responses")
                  for name in document["components"][kind]}
    assert refs == components
    assert {"Error", "Money", "Dossier", "Document", "Session", "AgendaItem", "Convention",
            "Payment", "Stats", "DossierList", "SessionList", "ConventionList",
            "PaymentList", "DossierDetail"} <= set(document["components"]["schemas"])


def test_a_route_without_a_declaration_fails_the_document():
    from werkzeug.routing import Map, Rule

    from murporteur.api.openapi import UndeclaredRoute, build

    undeclared = Map([Rule("/api/v1/new", endpoint="api.list_new")])
    with pytest.raises(UndeclaredRoute, match="has no @declare"):
        build(undeclared.iter_rules(), frozenset())
    other_argument = Map([Rule("/api/v1/dossiers/<reference>", endpoint="api.show_dossier")])
    with pytest.raises(UndeclaredRoute, match="path parameters"):
        build(other_argument.iter_rules(), frozenset())


def test_the_shapes_are_the_schemas_the_views_dump(document):
    from murporteur.api import schemas

    for name, schema in (("Dossier", schemas.DossierSchema), ("Payment", schemas.PaymentSchema),
                         ("Session", schemas.SessionSchema)):
        component = document["components"]["schemas"][name]
        assert set(component["properties"]) == set(schema().fields)
        assert component["additionalProperties"] is False
    assert document["components"]["schemas"]["Dossier"]["required"].count("holder") == 0
