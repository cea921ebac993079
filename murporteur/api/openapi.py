"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Schemas are JSON Schema 2020-12. Response objects forbid unknown properties, so that the
tests (which validate every answer against this document) notice a field that is sent but
not described, or a field sent to someone who should not get it.
"""

from __future__ import annotations

from murporteur.accounts.models import OrganisationKind
from murporteur.api.services import DEFAULT_LIMIT, MAX_LIMIT
from murporteur.committee.models import Decision, Stance
from murporteur.committee.workflow import SESSION_STATES
from murporteur.conventions.models import ConventionKind
from murporteur.conventions.workflow import CONVENTION_STATES
from murporteur.submissions.choices import LegalForm, PriorityArea, Stage, SupportKind
from murporteur.submissions.models import DocumentKind
from murporteur.submissions.uploads import ACCEPTED_TYPES
from murporteur.submissions.workflow import STATES as DOSSIER_STATES

JSON = "application/json"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def values(enum_or_table) -> list[str]:
    return [getattr(v, "value", v) for v in enum_or_table]


def obj(properties: dict, optional: tuple[str, ...] = (), description: str = "") -> dict:
    """An object with exactly ``properties``, all required but ``optional``."""
    schema = {"type": "object", "properties": properties,
              "required": [k for k in properties if k not in optional],
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
INSTANT = {"type": "string", "format": "date-time",
           "description": "ISO 8601, in UTC (ends with Z)."}
DAY = {"type": "string", "format": "date"}


def enum(options: list[str], description: str = "") -> dict:
    schema = {"type": "string", "enum": options}
    if description:
        schema["description"] = description
    return schema


def list_of(name: str) -> dict:
    return obj({"data": {"type": "array", "items": ref(name)},
                "next_cursor": {"type": ["string", "null"], "description":
                                "Pass it as `cursor` for the next page; null on the last."}})


SCHEMAS = {
    "Error": obj({"error": obj({
        "status": {"type": "integer", "minimum": 400, "maximum": 599,
                   "description": "The HTTP status, repeated."},
        "code": enum(["bad_request", "invalid_parameter", "unauthorized", "forbidden",
                      "not_found", "method_not_allowed", "conflict", "too_large",
                      "server_error", "unavailable"]),
        "message": {"type": "string", "description": "For the developer, in English."},
    })}, description="Every error under /api/v1 has this shape."),
    "Money": obj({
        "cents": {"type": "integer", "minimum": 0},
        "euros": {"type": "string", "pattern": r"^\d+\.\d{2}$",
                  "description": "The same amount as a decimal string, e.g. \"8000.00\"."},
    }, description="An amount in euros."),
    "OrganisationRef": obj({"id": INTEGER, "name": STRING,
                            "kind": enum(values(OrganisationKind))}),
    "DossierRef": obj({"id": INTEGER, "number": {"type": ["string", "null"]},
                       "title": STRING}),
    "Holder": obj({"name": STRING, "email": STRING, "phone": STRING},
                  description="The holder's contact details: for the animators only."),
    "Document": obj({
        "id": STRING,
        "name": STRING,
        "kind": enum(values(DocumentKind), "Whose it is: the holder's file, a message's, a "
                     "convention's (seen only by its organisation's members), the team's."),
        "content_type": STRING,
        "size": INTEGER,
        "uploaded_at": INSTANT,
        "available": {"type": "boolean", "description":
                      "False while the antivirus has not cleared the file."},
        "download": {"type": "string", "description": "Where GET gives its bytes."},
    }, description="A document the user may see."),
    "Dossier": obj({
        "id": INTEGER,
        "number": {"type": ["string", "null"], "description": "MP-<year>-<sequence>."},
        "title": STRING,
        "state": enum(list(DOSSIER_STATES)),
        "structure_name": STRING,
        "legal_form": nullable(enum(values(LegalForm))),
        "town": STRING,
        "neighbourhoods": STRING,
        "priority_area": nullable(enum(values(PriorityArea))),
        "stage": nullable(enum(values(Stage))),
        "summary": STRING,
        "support_kinds": {"type": "array", "items": enum(values(SupportKind))},
        "financing_amount": nullable(ref("Money")),
        "submitted_at": nullable(INSTANT),
        "state_changed_at": nullable(INSTANT),
        "updated_at": INSTANT,
        "documents": {"type": "array", "items": ref("Document"), "description":
                      "The dossier's documents the user may see (not the messages')."},
        "holder": ref("Holder"),
    }, optional=("holder",), description="A dossier's summary. Committee members get it "
                                         "without the holder's contact details."),
    "Position": obj({
        "organisation": ref("OrganisationRef"),
        "stance": enum(values(Stance)),
        "offer_kinds": {"type": "array", "items": enum(values(SupportKind))},
        "amount": nullable(ref("Money")),
        "comment": STRING,
        "updated_at": INSTANT,
    }, description="An organisation's position and offer on an agenda item."),
    "ItemDecision": obj({
        "decision": enum(values(Decision)),
        "comment": STRING,
        "published_at": nullable(INSTANT),
        "supporters": {"type": "array", "items": ref("OrganisationRef")},
    }, description="Members see it once published; animators also while pending "
                   "(published_at null)."),
    "AgendaItem": obj({
        "id": INTEGER, "rank": INTEGER, "starts_at": INSTANT, "ends_at": INSTANT,
        "dossier": ref("DossierRef"),
        "decision": nullable(ref("ItemDecision")),
        "positions": {"type": "array", "items": ref("Position"), "description":
                      "A member sees their own organisation's (and those they hold a proxy "
                      "for); the others' only when positions_visible is true."},
    }),
    "Session": obj({
        "id": INTEGER,
        "quarter": {"type": "string", "pattern": r"^\d{4}-Q[1-4]$"},
        "state": enum(list(SESSION_STATES)),
        "starts_at": INSTANT, "ends_at": INSTANT,
        "place": STRING, "video_link": STRING,
        "slot_minutes": INTEGER,
        "positions_visible": {"type": "boolean", "description":
                              "Whether the other organisations' positions are shown."},
        "minutes_published_at": nullable(INSTANT),
        "organisations": {"type": "array", "items": ref("OrganisationRef"),
                          "description": "The invited organisations."},
        "items": {"type": "array", "items": ref("AgendaItem"),
                  "description": "The agenda, in its order."},
    }, description="A committee session with its agenda."),
    "Convention": obj({
        "id": INTEGER,
        "dossier": ref("DossierRef"),
        "organisation": ref("OrganisationRef"),
        "kind": enum(values(ConventionKind)),
        "state": enum(list(CONVENTION_STATES)),
        "committed": ref("Money"),
        "in_kind": ref("Money"),
        "scheduled": ref("Money"),
        "paid": ref("Money"),
        "start_date": nullable(DAY), "end_date": nullable(DAY),
        "object": STRING, "reference": STRING,
        "signed_at": nullable(INSTANT),
        "signed_document": nullable(ref("Document")),
        "created_at": INSTANT, "updated_at": INSTANT,
    }),
    "Payment": obj({
        "id": INTEGER, "convention_id": INTEGER,
        "status": enum(["planned", "paid"]),
        "planned_date": DAY, "amount": ref("Money"),
        "paid_date": nullable(DAY), "paid_amount": nullable(ref("Money")),
        "created_at": INSTANT,
    }),
    "DossierList": list_of("Dossier"),
    "SessionList": list_of("Session"),
    "ConventionList": list_of("Convention"),
    "PaymentList": list_of("Payment"),
    "DossierDetail": obj({"data": ref("Dossier")}),
    "Stats": obj({"year": INTEGER, "data": {
        "type": "object",
        "description": "The collective's aggregate figures for the year (counts of ideas "
                       "received, qualified, retained, supported, conventioned; amounts; "
                       "the share of projects supported by several organisations). Each "
                       "amount comes as integer cents (`…_cents`) and as a decimal string "
                       "in euros (`…_euros`).",
        "patternProperties": {
            "_cents$": {"type": "integer"},
            "_euros$": {"type": "string", "pattern": r"^-?\d+\.\d{2}$"},
        }}}),
}


def param(name: str, where: str, schema: dict, description: str,
          required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema}


LIMIT = param("limit", "query", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                 "default": DEFAULT_LIMIT}, "Rows per page.")
#: An opaque token only this API makes (clients pass back what they got); the custom format
#: names it for tools that generate requests (the schemathesis test registers it).
CURSOR_FORMAT = "murporteur-cursor"
CURSOR = param("cursor", "query", {"type": "string", "format": CURSOR_FORMAT},
               "The next_cursor of the previous page (opaque).")
UPDATED_SINCE = param("updated_since", "query", {"type": "string", "format": "date-time"},
                      "Only rows changed at or after this instant (ISO 8601 with an offset).")


def state(options) -> dict:
    return param("state", "query", enum(list(options)), "Only rows in this state.")


def answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


ERROR = {"$ref": "#/components/responses/Error"}
BAD_REQUEST = answer("A parameter is unknown or malformed (code invalid_parameter).",
                     ref("Error"))
UNAUTHORIZED = answer("No token, or an unknown or revoked one.", ref("Error"))


def operation(operation_id: str, summary: str, ok: dict, parameters: list | None = None,
              extra: dict | None = None, public: bool = False) -> dict:
    responses = {"200": ok, "400": BAD_REQUEST}  # every endpoint refuses unknown parameters
    if not public:
        responses["401"] = UNAUTHORIZED
    responses.update(extra or {})
    responses["default"] = ERROR
    spec = {"operationId": operation_id, "summary": summary, "parameters": parameters or [],
            "responses": responses}
    if public:
        spec["security"] = []
    return {"get": spec}


DOCUMENT = {
    "openapi": "3.1.0",
    "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
    "info": {
        "title": "Mur porteur API",
        "version": "1.0.0",
        "description": (
            "Read-only access to what the token's user may see: animators everything; "
            "committee members the sessions their organisation is invited to, the dossiers "
            "on those agendas, their organisation's conventions and payments. Create a "
            "personal token on the page /compte/api and send it as `Authorization: Bearer "
            "<token>`. Lists are ordered by id and paginated by cursor. Only GET is "
            "accepted; any other method answers 405, and an unknown path under /api/v1 "
            "answers 404, both with the Error shape."),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                       "description": "A personal token (mp_…)."}},
        "schemas": SCHEMAS,
        "responses": {"Error": answer("An error.", ref("Error"))},
    },
    "paths": {
        "/dossiers": operation(
            "list_dossiers", "The dossiers the user may see",
            answer("A page of dossiers.", ref("DossierList")),
            [LIMIT, CURSOR, state(DOSSIER_STATES), UPDATED_SINCE]),
        "/dossiers/{number}": operation(
            "show_dossier", "One dossier, by its number",
            answer("The dossier.", ref("DossierDetail")),
            [param("number", "path", STRING, "The dossier's number (MP-2026-0001).",
                   required=True)],
            {"404": answer("No such dossier among those the user may see.", ref("Error"))}),
        "/sessions": operation(
            "list_sessions", "The committee sessions the user may see, with their agenda",
            answer("A page of sessions.", ref("SessionList")),
            [LIMIT, CURSOR, state(SESSION_STATES)]),
        "/conventions": operation(
            "list_conventions", "The conventions the user may see",
            answer("A page of conventions.", ref("ConventionList")),
            [LIMIT, CURSOR, state(CONVENTION_STATES), UPDATED_SINCE]),
        "/payments": operation(
            "list_payments", "The payments of the conventions the user may see",
            answer("A page of payments.", ref("PaymentList")), [LIMIT, CURSOR]),
        "/documents/{public_id}": operation(
            "download_document", "A document's bytes, if the user may see it",
            {"description": "The file, as an attachment.",
             "content": {mime: {"schema": {"type": "string", "format": "binary"}}
                         for mime in ACCEPTED_TYPES}},
            [param("public_id", "path", STRING, "The document's id (its `id` in a "
                   "Dossier's documents or a Convention's signed_document).", required=True)],
            {"404": answer("No such document among those the user may see.", ref("Error")),
             "409": answer("The antivirus has not cleared the file (code conflict).",
                           ref("Error"))}),
        "/stats": operation(
            "show_stats", "The collective's aggregate figures for a year (public)",
            answer("The figures.", ref("Stats")),
            [param("year", "query", {"type": "integer", "minimum": 2000, "maximum": 2100},
                   "Default: the current year.")],
            {"503": answer("The figures cannot be computed for now.", ref("Error"))},
            public=True),
        "/openapi.json": operation(
            "openapi_document", "This document",
            answer("The OpenAPI 3.1 document.", {"type": "object"}), public=True),
    },
}
