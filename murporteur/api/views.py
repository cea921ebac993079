"""/api/v1: read-only JSON, personal tokens, cursor pagination, an OpenAPI 3.1 document.

Every request but the public ones (``/stats``, ``/openapi.json``) carries ``Authorization:
Bearer <token>``; the session cookie is never read, so the blueprint needs no CSRF. Every
answer under the prefix, errors included, is JSON: ``{"error": {"status", "code",
"message"}}`` for errors (messages in English, for the developers who call the API).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from murporteur.api import calls as calls_api
from murporteur.api import followup as followup_api
from murporteur.api import openapi, queries, schemas, services
from murporteur.api.openapi import answer, declare, file_answer
from murporteur.api.schemas import Viewer, dump
from murporteur.collective import references
from murporteur.committee.models import AgendaItem, CommitteeSession, Position
from murporteur.conventions.models import Convention, Payment
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.premises.models import PremisesUnit
from murporteur.submissions import uploads
from murporteur.submissions.models import Document, Dossier
from murporteur.submissions.scanning import WITHHELD

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: Answered without a token: the public figures, the description, and the unknown routes
#: (a 404 is the same for everyone: the list of routes is public in openapi.json).
PUBLIC_ENDPOINTS = frozenset({"api.show_stats", "api.openapi_document", "api.unknown_route"}
                             ) | calls_api.PUBLIC
#: Answered with or without a token (the public units without, more with one).
TOKEN_OPTIONAL = frozenset({"api.list_premises"})
#: Not in the document: the catch-all that answers the unknown paths.
HIDDEN_ENDPOINTS = frozenset({"api.unknown_route"})
OPENAPI_KEY = "murporteur.api.openapi"
ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               500: "server_error", 503: "unavailable"}
READ_METHODS = "GET, HEAD, OPTIONS"
#: The methods the catch-all route answers, so that they get a JSON 404/405 too.
ROUTED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
STATS_MAX_AGE = 300
ERROR = schemas.ErrorSchema()


def error_response(status: int, message: str, code: str | None = None,
                   headers: dict | None = None):
    response = jsonify(ERROR.dump({"error": {"status": status,
                                             "code": code or ERROR_CODES[status],
                                             "message": message}}))
    response.status_code = status
    response.headers.update(headers or {})
    return response


calls_api.register(bp, error_response)  # the public calls and needs (issue 20)
followup_api.register(bp, error_response)  # a convention's follow-up (issue 18)


# --- Authentication and errors -------------------------------------------------------------

@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return None
    if request.endpoint in TOKEN_OPTIONAL and "Authorization" not in request.headers:
        g.api_user = None
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = services.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        db.session.rollback()
        return error_response(401, "a valid personal token is needed: "
                              "Authorization: Bearer <token>",
                              headers={"WWW-Authenticate": 'Bearer realm="murporteur"'})
    db.session.commit()  # when the token was last used
    g.api_user = user
    return None


@bp.after_request
def cache_headers(response):
    if request.endpoint == "api.show_stats" and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = STATS_MAX_AGE
    else:
        response.cache_control.no_store = True
    return response


@bp.errorhandler(services.InvalidParameter)
def invalid_parameter(exc: services.InvalidParameter):
    return error_response(400, exc.message, code="invalid_parameter")


def http_error(exc: HTTPException):
    status = exc.code or 500
    if status >= 500:
        db.session.rollback()
        return error_response(500, "unexpected error; nothing was changed", code="server_error")
    headers = {"Allow": READ_METHODS} if status == 405 else None
    return error_response(status, exc.description or "", ERROR_CODES.get(status, "error"),
                          headers)


# By code as well: Flask prefers the application's handlers for a code (its HTML pages) to a
# blueprint's handler for a class.
bp.register_error_handler(HTTPException, http_error)
for _code in (400, 401, 403, 404, 405, 413, 500):
    bp.register_error_handler(_code, http_error)


@bp.route("/", defaults={"path": ""}, methods=ROUTED_METHODS)
@bp.route("/<path:path>", methods=ROUTED_METHODS)
def unknown_route(path: str):
    """Routing errors never reach a blueprint's handlers: this route answers them instead.
    A path that exists for GET was asked with another method (405); any other is unknown."""
    try:
        endpoint, _args = current_app.url_map.bind_to_environ(request.environ).match(
            request.path, method="GET")
    except HTTPException:
        endpoint = None
    if request.method not in ("GET", "HEAD") and endpoint not in (None, "api.unknown_route"):
        return error_response(405, f"{request.method} is not allowed: this API is read-only",
                              headers={"Allow": READ_METHODS})
    return error_response(404, "no such endpoint; the endpoints are described in "
                          "/api/v1/openapi.json")


@bp.before_app_request
def answer_undeclared_methods():
    """A method no route under the prefix declares (TRACE, CONNECT, any word) fails in the
    routing, where neither the catch-all route nor the blueprint's handlers see it: it is
    answered here (app-wide hooks run before the routing error is raised), as the catch-all
    answers the others: a JSON 405 with ``Allow``, or a JSON 404."""
    # NotFound too: an id out of range (``<id:…>``) fails its converter, not the catch-all.
    if isinstance(request.routing_exception, MethodNotAllowed | NotFound) and \
            f"{request.path}/".startswith(f"{bp.url_prefix}/"):
        response = unknown_route(request.path)
        response.cache_control.no_store = True
        return response
    return None


# --- Endpoints -----------------------------------------------------------------------------

DOSSIER_PAGE, SESSION_PAGE = schemas.DossierListSchema(), schemas.SessionListSchema()
CONVENTION_PAGE, PAYMENT_PAGE = schemas.ConventionListSchema(), schemas.PaymentListSchema()
DOSSIER_DETAIL, STATS = schemas.DossierDetailSchema(), schemas.StatsSchema()
REFERENCE_LIST = schemas.ReferenceListSchema()
PREMISES_PAGE = schemas.PremisesUnitListSchema()


def _page(query, model, shape, params: dict, who: Viewer, prefetch=None):
    """A page of ``query``; ``prefetch(rows)`` loads at once what ``shape`` needs of every row
    (so that a page costs a few queries, not a few per row)."""
    filters = services.ListParams(**params)
    page = services.paginate(services.apply_filters(query, model, filters), model.id, filters)
    if prefetch is not None:
        prefetch(page.rows)
    return jsonify(dump(shape, {"data": page.rows, "next_cursor": page.next_cursor}, who))


@bp.get("/references/<list_name>")
@declare("A reference list (themes, kinds of support, kinds of structure), in the "
         "collective's order", answer("The list's entries.", schemas.ReferenceListSchema),
         path={"list_name": "theme, support_kind or structure_kind."},
         errors={404: "No such list."})
def show_reference_list(list_name: str):
    if list_name not in references.LISTS:
        return error_response(404, f"no list {list_name!r}; one of "
                              f"{', '.join(references.LISTS)}")
    locale = g.api_user.locale or "fr"
    rows = [{"key": e.key, "label": e.label(locale), "label_fr": e.label_fr,
             "label_en": e.label_en, "archived": e.archived}
            for e in references.entries(list_name)]
    return jsonify(dump(REFERENCE_LIST, {"data": rows}, Viewer(g.api_user)))


@bp.get("/dossiers")
@declare("The dossiers the user may see", answer("A page of dossiers.",
                                                 schemas.DossierListSchema),
         query=queries.DossierQuery)
def list_dossiers(query: dict):
    who = Viewer(g.api_user)
    rows = services.dossiers_query(who.user).options(selectinload(Dossier.holder))

    def prefetch(dossiers):
        who.documents.update(services.documents_by_dossier(who.user, [d.id for d in dossiers]))

    return _page(rows, Dossier, DOSSIER_PAGE, query, who, prefetch)


@bp.get("/dossiers/<number>")
@declare("One dossier, by its number", answer("The dossier.", schemas.DossierDetailSchema),
         path={"number": "The dossier's number (MP-2026-0001)."},
         errors={404: "No such dossier among those the user may see."})
def show_dossier(number: str):
    dossier = services.find_dossier(g.api_user, number)
    if dossier is None:
        return error_response(404, f"no dossier {number!r} among those you may see")
    who = Viewer(g.api_user, services.documents_by_dossier(g.api_user, [dossier.id]))
    return jsonify(dump(DOSSIER_DETAIL, {"data": dossier}, who))


@bp.get("/sessions")
@declare("The committee sessions the user may see, with their agenda",
         answer("A page of sessions.", schemas.SessionListSchema), query=queries.SessionQuery)
def list_sessions(query: dict):
    items = selectinload(CommitteeSession.items)
    rows = services.sessions_query(g.api_user).options(
        selectinload(CommitteeSession.organisations),
        items.selectinload(AgendaItem.dossier), items.selectinload(AgendaItem.supporters),
        items.selectinload(AgendaItem.positions).selectinload(Position.organisation))
    return _page(rows, CommitteeSession, SESSION_PAGE, query, Viewer(g.api_user))


@bp.get("/conventions")
@declare("The conventions the user may see",
         answer("A page of conventions.", schemas.ConventionListSchema),
         query=queries.ConventionQuery)
def list_conventions(query: dict):
    rows = services.conventions_query(g.api_user).options(
        selectinload(Convention.dossier), selectinload(Convention.organisation),
        selectinload(Convention.payments),
        selectinload(Convention.signed_document).selectinload(Document.dossier))
    return _page(rows, Convention, CONVENTION_PAGE, query, Viewer(g.api_user))


@bp.get("/payments")
@declare("The payments of the conventions the user may see",
         answer("A page of payments.", schemas.PaymentListSchema), query=queries.PaymentQuery)
def list_payments(query: dict):
    return _page(services.payments_query(g.api_user), Payment, PAYMENT_PAGE, query,
                 Viewer(g.api_user))


@bp.get("/premises")
@declare("The premises catalogue: the public available units without a token; with one, "
         "also every unit of the user's organisation (all units for an animator)",
         answer("A page of units.", schemas.PremisesUnitListSchema),
         query=queries.PremisesQuery, token_optional=True)
def list_premises(query: dict):
    rows = services.premises_query(g.api_user).options(
        selectinload(PremisesUnit.organisation))
    return _page(rows, PremisesUnit, PREMISES_PAGE, query, Viewer(g.api_user))


@bp.get("/documents/<public_id>")
@declare("A document's bytes, if the user may see it",
         file_answer("The file, as an attachment."),
         path={"public_id": "The document's id (its `id` in a Dossier's documents or a "
                            "Convention's signed_document)."},
         errors={404: "No such document among those the user may see.",
                 409: "The antivirus has not cleared the file (code conflict)."})
def download_document(public_id: str):
    """A document's bytes, to whoever may see it (``policies.may_view_document``, as on the
    site): 404 otherwise, as for a document that does not exist."""
    document = services.find_document(g.api_user, public_id)
    if document is None:
        return error_response(404, "no such document among those you may see")
    if document.scan_status in WITHHELD:
        return error_response(409, "the antivirus has not cleared this file (yet): it is "
                              "not served", code="conflict")
    return uploads.send(document)


@bp.get("/stats")
@declare("The collective's aggregate figures for a year (public)",
         answer("The figures.", schemas.StatsSchema), query=queries.StatsQuery,
         errors={503: "The figures cannot be computed for now."}, public=True)
def show_stats(query: dict):
    year = query.get("year", paris_today().year)
    try:
        # Lazily: the reporting domain is optional for the rest of the API.
        from murporteur.reporting.services import collective_stats
    except ImportError:
        return error_response(503, "the statistics are not available yet")
    return jsonify(STATS.dump({"year": year, "data": collective_stats(year)}))


@bp.get("/openapi.json")
@declare("This document", answer("The OpenAPI 3.1 document.", {"type": "object"}),
         public=True)
def openapi_document():
    """Generated once per application, from its routes: a route without a declaration
    fails here (``openapi.UndeclaredRoute``), and in the tests."""
    if OPENAPI_KEY not in current_app.extensions:
        rules = [r for r in current_app.url_map.iter_rules() if r.endpoint.startswith("api.")]
        current_app.extensions[OPENAPI_KEY] = openapi.build(rules, HIDDEN_ENDPOINTS)
    return jsonify(current_app.extensions[OPENAPI_KEY])
